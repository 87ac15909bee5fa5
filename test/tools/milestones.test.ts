import { beforeEach, describe, expect, it } from 'vitest';
import { driveTo, seedHierarchy, T0, useSharedClient, ws } from '../helpers/mcp.js';

const c = useSharedClient();

const upsert = (args: Record<string, unknown>) => c().ok('upsert_milestone', { workspace: ws(), ...args });

describe('upsert_milestone', () => {
  it('creates a milestone and audits every set field', async () => {
    const r = await upsert({ title: 'v1', dueOn: '2025-02-01', description: 'First cut' });
    expect(r).toEqual({
      milestone: {
        id: 'M-1',
        title: 'v1',
        description: 'First cut',
        dueOn: '2025-02-01',
        state: 'open',
        createdAt: T0,
        updatedAt: T0,
        version: 1,
      },
      created: true,
      changed: ['title', 'description', 'dueOn', 'state'],
    });
    const records = await c().auditAfter(0);
    expect(records.map((x) => [x.entityType, x.entityId, x.action])).toEqual([
      ['milestone', 'M-1', 'milestone.created'],
    ]);
    expect((await upsert({ title: 'v2' })).milestone.id).toBe('M-2');
  });

  it.each([
    { case: 'by title', args: { title: 'v1', description: 'Scope' }, changed: ['description'], title: 'v1' },
    { case: 'by id, renaming', args: { id: 'M-1', title: 'v1.0' }, changed: ['title'], title: 'v1.0' },
    { case: 'closing', args: { title: 'v1', state: 'closed' }, changed: ['state'], title: 'v1' },
    { case: 'clearing the due date', args: { title: 'v1', dueOn: null }, changed: ['dueOn'], title: 'v1' },
    {
      case: 'with the current version',
      args: { id: 'M-1', title: 'v1', dueOn: '2025-03-01', expectedVersion: 1 },
      changed: ['dueOn'],
      title: 'v1',
    },
  ])('updates $case', async ({ args, changed, title }) => {
    await upsert({ title: 'v1', dueOn: '2025-02-01' });
    c().clock.advance(60_000);
    const before = await c().auditSeq();
    const r = await upsert(args);
    expect(r).toMatchObject({
      created: false,
      changed,
      milestone: { id: 'M-1', title, version: 2, createdAt: T0, updatedAt: c().clock.now() },
    });
    const records = await c().auditAfter(before);
    expect(records.map((x) => [x.action, Object.keys(x.diff)])).toEqual([['milestone.updated', changed]]);
  });

  it('keeps fields the call leaves out', async () => {
    await upsert({ title: 'v1', dueOn: '2025-02-01', description: 'Keep me' });
    const r = await upsert({ id: 'M-1', title: 'v1', state: 'closed' });
    expect(r.milestone).toMatchObject({ description: 'Keep me', dueOn: '2025-02-01', state: 'closed' });
  });

  it.each([
    { case: 'by title', args: { title: 'v1' } },
    { case: 'by id', args: { id: 'M-1', title: 'v1', dueOn: '2025-02-01', state: 'open' } },
  ])('changes nothing and writes no record when nothing differs ($case)', async ({ args }) => {
    await upsert({ title: 'v1', dueOn: '2025-02-01' });
    const before = await c().auditSeq();
    expect(await upsert(args)).toMatchObject({ created: false, changed: [], milestone: { version: 1 } });
    expect(await c().auditSeq()).toBe(before);
  });

  it('does not create a milestone when the caller expected to update one (expectedVersion given)', async () => {
    await upsert({ title: 'v1' });
    // Someone renames M-1; a caller still holding "v1 at version 1" must not get a new milestone.
    await upsert({ id: 'M-1', title: 'v1.0' });
    const before = await c().auditSeq();
    const code = await c().err('upsert_milestone', {
      workspace: ws(),
      title: 'v1',
      description: 'x',
      expectedVersion: 1,
    });
    expect(['MILESTONE.NOT_FOUND', 'MILESTONE.VERSION_CONFLICT']).toContain(code);
    expect(await c().auditSeq()).toBe(before);
    expect((await c().ok('list_milestones', { workspace: ws() })).milestones).toHaveLength(1);
  });

  it.each([
    { case: 'renaming onto a taken title', args: { id: 'M-2', title: 'v1' }, code: 'MILESTONE.TITLE_TAKEN' },
    {
      case: 'stale version by title',
      args: { title: 'v1', description: 'x', expectedVersion: 2 },
      code: 'MILESTONE.VERSION_CONFLICT',
    },
    {
      case: 'stale version by id',
      args: { id: 'M-2', title: 'v3', expectedVersion: 5 },
      code: 'MILESTONE.VERSION_CONFLICT',
    },
    { case: 'unknown id', args: { id: 'M-9', title: 'v9' }, code: 'MILESTONE.NOT_FOUND' },
    { case: 'bad date', args: { title: 'v3', dueOn: '2025-02-30' }, code: 'INPUT.INVALID' },
    { case: 'date with time', args: { title: 'v3', dueOn: '2025-02-01T00:00:00Z' }, code: 'INPUT.INVALID' },
    { case: 'unknown state', args: { title: 'v3', state: 'archived' }, code: 'INPUT.INVALID' },
    { case: 'no title', args: { id: 'M-1' }, code: 'INPUT.INVALID' },
  ])('refuses $case with $code and changes nothing', async ({ args, code }) => {
    await upsert({ title: 'v1' });
    await upsert({ title: 'v2' });
    const before = await c().auditSeq();
    const list = await c().ok('list_milestones', { workspace: ws() });
    expect(await c().err('upsert_milestone', { workspace: ws(), ...args })).toBe(code);
    expect(await c().auditSeq()).toBe(before);
    expect(await c().ok('list_milestones', { workspace: ws() })).toEqual(list);
  });
});

describe('list_milestones', () => {
  beforeEach(async () => {
    await seedHierarchy(c(), ws());
    await upsert({ title: 'past due', dueOn: '2025-01-10' }); // M-1
    await upsert({ title: 'due today', dueOn: '2025-01-15' }); // M-2
    await upsert({ title: 'closed late', dueOn: '2025-01-01', state: 'closed' }); // M-3
    await upsert({ title: 'undated' }); // M-4
    for (const [id, v] of [
      ['T-3', 1],
      ['T-4', 1],
      ['T-5', 1],
      ['F-2', 1],
    ] as const) {
      await c().ok('update_item', { workspace: ws(), id, expectedVersion: v, milestoneId: 'M-1' });
    }
    await c().ok('update_item', { workspace: ws(), id: 'T-7', expectedVersion: 1, milestoneId: 'M-2' });
  });

  const summary = async (args: Record<string, unknown> = {}) =>
    (await c().ok('list_milestones', { workspace: ws(), ...args })).milestones.map(
      (m: { id: string; completion: unknown; overdue: boolean }) => [m.id, m.completion, m.overdue],
    );

  it('reports completion over the tasks (each once) and overdue against the clock', async () => {
    await driveTo(c(), 'T-3', 'done', ws());
    // F-2 and its tasks T-3..T-5 are all on M-1: the tasks count, each once, the feature not.
    expect(await summary()).toEqual([
      ['M-1', { total: 3, done: 1, percent: 33.3 }, true],
      ['M-2', { total: 1, done: 0, percent: 0 }, false],
      ['M-3', { total: 0, done: 0, percent: 0 }, false],
      ['M-4', { total: 0, done: 0, percent: 0 }, false],
    ]);
    await driveTo(c(), 'T-4', 'done', ws());
    expect((await summary())[0]).toEqual(['M-1', { total: 3, done: 2, percent: 66.7 }, true]);
  });

  it.each([
    { now: '2025-01-09T23:59:59.000Z', overdue: [] },
    { now: '2025-01-11T00:00:00.000Z', overdue: ['M-1'] },
    { now: '2025-01-15T23:59:59.999Z', overdue: ['M-1'] },
    { now: '2025-01-16T00:00:00.000Z', overdue: ['M-1', 'M-2'] },
  ])('at $now the overdue ones are $overdue', async ({ now, overdue }) => {
    c().clock.set(now);
    const list = await summary();
    expect(list.filter(([, , o]: [string, unknown, boolean]) => o).map(([id]: [string]) => id)).toEqual(
      overdue,
    );
  });

  it('counts a milestone as whole when all its items are done', async () => {
    for (const id of ['T-3', 'T-4', 'T-5']) await driveTo(c(), id, 'done', ws());
    await c().ok('set_item_status', { workspace: ws(), id: 'F-2', status: 'done' });
    expect((await summary())[0]).toEqual(['M-1', { total: 3, done: 3, percent: 100 }, true]);
    await upsert({ id: 'M-1', title: 'past due', state: 'closed' });
    expect((await summary())[0]).toEqual(['M-1', { total: 3, done: 3, percent: 100 }, false]);
  });

  it.each([
    { state: 'open', ids: ['M-1', 'M-2', 'M-4'] },
    { state: 'closed', ids: ['M-3'] },
    { state: undefined, ids: ['M-1', 'M-2', 'M-3', 'M-4'] },
  ])('filters by state $state', async ({ state, ids }) => {
    expect((await summary(state ? { state } : {})).map(([id]: [string]) => id)).toEqual(ids);
  });

  it('is empty for a workspace without milestones, and refuses an unknown or bad workspace', async () => {
    await c().ok('create_item', { workspace: `${ws()}-none`, type: 'epic', title: 'E' });
    expect(await c().ok('list_milestones', { workspace: `${ws()}-none` })).toEqual({ milestones: [] });
    expect(await c().err('list_milestones', { workspace: `${ws()}-nothing` })).toBe('WORKSPACE.NOT_FOUND');
    expect(await c().err('list_milestones', { workspace: 'acme' })).toBe('INPUT.INVALID');
  });
});
