import { beforeEach, describe, expect, it } from 'vitest';
import { seedHierarchy, useSharedClient, ws } from '../helpers/mcp.js';

const c = useSharedClient();

async function item(id: string) {
  return (await c().ok('get_item', { workspace: ws(), id })).item;
}

describe('update_item', () => {
  beforeEach(async () => {
    await seedHierarchy(c(), ws());
    await c().ok('upsert_milestone', { workspace: ws(), title: 'v1' });
    c().clock.advance(60_000);
  });

  it.each([
    { patch: { title: 'Renamed' }, changed: ['title'] },
    { patch: { description: 'More words' }, changed: ['description'] },
    { patch: { priority: 'critical' }, changed: ['priority'] },
    { patch: { agent: 'agent:qa' }, changed: ['agent'] },
    { patch: { estimateDays: 3 }, changed: ['estimateDays'] },
    { patch: { milestoneId: 'M-1' }, changed: ['milestoneId'] },
    { patch: { labels: ['b', 'a', 'b'] }, changed: ['labels'], expect: { labels: ['b', 'a'] } },
    { patch: { title: 'T', priority: 'low', agent: 'agent:dev' }, changed: ['title', 'priority', 'agent'] },
  ])('changes $changed and audits exactly those fields', async ({ patch, changed, expect: shape }) => {
    const before = await c().auditSeq();
    const r = await c().ok('update_item', {
      workspace: ws(),
      id: 'T-3',
      expectedVersion: 1,
      ...patch,
      reason: 'tidy',
    });
    expect(r.changed).toEqual(changed);
    expect(r.item).toMatchObject({ ...patch, ...shape, version: 2, updatedAt: c().clock.now() });
    expect(await item('T-3')).toEqual(r.item);
    const records = await c().auditAfter(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      action: 'item.updated',
      entityId: 'T-3',
      reason: 'tidy',
      tool: 'update_item',
    });
    expect(Object.keys(records[0]!.diff)).toEqual(changed);
  });

  it.each([
    { field: 'agent', set: 'agent:dev' },
    { field: 'estimateDays', set: 5 },
    { field: 'milestoneId', set: 'M-1' },
  ])('clears $field with null', async ({ field, set }) => {
    await c().ok('update_item', { workspace: ws(), id: 'T-3', expectedVersion: 1, [field]: set });
    const r = await c().ok('update_item', { workspace: ws(), id: 'T-3', expectedVersion: 2, [field]: null });
    expect(r.changed).toEqual([field]);
    expect(r.item[field]).toBeNull();
  });

  it.each([
    { case: 'an empty patch', patch: {} },
    { case: 'the same values', patch: { title: 'Cart task 1', priority: 'medium', labels: [] } },
    { case: 'null on an empty field', patch: { agent: null, estimateDays: null } },
  ])('writes nothing for $case', async ({ patch }) => {
    const before = await c().auditSeq();
    const r = await c().ok('update_item', { workspace: ws(), id: 'T-3', expectedVersion: 1, ...patch });
    expect(r.changed).toEqual([]);
    expect(r.item.version).toBe(1);
    expect(await c().auditSeq()).toBe(before);
    expect((await item('T-3')).updatedAt).not.toBe(c().clock.now());
  });

  it('refuses a stale version with ITEM.VERSION_CONFLICT and changes nothing', async () => {
    await c().ok('update_item', { workspace: ws(), id: 'T-3', expectedVersion: 1, title: 'First' });
    const before = await c().auditSeq();
    const e = await c().failure('update_item', {
      workspace: ws(),
      id: 'T-3',
      expectedVersion: 1,
      title: 'Second',
    });
    expect(e.code).toBe('ITEM.VERSION_CONFLICT');
    expect(e.details).toMatchObject({ currentVersion: 2 });
    expect(await item('T-3')).toMatchObject({ title: 'First', version: 2 });
    expect(await c().auditSeq()).toBe(before);
  });

  it.each([
    { case: 'unknown item', args: { id: 'T-99', expectedVersion: 1 }, code: 'ITEM.NOT_FOUND' },
    {
      case: 'unknown milestone',
      args: { id: 'T-3', expectedVersion: 1, milestoneId: 'M-9' },
      code: 'MILESTONE.NOT_FOUND',
    },
    { case: 'missing expectedVersion', args: { id: 'T-3', title: 'x' }, code: 'INPUT.INVALID' },
    { case: 'version 0', args: { id: 'T-3', expectedVersion: 0 }, code: 'INPUT.INVALID' },
    {
      case: 'negative estimate',
      args: { id: 'T-3', expectedVersion: 1, estimateDays: -1 },
      code: 'INPUT.INVALID',
    },
    {
      case: 'too many labels',
      args: { id: 'T-3', expectedVersion: 1, labels: Array.from({ length: 21 }, (_, i) => `l${i}`) },
      code: 'INPUT.INVALID',
    },
    { case: 'null title', args: { id: 'T-3', expectedVersion: 1, title: null }, code: 'INPUT.INVALID' },
    {
      // Not an argument: a status changes through set_item_status.
      case: 'status (not an update_item argument)',
      args: { id: 'T-3', expectedVersion: 1, status: 'done' },
      code: 'INPUT.INVALID',
    },
    {
      case: 'a misspelt argument beside a valid one',
      args: { id: 'T-3', expectedVersion: 1, title: 'Task: Renamed', descripton: 'typo' },
      code: 'INPUT.INVALID',
    },
  ])('$case -> $code', async ({ args, code }) => {
    const before = await c().auditSeq();
    expect(await c().err('update_item', { workspace: ws(), ...args })).toBe(code);
    expect(await c().auditSeq()).toBe(before);
  });

  it('names an argument it does not take, and the ones it does', async () => {
    const f = await c().failure('update_item', {
      workspace: ws(),
      id: 'T-3',
      expectedVersion: 1,
      descripton: 'typo',
      patch: { title: 'x' },
    });
    expect(f.code).toBe('INPUT.INVALID');
    expect(f.message).toBe('update_item takes no argument "descripton", "patch"');
    expect(f.hint).toContain('description');
    expect(f.details?.issues).toEqual([
      { path: 'descripton', message: 'not an argument of update_item' },
      { path: 'patch', message: 'not an argument of update_item' },
    ]);
  });
});
