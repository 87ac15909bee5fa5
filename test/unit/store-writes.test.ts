/**
 * The domain errors for what a conditional write reported. Each port is faked whole, as an object
 * literal that answers with a fixed outcome: the store's side of these outcomes is the contract suite.
 */
import { describe, expect, it } from 'vitest';
import type { ItemWrites } from '../../src/governance/ports/store-items.js';
import type { MilestoneWrites, TitleTaken } from '../../src/governance/ports/store-milestones.js';
import type { VersionedPut, VersionedUpdate } from '../../src/governance/ports/store-results.js';
import type { SpecWrites } from '../../src/governance/ports/store-specs.js';
import { specStatus, type SpecVersion } from '../../src/governance/model/spec.js';
import {
  insertMilestoneTitled,
  insertNewLink,
  putSpecAt,
  updateItemAt,
  updateMilestoneAt,
} from '../../src/governance/use-cases/store-writes.js';
import { freshWorkspace, makeItem, makeMilestone, T0 } from '../contract/store-fixtures.js';

const items = (update: VersionedUpdate, linked = true): ItemWrites => ({
  insertItem: async () => undefined,
  updateItem: async () => update,
  insertLink: async () => linked,
  deleteLink: async () => false,
});

const milestones = (
  insert: { ok: true } | TitleTaken,
  update: VersionedUpdate | TitleTaken = { ok: true },
): MilestoneWrites => ({
  insertMilestone: async () => insert,
  updateMilestone: async () => update,
});

const specs = (put: VersionedPut<SpecVersion>): SpecWrites => ({
  putSpecVersion: async () => put,
  updateSpecStatus: async () => true,
});

const ws = freshWorkspace();
const item = makeItem(ws, [1]);
const m = makeMilestone(ws, 2);

describe('conditional writes', () => {
  it.each([
    [
      { ok: false, found: true, actualVersion: 4 } as const,
      {
        code: 'ITEM.VERSION_CONFLICT',
        message: 'Item E-1 is at version 4, not 1',
        hint: 'Someone changed it meanwhile: re-read the item and apply your change again.',
        details: { id: 'E-1', expectedVersion: 1, currentVersion: 4 },
      },
    ],
    [
      { ok: false, found: false } as const,
      {
        code: 'ITEM.NOT_FOUND',
        message: 'Item E-1 does not exist',
        hint: 'Check the id with list tools.',
      },
    ],
  ])('raises what updateItem reported: %o', async (outcome, error) => {
    await expect(updateItemAt(items(outcome), item, 1)).rejects.toMatchObject(error);
  });

  it('passes a stored item, link and milestone through', async () => {
    await expect(updateItemAt(items({ ok: true }), item, 1)).resolves.toBeUndefined();
    const link = { workspace: ws, blockerId: 'T-1', blockedId: 'T-2', createdAt: T0 };
    await expect(insertNewLink(items({ ok: true }), link)).resolves.toBeUndefined();
    await expect(insertMilestoneTitled(milestones({ ok: true }), m)).resolves.toBeUndefined();
    await expect(updateMilestoneAt(milestones({ ok: true }), m, 1)).resolves.toBeUndefined();
  });

  it('raises LINK.EXISTS for a link that was already there', async () => {
    const link = { workspace: ws, blockerId: 'T-1', blockedId: 'T-2', createdAt: T0 };
    await expect(insertNewLink(items({ ok: true }, false), link)).rejects.toMatchObject({
      code: 'LINK.EXISTS',
      message: 'T-1 already blocks T-2',
      hint: 'Nothing to do; the link is already there.',
    });
  });

  const taken = {
    code: 'MILESTONE.TITLE_TAKEN',
    message: 'Milestone M-1 already has the title "Milestone 2"',
    hint: 'Use M-1, or pick another title.',
    details: { id: 'M-1' },
  };

  it('raises MILESTONE.TITLE_TAKEN on insert and update', async () => {
    const clash = { ok: false, titleTakenBy: 'M-1' } as const;
    await expect(insertMilestoneTitled(milestones(clash), m)).rejects.toMatchObject(taken);
    await expect(updateMilestoneAt(milestones({ ok: true }, clash), m, 1)).rejects.toMatchObject(taken);
  });

  it.each([
    [
      { ok: false, found: true, actualVersion: 3 } as const,
      {
        code: 'MILESTONE.VERSION_CONFLICT',
        message: 'Milestone M-2 is at version 3, not 1',
        hint: 'Someone changed it meanwhile: re-read the milestone and apply your change again.',
        details: { id: 'M-2', expectedVersion: 1, currentVersion: 3 },
      },
    ],
    [
      { ok: false, found: false } as const,
      {
        code: 'MILESTONE.NOT_FOUND',
        message: 'Milestone M-2 does not exist',
        hint: 'List milestones to find the id.',
      },
    ],
  ])('raises what updateMilestone reported: %o', async (outcome, error) => {
    await expect(updateMilestoneAt(milestones({ ok: true }, outcome), m, 1)).rejects.toMatchObject(error);
  });

  it('returns the stored spec, and raises INTERNAL for a stale expected version', async () => {
    const draft = {
      workspace: ws,
      specId: 'checkout',
      title: 'Checkout',
      text: '# Checkout',
      textHash: 'h',
      bytes: 10,
      lines: 1,
      status: specStatus({}, T0),
      generation: {
        method: 'heuristic' as const,
        requested: 'heuristic' as const,
        model: null,
        latencyMs: 0,
        confidence: 0.6,
        attempts: 0,
        fallback: null,
      },
      items: [],
      createdAt: T0,
      createdBy: 'test:alice',
      updatedAt: T0,
      updatedBy: 'test:alice',
    };
    const { text: _text, ...stored } = { ...draft, version: 3 };
    await expect(putSpecAt(specs({ ok: true, stored }), draft, 2)).resolves.toEqual(stored);
    await expect(putSpecAt(specs({ ok: false, actualVersion: 5 }), draft, 2)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'Spec checkout is at version 5, not 2',
      hint: 'Read the latest version of the spec inside the same write before storing the next one.',
      details: { specId: 'checkout', expectedVersion: 2, currentVersion: 5 },
    });
  });
});
