import { describe, expect, it } from 'vitest';
import { CHECKOUT_SPEC_BARE } from '../fixtures/checkout-spec.js';
import { driveTo, useSharedClient, ws, type BackendName, type Connected } from '../helpers/mcp.js';

const create = async (cc: Connected, type: string, title: string, parentId?: string): Promise<string> =>
  (await cc.ok('create_item', { workspace: ws(), type, title, ...(parentId && { parentId }) })).item
    .id as string;

const completionOf = async (cc: Connected, id = 'M-1') =>
  (await cc.ok('list_milestones', { workspace: ws() })).milestones.find((m: { id: string }) => m.id === id)
    .completion;

const attachTo = async (cc: Connected, id: string, milestoneId: string) => {
  const { item } = await cc.ok('get_item', { workspace: ws(), id });
  await cc.ok('update_item', { workspace: ws(), id, expectedVersion: item.version, milestoneId });
};

/** An epic with 3 features of 6 tasks each: 18 tasks. */
async function epicOf18(cc: Connected): Promise<{ epic: string; tasks: string[] }> {
  const epic = await create(cc, 'epic', 'Checkout');
  const tasks: string[] = [];
  for (const f of ['Cart', 'Payment', 'Receipts']) {
    const fid = await create(cc, 'feature', f, epic);
    for (let i = 1; i <= 6; i++) tasks.push(await create(cc, 'task', `${f} task ${i}`, fid));
  }
  return { epic, tasks };
}

describe.each<BackendName>(['sqlite', 'postgres'])(
  'list_milestones on %s: completion over the tasks under attached items',
  (backend) => {
    const c = useSharedClient({ backend });
    const completion = (id?: string) => completionOf(c(), id);
    const attach = (id: string, milestoneId: string) => attachTo(c(), id, milestoneId);

    it('counts the 18 tasks under an epic on the milestone, each once: 1 done is 5.6%, not 50%', async () => {
      const { epic, tasks } = await epicOf18(c());
      await c().ok('upsert_milestone', { workspace: ws(), title: 'M one' });
      await attach(epic, 'M-1');
      // The same task also attached directly: still counted once.
      await attach(tasks[0]!, 'M-1');
      await driveTo(c(), tasks[0]!, 'done', ws());
      expect(await completion()).toEqual({ total: 18, done: 1, percent: 5.6 });
    });

    it.each([
      { case: 'nothing done', done: 0, cancelled: 0, want: { total: 18, done: 0, percent: 0 } },
      { case: 'a cancelled task', done: 1, cancelled: 1, want: { total: 17, done: 1, percent: 5.9 } },
      { case: 'all but one done', done: 17, cancelled: 0, want: { total: 18, done: 17, percent: 94.4 } },
      { case: 'the rest cancelled', done: 17, cancelled: 1, want: { total: 17, done: 17, percent: 100 } },
    ])('$case: $want', async ({ done, cancelled, want }) => {
      const { epic, tasks } = await epicOf18(c());
      await c().ok('upsert_milestone', { workspace: ws(), title: 'M one' });
      await attach(epic, 'M-1');
      for (const id of tasks.slice(0, done)) await driveTo(c(), id, 'done', ws());
      for (const id of tasks.slice(done, done + cancelled)) await driveTo(c(), id, 'cancelled', ws());
      expect(await completion()).toEqual(want);
    });

    it('counts a feature attached on its own by its tasks, and a leaf feature as one', async () => {
      const epic = await create(c(), 'epic', 'E');
      const f1 = await create(c(), 'feature', 'With tasks', epic);
      const f2 = await create(c(), 'feature', 'Leaf', epic);
      const t = [await create(c(), 'task', 'a', f1), await create(c(), 'task', 'b', f1)];
      await c().ok('upsert_milestone', { workspace: ws(), title: 'M one' });
      await attach(f1, 'M-1');
      await attach(f2, 'M-1');
      await driveTo(c(), t[0]!, 'done', ws());
      expect(await completion()).toEqual({ total: 3, done: 1, percent: 33.3 });
    });
  },
);

describe('apply_spec: epic milestones with milestones.autoCreate', () => {
  const c = useSharedClient();
  const apply = (dryRun: boolean) =>
    c().ok('apply_spec', {
      workspace: ws(),
      specId: 'checkout',
      text: CHECKOUT_SPEC_BARE,
      asOf: '2027-02-10',
      dryRun,
    });
  const autoCreate = (on: boolean) =>
    c().ok('update_config', {
      workspace: ws(),
      scope: 'repo',
      override: { milestones: { autoCreate: on } },
      reason: 'milestones per epic',
    });

  it('creates the named milestone on apply, attaches it to the epic, and validation no longer misses it', async () => {
    await autoCreate(true);
    const dry = await apply(true);
    expect(dry.milestones.created).toEqual([{ id: null, title: 'Q1-2027-checkout' }]);
    expect(dry.milestones.attached).toEqual([
      { itemId: expect.stringMatching(/^E-[a-z0-9]{10}$/), milestoneId: null, title: 'Q1-2027-checkout' },
    ]);
    expect((await c().ok('list_milestones', { workspace: ws() })).milestones).toEqual([]);

    const before = await c().auditSeq();
    const r = await apply(false);
    expect(r.milestones).toEqual({
      created: [{ id: 'M-1', title: 'Q1-2027-checkout' }],
      attached: [{ itemId: 'E-1', milestoneId: 'M-1', title: 'Q1-2027-checkout' }],
    });
    expect((await c().ok('get_item', { workspace: ws(), id: 'E-1' })).item.milestoneId).toBe('M-1');
    const [m] = (await c().ok('list_milestones', { workspace: ws() })).milestones;
    expect(m).toMatchObject({
      id: 'M-1',
      title: 'Q1-2027-checkout',
      state: 'open',
      completion: { total: 4 },
    });
    const records = await c().auditAfter(before);
    expect(records.filter((x) => x.entityType === 'milestone').map((x) => [x.action, x.entityId])).toEqual([
      ['milestone.created', 'M-1'],
    ]);
    expect(records.find((x) => x.entityId === 'E-1' && x.action === 'item.updated')?.diff).toEqual({
      milestoneId: { old: null, new: 'M-1' },
    });
    const missing = async () =>
      (
        await c().ok('validate_hierarchy', { workspace: ws(), source: { kind: 'stored' }, limit: 200 })
      ).violations
        .filter((x: { rule: string }) => x.rule === 'milestone.missing')
        .map((x: { itemId: string }) => x.itemId);
    expect(await missing()).toEqual([]);

    // Applying again creates and attaches nothing.
    expect((await apply(false)).milestones).toEqual({ created: [], attached: [] });
  });

  it('with autoCreate off (the default) creates nothing', async () => {
    const r = await apply(false);
    expect(r.milestones).toEqual({ created: [], attached: [] });
    expect((await c().ok('list_milestones', { workspace: ws() })).milestones).toEqual([]);
    const v = await c().ok('validate_hierarchy', { workspace: ws(), source: { kind: 'stored' }, limit: 200 });
    expect(v.violations.filter((x: { rule: string }) => x.rule === 'milestone.missing')).toHaveLength(1);
  });

  it('reuses an existing milestone with the name', async () => {
    await autoCreate(true);
    await c().ok('upsert_milestone', { workspace: ws(), title: 'Q1-2027-checkout' });
    const r = await apply(false);
    expect(r.milestones).toEqual({
      created: [],
      attached: [{ itemId: 'E-1', milestoneId: 'M-1', title: 'Q1-2027-checkout' }],
    });
  });
});
