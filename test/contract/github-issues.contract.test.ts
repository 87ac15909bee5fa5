/**
 * The GitHub sync's mapping rows, on every back-end: one row per item, replaced when the item is
 * mapped again, an issue number held by one item of its repository, REST ids beyond 2^31 kept exact,
 * and a rolled-back transaction leaves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GovernanceStore, IssueMapping } from '../../src/governance/ports/store.js';
import { storeBackends, type OpenedStore } from '../helpers/store-backends.js';
import { freshWorkspace, T0 } from './store-fixtures.js';

const row = (
  workspace: string,
  itemId: string,
  number: number,
  over: Partial<IssueMapping> = {},
): IssueMapping => ({
  workspace,
  itemId,
  repository: workspace,
  number,
  issueId: 3_000_000_000 + number,
  nodeId: `I_kwDO${number}`,
  syncedAt: T0,
  ...over,
});

describe.each(storeBackends)('GitHub issue mapping: $name', (backend) => {
  let opened: OpenedStore;
  let store: GovernanceStore;

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
  });
  afterAll(() => opened?.cleanup());

  it('stores one row per item and replaces it when the item is mapped again', async () => {
    const ws = freshWorkspace();
    expect(await store.reader.issueMappings(ws)).toEqual(new Map());
    await store.write(ws, async (tx) => {
      await tx.putIssueMapping(row(ws, 'E-1', 1));
      await tx.putIssueMapping(row(ws, 'T-2', 2));
    });
    await store.write(ws, (tx) => tx.putIssueMapping(row(ws, 'T-2', 5, { nodeId: 'I_new' })));
    const got = await store.reader.issueMappings(ws);
    expect([...got.values()].sort((a, b) => a.number - b.number)).toEqual([
      row(ws, 'E-1', 1),
      row(ws, 'T-2', 5, { nodeId: 'I_new' }),
    ]);
    expect(got.get('E-1')?.issueId).toBe(3_000_000_001);
  });

  it('gives an issue number to one item of its repository: mapping it to another frees it', async () => {
    const ws = freshWorkspace();
    await store.write(ws, (tx) => tx.putIssueMapping(row(ws, 'T-1', 7)));
    await store.write(ws, (tx) => tx.putIssueMapping(row(ws, 'T-9', 7)));
    expect([...(await store.reader.issueMappings(ws)).keys()]).toEqual(['T-9']);
  });

  it('keeps nothing of a rolled-back transaction', async () => {
    const ws = freshWorkspace();
    await expect(
      store.write(ws, async (tx) => {
        await tx.putIssueMapping(row(ws, 'T-1', 1));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.reader.issueMappings(ws)).size).toBe(0);
  });
});
