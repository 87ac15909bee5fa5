import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, driveTo, seedHierarchy, useClient, WS, type Connected } from '../helpers/mcp.js';

const c = useClient();

const status = (id: string, to: string, extra: Record<string, unknown> = {}) =>
  c().ok('set_item_status', { workspace: WS, id, status: to, ...extra });
const get = async (id: string) => (await c().ok('get_item', { workspace: WS, id })).item;

describe('set_item_status: cancelled', () => {
  beforeEach(async () => {
    await seedHierarchy(c());
  });

  it.each(['planning', 'in_progress', 'review', 'blocked'])(
    'cancels from %s with a reason, audited, and keeps the reason',
    async (from) => {
      await driveTo(c(), 'T-3', from);
      const before = await c().auditSeq();
      const r = await status('T-3', 'cancelled', { reason: 'dropped from scope' });
      expect(r.item).toMatchObject({ status: 'cancelled', statusReason: 'dropped from scope', progress: 0 });
      const [rec] = (await c().auditAfter(before)).filter((x) => x.entityId === 'T-3');
      expect(rec).toMatchObject({
        action: 'item.status_changed',
        reason: 'dropped from scope',
        diff: { status: { old: from, new: 'cancelled' } },
      });
    },
  );

  it.each(['planning', 'in_progress', 'review', 'blocked'])(
    'refuses cancelling from %s without a reason and writes nothing',
    async (from) => {
      await driveTo(c(), 'T-3', from);
      const before = await c().auditSeq();
      const e = await c().failure('set_item_status', { workspace: WS, id: 'T-3', status: 'cancelled' });
      expect(e.code).toBe('STATUS.REASON_REQUIRED');
      expect(e.hint).toContain('reason');
      expect(await c().auditSeq()).toBe(before);
      expect((await get('T-3')).status).toBe(from);
    },
  );

  it('refuses done -> cancelled; reopens cancelled -> planning (audited, reason cleared)', async () => {
    await driveTo(c(), 'T-3', 'done');
    expect(
      await c().err('set_item_status', { workspace: WS, id: 'T-3', status: 'cancelled', reason: 'x' }),
    ).toBe('STATUS.INVALID_TRANSITION');
    await status('T-4', 'cancelled', { reason: 'not needed' });
    const e = await c().failure('set_item_status', { workspace: WS, id: 'T-4', status: 'in_progress' });
    expect(e).toMatchObject({ code: 'STATUS.INVALID_TRANSITION', details: { allowed: ['planning'] } });
    const before = await c().auditSeq();
    const r = await status('T-4', 'planning');
    expect(r.item).toMatchObject({ status: 'planning', statusReason: null });
    const [rec] = await c().auditAfter(before);
    expect(rec).toMatchObject({
      action: 'item.status_changed',
      diff: { status: { old: 'cancelled', new: 'planning' }, statusReason: { old: 'not needed', new: null } },
    });
  });

  it.each([
    { case: 'one done, two cancelled', done: ['T-3'], cancelled: ['T-4', 'T-5'], feature: 100 },
    { case: 'one done, one cancelled, one open', done: ['T-3'], cancelled: ['T-4'], feature: 50 },
    { case: 'two done, one cancelled', done: ['T-3', 'T-4'], cancelled: ['T-5'], feature: 100 },
    { case: 'all cancelled', done: [], cancelled: ['T-3', 'T-4', 'T-5'], feature: 0 },
  ])('rolls up without cancelled children ($case): F-2 $feature%', async ({ done, cancelled, feature }) => {
    for (const id of done) await driveTo(c(), id, 'done');
    for (const id of cancelled) await status(id, 'cancelled', { reason: 'out of scope' });
    expect((await get('F-2')).progress).toBe(feature);
  });

  it('lets a parent be done when its other children are cancelled, and still refuses an open one', async () => {
    await driveTo(c(), 'T-3', 'done');
    await status('T-4', 'cancelled', { reason: 'out of scope' });
    const e = await c().failure('set_item_status', { workspace: WS, id: 'F-2', status: 'done' });
    expect(e.code).toBe('STATUS.CHILDREN_OPEN');
    expect(e.details).toEqual({ open: ['T-5'] });
    await status('T-5', 'cancelled', { reason: 'out of scope' });
    const r = await status('F-2', 'done');
    expect(r.item).toMatchObject({ status: 'done', progress: 100 });
  });

  it('reopens a done parent when a cancelled child is reopened', async () => {
    await driveTo(c(), 'T-3', 'done');
    for (const id of ['T-4', 'T-5']) await status(id, 'cancelled', { reason: 'out of scope' });
    await status('F-2', 'done');
    const r = await status('T-4', 'planning');
    expect(r.rolledUp[0]).toMatchObject({ id: 'F-2', status: 'in_progress', progress: 50 });
  });
});

describe('set_item_status: versions after a roll-up', () => {
  beforeEach(async () => {
    await seedHierarchy(c());
  });

  it("returns the ancestors' new versions, which the next write to them can use", async () => {
    const r = await status('T-3', 'in_progress');
    expect(r.rolledUp).toEqual([
      { id: 'F-2', status: 'in_progress', progress: 0, version: 2 },
      { id: 'E-1', status: 'in_progress', progress: 0, version: 2 },
    ]);
    for (const u of r.rolledUp) expect((await get(u.id)).version).toBe(u.version);
    const f = r.rolledUp[0];
    const upd = await c().ok('update_item', {
      workspace: WS,
      id: 'F-2',
      expectedVersion: f.version,
      title: 'Cart v2',
    });
    expect(upd.item.version).toBe(f.version + 1);
  });

  it('names the roll-up from a child in the conflict hint', async () => {
    await status('T-3', 'in_progress');
    const e = await c().failure('update_item', { workspace: WS, id: 'F-2', expectedVersion: 1, title: 'x' });
    expect(e.code).toBe('ITEM.VERSION_CONFLICT');
    expect(e.hint).toContain('roll-up');
    expect(e.hint).toContain('T-3 planning -> in_progress');
    expect(e.details).toMatchObject({
      id: 'F-2',
      currentVersion: 2,
      lastChange: { action: 'item.rolled_up', rollup: true, actor: 'test:alice' },
    });
  });

  describe('with another actor', () => {
    let bob: Connected;
    afterEach(async () => {
      await bob.close();
    });

    it.each(['set_item_status', 'update_item', 'move_item'])(
      'names the other actor and action in the conflict hint of %s',
      async (tool) => {
        bob = await connectClient({ share: c(), actor: { type: 'user', id: 'test:bob', name: 'Bob' } });
        await bob.ok('update_item', {
          workspace: WS,
          id: 'T-3',
          expectedVersion: 1,
          title: 'Renamed by Bob',
        });
        const args = {
          set_item_status: { status: 'in_progress' },
          update_item: { title: 'mine' },
          move_item: { parentId: 'F-6' },
        }[tool];
        const e = await c().failure(tool, { workspace: WS, id: 'T-3', expectedVersion: 1, ...args });
        expect(e.code).toBe('ITEM.VERSION_CONFLICT');
        expect(e.hint).toContain('test:bob');
        expect(e.hint).toContain('item.updated');
        expect(e.hint).not.toContain('roll-up');
        expect(e.details).toMatchObject({ lastChange: { actor: 'test:bob', rollup: false } });
      },
    );
  });
});

describe('set_item_status: done over an open dependency', () => {
  beforeEach(async () => {
    await seedHierarchy(c());
    // T-4 depends on T-3.
    await c().ok('link_items', { workspace: WS, fromId: 'T-4', kind: 'depends_on', toId: 'T-3' });
    await driveTo(c(), 'T-4', 'in_progress');
  });

  const enforce = () =>
    c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      override: { rules: { dependencies: 'enforce' } },
      reason: 'dependencies are binding here',
    });

  it.each([
    { rule: 'warn (default)', setup: async () => {} },
    {
      rule: 'warn (explicit)',
      setup: () =>
        c().ok('update_config', {
          workspace: WS,
          scope: 'repo',
          override: { rules: { dependencies: 'warn' } },
          reason: 'x',
        }),
    },
  ])('$rule: done is allowed and the result warns, naming the open dependency', async ({ setup }) => {
    await setup();
    const r = await status('T-4', 'done');
    expect(r.item.status).toBe('done');
    expect(r.warnings).toEqual([
      { code: 'DEPENDENCY.OPEN', message: expect.stringContaining('T-3 (planning)'), ids: ['T-3'] },
    ]);
  });

  it('enforce: refuses with DEPENDENCY.OPEN, a hint naming the dependency, and writes nothing', async () => {
    await enforce();
    const before = await c().auditSeq();
    const e = await c().failure('set_item_status', { workspace: WS, id: 'T-4', status: 'done' });
    expect(e.code).toBe('DEPENDENCY.OPEN');
    expect(e.hint).toContain('T-3 (planning)');
    expect(e.details).toEqual({ open: ['T-3'] });
    expect(await c().auditSeq()).toBe(before);
    expect((await get('T-4')).status).toBe('in_progress');
  });

  it.each([
    { dep: 'done', to: 'done' },
    { dep: 'cancelled', to: 'cancelled' },
  ])('enforce: a $dep dependency does not hold the task back', async ({ to }) => {
    await enforce();
    await driveTo(c(), 'T-3', to);
    const r = await status('T-4', 'done');
    expect(r).toMatchObject({ changed: true, warnings: [], item: { status: 'done' } });
  });

  it('refuses an unknown rule value in the configuration', async () => {
    expect(
      await c().err('update_config', {
        workspace: WS,
        scope: 'repo',
        override: { rules: { dependencies: 'strict' } },
        reason: 'x',
      }),
    ).toBe('CONFIG.INVALID');
  });
});
