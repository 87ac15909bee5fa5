import { describe, expect, it } from 'vitest';
import { seedHierarchy, T0, useClient, WS } from '../helpers/mcp.js';

const c = useClient();
const HOUR = 3_600_000;

describe('list_workspaces', () => {
  it('is empty on an empty store', async () => {
    expect(await c().ok('list_workspaces', {})).toEqual({ workspaces: [], nextCursor: null });
  });

  it('lists each workspace with its counts and last change, in id order', async () => {
    await seedHierarchy(c()); // 9 items, 9 records at T0
    c().clock.advance(HOUR);
    await c().ok('upsert_milestone', { workspace: WS, title: 'v1' });
    await c().ok('create_item', { workspace: 'acme/api', type: 'epic', title: 'API' });
    await c().ok('apply_spec', {
      workspace: 'zeta/docs',
      text: '# Docs\n\n## Guide\n\n- Write it\n',
      method: 'heuristic',
      dryRun: false,
    });
    const { workspaces, nextCursor } = await c().ok('list_workspaces', {});
    const later = new Date(Date.parse(T0) + HOUR).toISOString();
    expect(nextCursor).toBeNull();
    expect(workspaces.map((w: { workspace: string }) => w.workspace)).toEqual(['acme/api', WS, 'zeta/docs']);
    expect(workspaces[0]).toEqual({
      workspace: 'acme/api',
      items: 1,
      milestones: 0,
      specs: 0,
      auditRecords: 1,
      lastChangeAt: later,
    });
    expect(workspaces[1]).toEqual({
      workspace: WS,
      items: 9,
      milestones: 1,
      specs: 0,
      auditRecords: 10,
      lastChangeAt: later,
    });
    expect(workspaces[2]).toMatchObject({ workspace: 'zeta/docs', items: 3, specs: 1 });
  });

  it.each([
    { args: { owner: 'acme' }, want: ['acme/api', WS] },
    { args: { owner: 'zeta' }, want: ['zeta/docs'] },
    { args: { owner: 'acm' }, want: [] },
  ])('filters by owner $args.owner', async ({ args, want }) => {
    for (const ws of [WS, 'acme/api', 'zeta/docs']) {
      await c().ok('create_item', { workspace: ws, type: 'epic', title: 'E' });
    }
    const { workspaces } = await c().ok('list_workspaces', args);
    expect(workspaces.map((w: { workspace: string }) => w.workspace)).toEqual(want);
  });

  it('pages with nextCursor', async () => {
    for (const ws of ['a/one', 'a/two', 'b/three']) {
      await c().ok('create_item', { workspace: ws, type: 'epic', title: 'E' });
    }
    const p1 = await c().ok('list_workspaces', { limit: 2 });
    expect(p1.workspaces.map((w: { workspace: string }) => w.workspace)).toEqual(['a/one', 'a/two']);
    const p2 = await c().ok('list_workspaces', { limit: 2, cursor: p1.nextCursor });
    expect(p2).toMatchObject({ workspaces: [{ workspace: 'b/three' }], nextCursor: null });
  });

  it.each([{ owner: 'a/b' }, { limit: 0 }, { limit: 201 }])('refuses %o', async (args) => {
    expect(await c().err('list_workspaces', args)).toBe('INPUT.INVALID');
  });

  it('lists a workspace whose only data is a configuration override', async () => {
    await c().ok('update_config', {
      workspace: 'solo/repo',
      scope: 'repo',
      expectedVersion: 0,
      reason: 'first',
      override: { structure: { allowUnparentedTasks: true } },
    });
    const { workspaces } = await c().ok('list_workspaces', {});
    expect(workspaces).toEqual([
      expect.objectContaining({ workspace: 'solo/repo', items: 0, auditRecords: 1 }),
    ]);
    // ... and so reads of it answer, empty.
    expect(await c().ok('get_item_tree', { workspace: 'solo/repo' })).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
