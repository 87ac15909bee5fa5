import { beforeEach, describe, expect, it } from 'vitest';
import { driveTo, seedHierarchy, useClient, WS, type SeededTree } from '../helpers/mcp.js';

const c = useClient();

async function get(id: string) {
  return c().ok('get_item', { workspace: WS, id });
}

async function treeIds(args: Record<string, unknown> = {}): Promise<[string, number][]> {
  const { items } = await c().ok('get_item_tree', { workspace: WS, limit: 100, ...args });
  return items.map((i: { id: string; depth: number }) => [i.id, i.depth]);
}

describe('move_item', () => {
  let t: SeededTree;
  beforeEach(async () => {
    t = await seedHierarchy(c());
  });

  it('moves a task to another feature and recomputes progress on both branches', async () => {
    await driveTo(c(), 'T-3', 'done');
    expect((await get('F-2')).item.progress).toBe(33);
    expect((await get('E-1')).item.progress).toBe(17);
    const before = await c().auditSeq();

    const r = await c().ok('move_item', {
      workspace: WS,
      id: 'T-3',
      parentId: 'F-6',
      expectedVersion: 3,
      reason: 'belongs to payment',
    });

    expect(r).toMatchObject({
      moved: true,
      descendants: 0,
      item: { id: 'T-3', parentId: 'F-6', version: 4, status: 'done' },
    });
    // Both features first, then the epic they share, once, with its final value.
    expect(r.rolledUp).toMatchObject([
      { id: 'F-2', status: 'in_progress', progress: 0 },
      { id: 'F-6', status: 'planning', progress: 25 },
      { id: 'E-1', status: 'in_progress', progress: 13 },
    ]);
    expect((await get('F-2')).childIds).toEqual(['T-4', 'T-5']);
    expect((await get('F-6')).childIds).toEqual(['T-3', 'T-7', 'T-8', 'T-9']);
    expect((await get('E-1')).item.progress).toBe(13);

    const records = await c().auditAfter(before);
    expect(records.map((x) => [x.action, x.entityId])).toEqual([
      ['item.moved', 'T-3'],
      ['item.rolled_up', 'F-2'],
      ['item.rolled_up', 'F-6'],
      ['item.rolled_up', 'E-1'],
    ]);
    expect(records[0]).toMatchObject({
      diff: { parentId: { old: 'F-2', new: 'F-6' } },
      reason: 'belongs to payment',
    });
    expect(new Set(records.map((x) => x.correlationId)).size).toBe(1);

    // Siblings sort by creation, so T-3 leads its new feature in the tree.
    expect(await treeIds()).toEqual([
      ['E-1', 0],
      ['F-2', 1],
      ['T-4', 2],
      ['T-5', 2],
      ['F-6', 1],
      ['T-3', 2],
      ['T-7', 2],
      ['T-8', 2],
      ['T-9', 2],
    ]);
  });

  it('moves a feature with its subtree to another epic', async () => {
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Other' });
    await driveTo(c(), 'T-4', 'done');
    const before = await c().auditSeq();

    const r = await c().ok('move_item', { workspace: WS, id: 'F-2', parentId: 'E-10', expectedVersion: 3 });

    expect(r).toMatchObject({ moved: true, descendants: 3, item: { parentId: 'E-10', progress: 33 } });
    expect(r.rolledUp).toMatchObject([
      { id: 'E-1', status: 'in_progress', progress: 0 },
      { id: 'E-10', status: 'in_progress', progress: 33 },
    ]);
    expect(await treeIds()).toEqual([
      ['E-1', 0],
      ['F-6', 1],
      ['T-7', 2],
      ['T-8', 2],
      ['T-9', 2],
      ['E-10', 0],
      ['F-2', 1],
      ['T-3', 2],
      ['T-4', 2],
      ['T-5', 2],
    ]);
    expect(await treeIds({ rootId: 'E-10' })).toEqual([
      ['E-10', 0],
      ['F-2', 1],
      ['T-3', 2],
      ['T-4', 2],
      ['T-5', 2],
    ]);
    // Descendants changed position only: their versions stay valid for their readers.
    expect((await get('T-3')).item.version).toBe(1);
    // Only the moved item and the rolled-up ancestors are audited.
    expect((await c().auditAfter(before)).map((x) => x.action)).toEqual([
      'item.moved',
      'item.rolled_up',
      'item.rolled_up',
    ]);
    // New children of the moved feature land under its new position.
    await c().ok('create_item', { workspace: WS, type: 'task', title: 'New', parentId: 'F-2' });
    expect((await treeIds({ rootId: 'E-10' })).at(-1)).toEqual(['T-11', 2]);
  });

  it('is a no-op when the item is already under that parent', async () => {
    const before = await c().auditSeq();
    const r = await c().ok('move_item', { workspace: WS, id: 'T-3', parentId: 'F-2', expectedVersion: 1 });
    expect(r).toMatchObject({ moved: false, descendants: 0, rolledUp: [], item: { version: 1 } });
    const root = await c().ok('move_item', { workspace: WS, id: 'E-1', parentId: null, expectedVersion: 1 });
    expect(root.moved).toBe(false);
    expect(await c().auditSeq()).toBe(before);
  });

  it('moves a done task under a done feature (it brings no open work)', async () => {
    await driveTo(c(), 'T-3', 'done');
    for (const id of ['T-7', 'T-8', 'T-9']) await driveTo(c(), id, 'done');
    await c().ok('set_item_status', { workspace: WS, id: 'F-6', status: 'done' });
    const r = await c().ok('move_item', { workspace: WS, id: 'T-3', parentId: 'F-6', expectedVersion: 3 });
    expect(r.moved).toBe(true);
    expect((await get('F-6')).item).toMatchObject({ status: 'done', progress: 100 });
  });

  it.each([
    {
      case: 'stale version',
      args: { id: 'T-3', parentId: 'F-6', expectedVersion: 2 },
      code: 'ITEM.VERSION_CONFLICT',
    },
    {
      case: 'unknown item',
      args: { id: 'T-99', parentId: 'F-6', expectedVersion: 1 },
      code: 'ITEM.NOT_FOUND',
    },
    {
      case: 'unknown parent',
      args: { id: 'T-3', parentId: 'F-99', expectedVersion: 1 },
      code: 'ITEM.NOT_FOUND',
    },
    {
      case: 'task under an epic',
      args: { id: 'T-3', parentId: 'E-1', expectedVersion: 1 },
      code: 'HIERARCHY.INVALID_PARENT',
    },
    {
      case: 'task to the root',
      args: { id: 'T-3', parentId: null, expectedVersion: 1 },
      code: 'HIERARCHY.PARENT_REQUIRED',
    },
    {
      case: 'feature to the root',
      args: { id: 'F-2', parentId: null, expectedVersion: 1 },
      code: 'HIERARCHY.PARENT_REQUIRED',
    },
    {
      case: 'feature under a feature',
      args: { id: 'F-2', parentId: 'F-6', expectedVersion: 1 },
      code: 'HIERARCHY.INVALID_PARENT',
    },
    {
      case: 'feature under its own task',
      args: { id: 'F-2', parentId: 'T-3', expectedVersion: 1 },
      code: 'HIERARCHY.INVALID_PARENT',
    },
    {
      case: 'epic under a feature',
      args: { id: 'E-1', parentId: 'F-6', expectedVersion: 1 },
      code: 'HIERARCHY.INVALID_PARENT',
    },
    { case: 'missing parentId', args: { id: 'T-3', expectedVersion: 1 }, code: 'INPUT.INVALID' },
    { case: 'missing expectedVersion', args: { id: 'T-3', parentId: 'F-6' }, code: 'INPUT.INVALID' },
  ])('refuses $case with $code and changes nothing', async ({ args, code }) => {
    const before = await c().auditSeq();
    const tree = await treeIds();
    expect(await c().err('move_item', { workspace: WS, ...args })).toBe(code);
    expect(await c().auditSeq()).toBe(before);
    expect(await treeIds()).toEqual(tree);
  });

  it('refuses to move an open task under a done feature', async () => {
    for (const id of t.tasks[1]) await driveTo(c(), id, 'done');
    await c().ok('set_item_status', { workspace: WS, id: 'F-6', status: 'done' });
    const before = await c().auditSeq();
    expect(
      await c().err('move_item', { workspace: WS, id: 'T-3', parentId: 'F-6', expectedVersion: 1 }),
    ).toBe('HIERARCHY.INVALID_PARENT');
    expect(await c().auditSeq()).toBe(before);
  });
});
