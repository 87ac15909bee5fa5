import { beforeEach, describe, expect, it } from 'vitest';
import { STATUSES } from '../../src/governance/model/work-item.js';
import { TRANSITIONS } from '../../src/governance/rules/status.js';
import { driveTo, seedHierarchy, T0, useSharedClient, ws } from '../helpers/mcp.js';

const c = useSharedClient();

async function get(id: string) {
  return (await c().ok('get_item', { workspace: ws(), id })).item;
}

/** The transition table, written out: a change to the rules must change this test too. */
const ALLOWED: Record<string, string[]> = {
  planning: ['in_progress', 'blocked', 'cancelled'],
  in_progress: ['review', 'done', 'blocked', 'planning', 'cancelled'],
  review: ['in_progress', 'done', 'blocked', 'cancelled'],
  blocked: ['planning', 'in_progress', 'review', 'cancelled'],
  done: ['in_progress'],
  cancelled: ['planning'],
};

const REASONS: Record<string, string> = { blocked: 'waiting on API keys', cancelled: 'dropped from scope' };

const PAIRS = STATUSES.flatMap((from) =>
  STATUSES.filter((to) => to !== from).map((to) => ({ from, to, allowed: ALLOWED[from]!.includes(to) })),
);

describe('set_item_status', () => {
  beforeEach(async () => {
    await seedHierarchy(c(), ws());
  });

  it('uses the documented transition table', () => {
    expect(TRANSITIONS).toEqual(ALLOWED);
    expect(PAIRS).toHaveLength(30);
  });

  it.each(PAIRS)('$from -> $to allowed: $allowed', async ({ from, to, allowed }) => {
    await driveTo(c(), 'T-3', from, ws());
    const item = await get('T-3');
    const before = await c().auditSeq();
    const args = {
      workspace: ws(),
      id: 'T-3',
      status: to,
      ...(REASONS[to] !== undefined && { reason: REASONS[to] }),
    };
    if (!allowed) {
      const e = await c().failure('set_item_status', args);
      expect(e.code).toBe('STATUS.INVALID_TRANSITION');
      expect(e.details).toEqual({ from, to, allowed: ALLOWED[from] });
      expect(await get('T-3')).toEqual(item);
      expect(await c().auditSeq()).toBe(before);
      return;
    }
    c().clock.advance(1000);
    const r = await c().ok('set_item_status', args);
    expect(r.changed).toBe(true);
    expect(r.item).toMatchObject({
      status: to,
      statusReason: REASONS[to] ?? null,
      progress: to === 'done' ? 100 : 0,
      completedAt: to === 'done' ? c().clock.now() : null,
      version: item.version + 1,
    });
    if (to === 'in_progress' || to === 'review') expect(r.item.startedAt).not.toBeNull();
    const [rec] = (await c().auditAfter(before)).filter((x) => x.entityId === 'T-3');
    expect(rec).toMatchObject({ action: 'item.status_changed', diff: { status: { old: from, new: to } } });
  });

  it.each(STATUSES.filter((s) => s !== 'blocked' && s !== 'cancelled').map((s) => ({ s })))(
    'setting $s again changes nothing',
    async ({ s }) => {
      await driveTo(c(), 'T-3', s, ws());
      const before = await c().auditSeq();
      const r = await c().ok('set_item_status', { workspace: ws(), id: 'T-3', status: s, reason: 'again' });
      expect(r).toMatchObject({ changed: false, rolledUp: [] });
      expect(await c().auditSeq()).toBe(before);
    },
  );

  it('blocking a blocked item with the same reason changes nothing; a new reason is recorded', async () => {
    await c().ok('set_item_status', {
      workspace: ws(),
      id: 'T-3',
      status: 'blocked',
      reason: 'waiting on keys',
    });
    const before = await c().auditSeq();
    const same = await c().ok('set_item_status', {
      workspace: ws(),
      id: 'T-3',
      status: 'blocked',
      reason: 'waiting on keys',
    });
    expect(same).toMatchObject({ changed: false });
    expect(await c().auditSeq()).toBe(before);
    const r = await c().ok('set_item_status', {
      workspace: ws(),
      id: 'T-3',
      status: 'blocked',
      reason: 'waiting on legal',
    });
    expect(r).toMatchObject({ changed: true, item: { status: 'blocked', statusReason: 'waiting on legal' } });
    const recs = await c().auditAfter(before);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      action: 'item.updated',
      diff: { statusReason: { old: 'waiting on keys', new: 'waiting on legal' } },
    });
  });

  it.each([
    { case: 'no reason', reason: undefined },
    { case: 'a blank reason', reason: '   ' },
  ])(
    'refuses blocked with $case: STATUS.REASON_REQUIRED (or INPUT.INVALID for blank input)',
    async ({ reason }) => {
      const before = await c().auditSeq();
      const code = await c().err('set_item_status', {
        workspace: ws(),
        id: 'T-3',
        status: 'blocked',
        ...(reason !== undefined && { reason }),
      });
      // A blank string fails the input schema (trimmed, min 1) before the rule sees it.
      expect(code).toBe(reason === undefined ? 'STATUS.REASON_REQUIRED' : 'INPUT.INVALID');
      expect(await c().auditSeq()).toBe(before);
    },
  );

  it('keeps the reason of a blocked item and clears it when unblocked', async () => {
    const r = await c().ok('set_item_status', {
      workspace: ws(),
      id: 'T-3',
      status: 'blocked',
      reason: 'vendor',
    });
    expect(r.item.statusReason).toBe('vendor');
    const before = await c().auditSeq();
    const u = await c().ok('set_item_status', { workspace: ws(), id: 'T-3', status: 'in_progress' });
    expect(u.item.statusReason).toBeNull();
    const [rec] = await c().auditAfter(before);
    expect(rec!.diff).toMatchObject({
      status: { old: 'blocked', new: 'in_progress' },
      statusReason: { old: 'vendor', new: null },
    });
  });

  it('refuses done while children are open, listing them', async () => {
    await driveTo(c(), 'T-3', 'done', ws());
    await driveTo(c(), 'T-4', 'review', ws());
    const before = await c().auditSeq();
    const e = await c().failure('set_item_status', { workspace: ws(), id: 'F-2', status: 'done' });
    expect(e.code).toBe('STATUS.CHILDREN_OPEN');
    expect(e.details).toEqual({ open: ['T-4', 'T-5'] });
    expect(e.hint).toContain('T-4, T-5');
    expect(await c().auditSeq()).toBe(before);
  });

  it('refuses done -> planning', async () => {
    await driveTo(c(), 'T-3', 'done', ws());
    expect(await c().err('set_item_status', { workspace: ws(), id: 'T-3', status: 'planning' })).toBe(
      'STATUS.INVALID_TRANSITION',
    );
  });

  it('starts a planning parent and grandparent when a child goes in progress', async () => {
    c().clock.advance(5000);
    const before = await c().auditSeq();
    const r = await c().ok('set_item_status', { workspace: ws(), id: 'T-3', status: 'in_progress' });
    expect(r.rolledUp).toEqual([
      { id: 'F-2', status: 'in_progress', progress: 0, version: 2 },
      { id: 'E-1', status: 'in_progress', progress: 0, version: 2 },
    ]);
    for (const id of ['F-2', 'E-1']) {
      expect(await get(id)).toMatchObject({ status: 'in_progress', startedAt: c().clock.now(), version: 2 });
    }
    expect(await get('F-6')).toMatchObject({ status: 'planning' });
    const records = await c().auditAfter(before);
    expect(records.map((x) => [x.action, x.entityId, x.diff])).toEqual([
      ['item.status_changed', 'T-3', { status: { old: 'planning', new: 'in_progress' } }],
      ['item.rolled_up', 'F-2', { status: { old: 'planning', new: 'in_progress' } }],
      ['item.rolled_up', 'E-1', { status: { old: 'planning', new: 'in_progress' } }],
    ]);
    expect(records[1]!.reason).toBe('roll-up: T-3 planning -> in_progress');
  });

  it.each([
    { done: [], feature: 0, epic: 0 },
    { done: ['T-3'], feature: 33, epic: 17 },
    { done: ['T-3', 'T-4'], feature: 67, epic: 34 },
    { done: ['T-3', 'T-4', 'T-5'], feature: 100, epic: 50 },
    { done: ['T-3', 'T-7'], feature: 33, epic: 33 },
    { done: ['T-3', 'T-4', 'T-5', 'T-7', 'T-8', 'T-9'], feature: 100, epic: 100 },
  ])('rolls up progress with $done done: F-2 $feature%, E-1 $epic%', async ({ done, feature, epic }) => {
    for (const id of done) await driveTo(c(), id, 'done', ws());
    expect((await get('F-2')).progress).toBe(feature);
    expect((await get('E-1')).progress).toBe(epic);
    const f6 = ['T-7', 'T-8', 'T-9'].filter((x) => done.includes(x)).length;
    expect((await get('F-6')).progress).toBe(Math.round((100 * f6) / 3));
  });

  it('writes one record for the change and one per rolled-up ancestor', async () => {
    await driveTo(c(), 'T-3', 'in_progress', ws());
    const before = await c().auditSeq();
    const r = await c().ok('set_item_status', { workspace: ws(), id: 'T-3', status: 'done' });
    expect(r.rolledUp).toEqual([
      { id: 'F-2', status: 'in_progress', progress: 33, version: 3 },
      { id: 'E-1', status: 'in_progress', progress: 17, version: 3 },
    ]);
    const records = await c().auditAfter(before);
    expect(records.map((x) => [x.action, x.entityId, x.diff])).toEqual([
      [
        'item.status_changed',
        'T-3',
        { status: { old: 'in_progress', new: 'done' }, progress: { old: 0, new: 100 } },
      ],
      ['item.rolled_up', 'F-2', { progress: { old: 0, new: 33 } }],
      ['item.rolled_up', 'E-1', { progress: { old: 0, new: 17 } }],
    ]);
  });

  it('finishes a parent once its children are done, and reopens it when a child reopens', async () => {
    for (const id of ['T-3', 'T-4', 'T-5']) await driveTo(c(), id, 'done', ws());
    const f = await c().ok('set_item_status', { workspace: ws(), id: 'F-2', status: 'done' });
    expect(f.item).toMatchObject({ status: 'done', progress: 100, completedAt: T0 });
    expect(f.rolledUp).toEqual([]);

    const r = await c().ok('set_item_status', { workspace: ws(), id: 'T-4', status: 'in_progress' });
    expect(r.rolledUp).toMatchObject([
      { id: 'F-2', status: 'in_progress', progress: 67 },
      { id: 'E-1', status: 'in_progress', progress: 34 },
    ]);
    expect(await get('F-2')).toMatchObject({ status: 'in_progress', completedAt: null });
  });

  it.each([
    {
      case: 'stale expectedVersion',
      args: { id: 'T-3', status: 'in_progress', expectedVersion: 2 },
      code: 'ITEM.VERSION_CONFLICT',
    },
    { case: 'unknown item', args: { id: 'T-99', status: 'in_progress' }, code: 'ITEM.NOT_FOUND' },
    { case: 'unknown status', args: { id: 'T-3', status: 'closed' }, code: 'INPUT.INVALID' },
  ])('refuses $case with $code', async ({ args, code }) => {
    expect(await c().err('set_item_status', { workspace: ws(), ...args })).toBe(code);
  });

  it('accepts the current expectedVersion', async () => {
    const r = await c().ok('set_item_status', {
      workspace: ws(),
      id: 'T-3',
      status: 'in_progress',
      expectedVersion: 1,
    });
    expect(r.item.version).toBe(2);
  });
});
