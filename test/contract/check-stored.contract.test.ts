/**
 * A stored hierarchy checked a page at a time (the next page read while one is checked) gives the
 * same findings, in the same order, and the same progress whatever the page size, on every store:
 * pages that end inside a subtree, on its last item, and on the workspace's last item included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStoredHierarchy } from '../../src/governance/compliance/check-stored.js';
import type { Violation } from '../../src/governance/compliance/types.js';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import type { WorkItem } from '../../src/governance/model/work-item.js';
import { storeBackends, type OpenedStore } from '../helpers/store-backends.js';
import { freshWorkspace, makeItem, T0 } from './store-fixtures.js';

describe.each(storeBackends)('stored compliance check: $name', (backend) => {
  let opened: OpenedStore;
  const ws = freshWorkspace();
  // Two epics of two features; features with 0, 1, 2 and 3 tasks (an empty one is a finding
  // reported when its subtree closes): 14 items.
  const items: WorkItem[] = [];
  let seq = 0;
  for (let e = 0; e < 2; e++) {
    const epic = makeItem(ws, [++seq], { description: '## Overview\nWhy.' });
    items.push(epic);
    for (let f = 0; f < 2; f++) {
      const fs = ++seq;
      const feature = makeItem(ws, [epic.seq, fs], { parentId: epic.id });
      items.push(feature);
      for (let t = 0; t < e * 2 + f; t++) {
        items.push(
          makeItem(ws, [epic.seq, fs, ++seq], {
            parentId: feature.id,
            estimateDays: t === 0 ? null : 2,
            labels: t === 1 ? ['made-up'] : [],
          }),
        );
      }
    }
  }

  beforeAll(async () => {
    opened = await backend.open();
    await opened.store.write(ws, async (tx) => {
      for (const item of items) await tx.insertItem(item);
    });
  });
  afterAll(() => opened?.cleanup());

  const check = async (pageSize: number) => {
    const found: Violation[] = [];
    const progress: [number, number | undefined][] = [];
    const checked = await checkStoredHierarchy(opened.store.reader, {
      workspace: ws,
      config: DEFAULT_CONFIG,
      today: T0,
      pageSize,
      onViolations: (vs) => found.push(...vs),
      onProgress: async (done, total) => void progress.push([done, total]),
    });
    return { checked, found, progress };
  };

  it.each([1, 2, 3, 7, 13, 14, 15])('in pages of %i', async (pageSize) => {
    const whole = await check(1000);
    expect(whole.checked).toBe(items.length);
    expect(whole.found.map((v) => v.rule)).toEqual(expect.arrayContaining(['structure.emptyFeature']));
    const paged = await check(pageSize);
    expect(paged.checked).toBe(items.length);
    expect(paged.found).toEqual(whole.found);
    // A page per pageSize items, and a last one that is short (empty when the count divides).
    expect(paged.progress).toHaveLength(Math.floor(items.length / pageSize) + 1);
    expect(paged.progress.at(-1)).toEqual([items.length, items.length]);
  });

  it('refuses an unknown workspace and an unknown root', async () => {
    const base = { config: DEFAULT_CONFIG, today: T0, onViolations: () => undefined };
    await expect(
      checkStoredHierarchy(opened.store.reader, { ...base, workspace: freshWorkspace() }),
    ).rejects.toMatchObject({ code: 'WORKSPACE.NOT_FOUND' });
    await expect(
      checkStoredHierarchy(opened.store.reader, { ...base, workspace: ws, rootId: 'E-404' }),
    ).rejects.toMatchObject({ code: 'ITEM.NOT_FOUND' });
  });
});
