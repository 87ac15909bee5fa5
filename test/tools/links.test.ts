import { beforeEach, describe, expect, it } from 'vitest';
import { seedHierarchy, useSharedClient, ws } from '../helpers/mcp.js';

const c = useSharedClient();

const link = (fromId: string, kind: string, toId: string, extra: Record<string, unknown> = {}) =>
  c().ok('link_items', { workspace: ws(), fromId, kind, toId, ...extra });

describe('link_items / unlink_items', () => {
  beforeEach(async () => {
    await seedHierarchy(c(), ws());
  });

  it.each([
    { fromId: 'T-3', kind: 'blocks', toId: 'T-4' },
    { fromId: 'T-4', kind: 'depends_on', toId: 'T-3' },
  ])('$fromId $kind $toId is the edge T-3 blocks T-4', async ({ fromId, kind, toId }) => {
    const before = await c().auditSeq();
    const r = await link(fromId, kind, toId, { reason: 'API first' });
    expect(r).toEqual({ blockerId: 'T-3', blockedId: 'T-4', changed: true });
    expect(await c().ok('get_item', { workspace: ws(), id: 'T-3' })).toMatchObject({
      blocks: ['T-4'],
      dependsOn: [],
    });
    expect(await c().ok('get_item', { workspace: ws(), id: 'T-4' })).toMatchObject({
      blocks: [],
      dependsOn: ['T-3'],
    });
    const records = await c().auditAfter(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      entityType: 'link',
      entityId: 'T-3>T-4',
      action: 'link.created',
      reason: 'API first',
      diff: { blocks: { old: null, new: { blocker: 'T-3', blocked: 'T-4' } } },
    });
  });

  it.each([{ again: ['T-3', 'blocks', 'T-4'] }, { again: ['T-4', 'depends_on', 'T-3'] }])(
    're-linking as $again is idempotent: changed false, no audit',
    async ({ again }) => {
      await link('T-3', 'blocks', 'T-4');
      const before = await c().auditSeq();
      const [f, k, t] = again as [string, string, string];
      expect(await link(f, k, t)).toEqual({ blockerId: 'T-3', blockedId: 'T-4', changed: false });
      expect(await c().auditSeq()).toBe(before);
    },
  );

  it.each([
    { fromId: 'T-3', kind: 'blocks', toId: 'T-3' },
    { fromId: 'E-1', kind: 'depends_on', toId: 'E-1' },
  ])('refuses $fromId $kind $toId with LINK.SELF', async (args) => {
    expect(await c().err('link_items', { workspace: ws(), ...args })).toBe('LINK.SELF');
  });

  it.each([
    { close: { fromId: 'T-5', kind: 'blocks', toId: 'T-3' } },
    { close: { fromId: 'T-3', kind: 'depends_on', toId: 'T-5' } },
  ])(
    'refuses the link closing a 3-cycle ($close.kind) with LINK.CYCLE naming the cycle',
    async ({ close }) => {
      await link('T-3', 'blocks', 'T-4');
      await link('T-4', 'blocks', 'T-5');
      const before = await c().auditSeq();
      const e = await c().failure('link_items', { workspace: ws(), ...close });
      expect(e.code).toBe('LINK.CYCLE');
      expect(e.message).toContain('T-5 blocks T-3 blocks T-4 blocks T-5');
      expect(e.details).toEqual({ cycle: ['T-5', 'T-3', 'T-4', 'T-5'] });
      expect(await c().auditSeq()).toBe(before);
      expect((await c().ok('get_item', { workspace: ws(), id: 'T-5' })).blocks).toEqual([]);
    },
  );

  it('refuses a 2-cycle and allows a diamond', async () => {
    await link('T-3', 'blocks', 'T-4');
    expect(await c().err('link_items', { workspace: ws(), fromId: 'T-4', kind: 'blocks', toId: 'T-3' })).toBe(
      'LINK.CYCLE',
    );
    await link('T-3', 'blocks', 'T-5');
    await link('T-4', 'blocks', 'T-7');
    expect((await link('T-5', 'blocks', 'T-7')).changed).toBe(true);
  });

  it('links across types and branches', async () => {
    expect((await link('F-2', 'blocks', 'T-7')).changed).toBe(true);
    expect((await link('E-1', 'depends_on', 'T-9')).changed).toBe(true);
  });

  it.each([
    { args: { fromId: 'T-3', kind: 'blocks', toId: 'T-99' }, code: 'ITEM.NOT_FOUND' },
    { args: { fromId: 'T-99', kind: 'depends_on', toId: 'T-3' }, code: 'ITEM.NOT_FOUND' },
    { args: { fromId: 'T-3', kind: 'relates', toId: 'T-4' }, code: 'INPUT.INVALID' },
  ])('refuses $args with $code', async ({ args, code }) => {
    expect(await c().err('link_items', { workspace: ws(), ...args })).toBe(code);
  });

  it.each([
    { fromId: 'T-3', kind: 'blocks', toId: 'T-4' },
    { fromId: 'T-4', kind: 'depends_on', toId: 'T-3' },
  ])('unlinks with $kind and audits the removal', async (args) => {
    await link('T-3', 'blocks', 'T-4');
    const before = await c().auditSeq();
    const r = await c().ok('unlink_items', { workspace: ws(), ...args, reason: 'not needed' });
    expect(r).toEqual({ blockerId: 'T-3', blockedId: 'T-4', removed: true });
    expect((await c().ok('get_item', { workspace: ws(), id: 'T-3' })).blocks).toEqual([]);
    const records = await c().auditAfter(before);
    expect(records.map((x) => [x.action, x.entityId, x.reason])).toEqual([
      ['link.deleted', 'T-3>T-4', 'not needed'],
    ]);
    // Once gone, the reverse link no longer closes a cycle.
    expect((await link('T-4', 'blocks', 'T-3')).changed).toBe(true);
  });

  it.each([
    { case: 'never linked', args: { fromId: 'T-3', kind: 'blocks', toId: 'T-4' } },
    { case: 'the reverse direction', args: { fromId: 'T-4', kind: 'blocks', toId: 'T-3' }, setup: true },
    { case: 'unknown items', args: { fromId: 'X-1', kind: 'blocks', toId: 'X-2' } },
  ])('refuses to unlink $case with LINK.NOT_FOUND', async ({ args, setup }) => {
    if (setup) await link('T-3', 'blocks', 'T-4');
    const before = await c().auditSeq();
    expect(await c().err('unlink_items', { workspace: ws(), ...args })).toBe('LINK.NOT_FOUND');
    expect(await c().auditSeq()).toBe(before);
  });
});
