import { beforeEach, describe, expect, it } from 'vitest';
import { driveTo, seedHierarchy, useSharedClient, ws } from '../helpers/mcp.js';

const c = useSharedClient();

/** E-1 (F-2: T-3 T-4 T-5, F-6: T-7 T-8 T-9), E-10 (F-11: T-12), depth-first. */
const ALL = ['E-1', 'F-2', 'T-3', 'T-4', 'T-5', 'F-6', 'T-7', 'T-8', 'T-9', 'E-10', 'F-11', 'T-12'];

async function page(args: Record<string, unknown>) {
  return c().ok('get_item_tree', { workspace: ws(), ...args });
}

async function allPages(args: Record<string, unknown>, limit: number) {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const p = await page({ ...args, limit, ...(cursor && { cursor }) });
    pages++;
    expect(p.items.length).toBeLessThanOrEqual(limit);
    ids.push(...p.items.map((i: { id: string }) => i.id));
    cursor = p.nextCursor ?? undefined;
    if (cursor) expect(p.items).toHaveLength(limit);
  } while (cursor && pages < 100);
  return { ids, pages };
}

describe('get_item_tree', () => {
  beforeEach(async () => {
    await seedHierarchy(c(), ws());
    await c().ok('upsert_milestone', { workspace: ws(), title: 'v1' });
    await c().ok('create_item', { workspace: ws(), type: 'epic', title: 'Search', milestoneId: 'M-1' });
    await c().ok('create_item', {
      workspace: ws(),
      type: 'feature',
      title: 'Index',
      parentId: 'E-10',
      agent: 'agent:dev',
    });
    await c().ok('create_item', {
      workspace: ws(),
      type: 'task',
      title: 'Crawl',
      parentId: 'F-11',
      agent: 'agent:dev',
      milestoneId: 'M-1',
    });
    await c().ok('update_item', { workspace: ws(), id: 'T-4', expectedVersion: 1, agent: 'agent:dev' });
    await driveTo(c(), 'T-7', 'in_progress', ws());
    await driveTo(c(), 'T-8', 'done', ws());
  });

  it('returns the nodes with depth, progress and parent', async () => {
    const p = await page({ limit: 3 });
    expect(p.items).toEqual([
      {
        id: 'E-1',
        type: 'epic',
        title: 'Checkout',
        status: 'in_progress',
        priority: 'medium',
        agent: null,
        milestoneId: null,
        parentId: null,
        depth: 0,
        progress: 17,
      },
      {
        id: 'F-2',
        type: 'feature',
        title: 'Cart',
        status: 'planning',
        priority: 'medium',
        agent: null,
        milestoneId: null,
        parentId: 'E-1',
        depth: 1,
        progress: 0,
      },
      {
        id: 'T-3',
        type: 'task',
        title: 'Cart task 1',
        status: 'planning',
        priority: 'medium',
        agent: null,
        milestoneId: null,
        parentId: 'F-2',
        depth: 2,
        progress: 0,
      },
    ]);
    expect(p.nextCursor).toEqual(expect.any(String));
  });

  it.each([1, 2, 3, 5, 11, 12, 50])('pages of %i cover every item once, depth-first', async (limit) => {
    const { ids, pages } = await allPages({}, limit);
    expect(ids).toEqual(ALL);
    expect(pages).toBe(Math.ceil(ALL.length / limit));
  });

  it.each([
    { filter: { types: ['task'] }, ids: ['T-3', 'T-4', 'T-5', 'T-7', 'T-8', 'T-9', 'T-12'] },
    { filter: { types: ['epic', 'feature'] }, ids: ['E-1', 'F-2', 'F-6', 'E-10', 'F-11'] },
    { filter: { types: [] }, ids: ALL },
    { filter: { statuses: ['in_progress'] }, ids: ['E-1', 'F-6', 'T-7'] },
    { filter: { statuses: ['done', 'blocked'] }, ids: ['T-8'] },
    { filter: { agent: 'agent:dev' }, ids: ['T-4', 'F-11', 'T-12'] },
    { filter: { agent: 'agent:none' }, ids: [] },
    { filter: { milestoneId: 'M-1' }, ids: ['E-10', 'T-12'] },
    { filter: { depth: 0 }, ids: ['E-1', 'E-10'] },
    { filter: { depth: 1 }, ids: ['E-1', 'F-2', 'F-6', 'E-10', 'F-11'] },
    { filter: { depth: 5 }, ids: ALL },
    { filter: { rootId: 'F-6' }, ids: ['F-6', 'T-7', 'T-8', 'T-9'] },
    { filter: { rootId: 'F-6', depth: 0 }, ids: ['F-6'] },
    { filter: { rootId: 'E-1', depth: 1 }, ids: ['E-1', 'F-2', 'F-6'] },
    { filter: { rootId: 'T-3' }, ids: ['T-3'] },
    { filter: { rootId: 'E-1', types: ['task'], statuses: ['planning'] }, ids: ['T-3', 'T-4', 'T-5', 'T-9'] },
    { filter: { types: ['task'], agent: 'agent:dev', milestoneId: 'M-1' }, ids: ['T-12'] },
  ])('filters $filter', async ({ filter, ids }) => {
    expect((await page({ ...filter, limit: 100 })).items.map((i: { id: string }) => i.id)).toEqual(ids);
    // Paging under a filter yields the same sequence.
    expect((await allPages(filter, 2)).ids).toEqual(ids);
  });

  it('returns an empty page with no cursor past the end', async () => {
    const first = await page({ limit: 12 });
    expect(first.nextCursor).toBeNull();
    const p = await page({ limit: 11 });
    const last = await page({ limit: 11, cursor: p.nextCursor });
    expect(last).toEqual({ items: [expect.objectContaining({ id: 'T-12' })], nextCursor: null });
  });

  it.each([
    { case: 'garbage cursor', args: { cursor: 'not-a-cursor' }, code: 'INPUT.INVALID' },
    {
      case: 'cursor with a foreign path',
      args: { cursor: Buffer.from('{"p":"../x"}').toString('base64url') },
      code: 'INPUT.INVALID',
    },
    {
      case: 'cursor of another shape',
      args: { cursor: Buffer.from('[1,2]').toString('base64url') },
      code: 'INPUT.INVALID',
    },
    { case: 'over-long cursor', args: { cursor: 'x'.repeat(501) }, code: 'INPUT.INVALID' },
    { case: 'unknown root', args: { rootId: 'E-99' }, code: 'ITEM.NOT_FOUND' },
    { case: 'depth 6', args: { depth: 6 }, code: 'INPUT.INVALID' },
    { case: 'limit 0', args: { limit: 0 }, code: 'INPUT.INVALID' },
    { case: 'limit 101', args: { limit: 101 }, code: 'INPUT.INVALID' },
    { case: 'unknown status', args: { statuses: ['open'] }, code: 'INPUT.INVALID' },
  ])('refuses $case with $code', async ({ args, code }) => {
    expect(await c().err('get_item_tree', { workspace: ws(), ...args })).toBe(code);
  });

  it('refuses a workspace nothing was written to (test/tools/truthful-errors.test.ts)', async () => {
    expect(await c().err('get_item_tree', { workspace: `${ws()}-nothing` })).toBe('WORKSPACE.NOT_FOUND');
  });
});
