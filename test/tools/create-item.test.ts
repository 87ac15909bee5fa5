import { describe, expect, it } from 'vitest';
import { driveTo, seedHierarchy, T0, TEST_ACTOR, useSharedClient, ws } from '../helpers/mcp.js';

const c = useSharedClient();

describe('create_item', () => {
  it.each([
    { type: 'epic', parent: undefined },
    { type: 'feature', parent: 'epic' },
    { type: 'task', parent: 'feature' },
  ] as const)('creates a $type with defaults', async ({ type, parent }) => {
    const epic = (await c().ok('create_item', { workspace: ws(), type: 'epic', title: 'Epic' })).item;
    const feature = (
      await c().ok('create_item', { workspace: ws(), type: 'feature', title: 'F', parentId: epic.id })
    ).item;
    const parentId = parent === 'epic' ? epic.id : parent === 'feature' ? feature.id : undefined;
    const before = await c().auditSeq();

    const { item } = await c().ok('create_item', {
      workspace: ws(),
      type,
      title: `  New ${type} `,
      parentId,
    });

    expect(item).toEqual({
      id: `${{ epic: 'E', feature: 'F', task: 'T' }[type]}-3`,
      type,
      title: `New ${type}`,
      description: '',
      status: 'planning',
      statusReason: null,
      priority: 'medium',
      agent: null,
      assignee: null,
      estimateDays: null,
      milestoneId: null,
      labels: [],
      parentId: parentId ?? null,
      progress: 0,
      createdAt: T0,
      updatedAt: T0,
      startedAt: null,
      completedAt: null,
      version: 1,
    });
    const records = await c().auditAfter(before);
    expect(records.map((r) => [r.action, r.entityId])).toEqual([['item.created', item.id]]);
    expect(records[0]!.diff.title).toEqual({ old: null, new: `New ${type}` });
    expect(records[0]!.actor).toEqual(TEST_ACTOR);
  });

  it('takes every optional field and de-duplicates labels', async () => {
    const { milestone } = await c().ok('upsert_milestone', { workspace: ws(), title: 'v1' });
    const { item } = await c().ok('create_item', {
      workspace: ws(),
      type: 'epic',
      title: 'Full',
      description: '# Why',
      priority: 'high',
      agent: 'agent:dev',
      estimateDays: 2.5,
      milestoneId: milestone.id,
      labels: ['ui', 'api', 'ui'],
    });
    expect(item).toMatchObject({
      description: '# Why',
      priority: 'high',
      agent: 'agent:dev',
      estimateDays: 2.5,
      milestoneId: milestone.id,
      labels: ['ui', 'api'],
    });
  });

  it.each([
    { case: 'feature without parent', type: 'feature', parent: undefined, code: 'HIERARCHY.PARENT_REQUIRED' },
    { case: 'task without parent', type: 'task', parent: undefined, code: 'HIERARCHY.PARENT_REQUIRED' },
    { case: 'task under an epic', type: 'task', parent: 'E-1', code: 'HIERARCHY.INVALID_PARENT' },
    { case: 'task under a task', type: 'task', parent: 'T-3', code: 'HIERARCHY.INVALID_PARENT' },
    { case: 'feature under a feature', type: 'feature', parent: 'F-2', code: 'HIERARCHY.INVALID_PARENT' },
    { case: 'feature under a task', type: 'feature', parent: 'T-3', code: 'HIERARCHY.INVALID_PARENT' },
    { case: 'epic with a parent', type: 'epic', parent: 'E-1', code: 'HIERARCHY.INVALID_PARENT' },
    { case: 'unknown parent', type: 'task', parent: 'F-404', code: 'ITEM.NOT_FOUND' },
    {
      case: 'unknown milestone',
      type: 'epic',
      parent: undefined,
      milestoneId: 'M-9',
      code: 'MILESTONE.NOT_FOUND',
    },
    { case: 'bad workspace', type: 'epic', parent: undefined, workspace: 'no-slash', code: 'INPUT.INVALID' },
    { case: 'blank title', type: 'epic', parent: undefined, title: '   ', code: 'INPUT.INVALID' },
    { case: 'unknown type', type: 'story', parent: undefined, code: 'INPUT.INVALID' },
  ])(
    'refuses a $case with $code and writes nothing',
    async ({ case: _case, type, parent, code, ...rest }) => {
      await seedHierarchy(c(), ws());
      const before = await c().auditSeq();
      const count = await c().store.reader.countItems(ws());
      const args = { workspace: ws(), type, title: 'X', ...(parent && { parentId: parent }), ...rest };
      expect(await c().err('create_item', args)).toBe(code);
      expect(await c().auditSeq()).toBe(before);
      expect(await c().store.reader.countItems(ws())).toBe(count);
    },
  );

  it('refuses an open child under a done parent, with a hint to reopen it', async () => {
    const { features } = await seedHierarchy(c(), ws());
    const f = features[1];
    for (const t of ['T-7', 'T-8', 'T-9']) await driveTo(c(), t, 'done', ws());
    await c().ok('set_item_status', { workspace: ws(), id: f, status: 'done' });
    const before = await c().auditSeq();
    const e = await c().failure('create_item', { workspace: ws(), type: 'task', title: 'Late', parentId: f });
    expect(e.code).toBe('HIERARCHY.INVALID_PARENT');
    expect(e.message).toContain(`${f} is done`);
    expect(e.hint).toContain('Reopen');
    expect(await c().auditSeq()).toBe(before);
  });

  it('rolls progress up when a new open child joins a finished branch', async () => {
    await c().ok('create_item', { workspace: ws(), type: 'epic', title: 'E' });
    await c().ok('create_item', { workspace: ws(), type: 'feature', title: 'F', parentId: 'E-1' });
    await c().ok('create_item', { workspace: ws(), type: 'task', title: 'T', parentId: 'F-2' });
    await driveTo(c(), 'T-3', 'done', ws());
    expect((await c().ok('get_item', { workspace: ws(), id: 'F-2' })).item.progress).toBe(100);
    const before = await c().auditSeq();

    await c().ok('create_item', { workspace: ws(), type: 'task', title: 'T2', parentId: 'F-2' });

    expect((await c().ok('get_item', { workspace: ws(), id: 'F-2' })).item.progress).toBe(50);
    expect((await c().ok('get_item', { workspace: ws(), id: 'E-1' })).item.progress).toBe(50);
    const actions = (await c().auditAfter(before)).map((r) => [r.action, r.entityId]);
    expect(actions).toEqual([
      ['item.created', 'T-4'],
      ['item.rolled_up', 'F-2'],
      ['item.rolled_up', 'E-1'],
    ]);
  });

  it('numbers items per workspace', async () => {
    await c().ok('create_item', { workspace: ws(), type: 'epic', title: 'A' });
    const api = `${ws()}-api`;
    const other = await c().ok('create_item', { workspace: api, type: 'epic', title: 'B' });
    expect(other.item.id).toBe('E-1');
    expect(await c().auditSeq(api)).toBe(1);
  });
});

describe('get_item', () => {
  it('returns the item with child ids in creation order and both link directions', async () => {
    const t = await seedHierarchy(c(), ws());
    await c().ok('link_items', { workspace: ws(), fromId: 'T-3', kind: 'blocks', toId: 'T-7' });
    await c().ok('link_items', { workspace: ws(), fromId: 'T-3', kind: 'depends_on', toId: 'T-4' });

    const feature = await c().ok('get_item', { workspace: ws(), id: t.features[0] });
    expect(feature.childIds).toEqual(t.tasks[0]);
    expect(feature.blocks).toEqual([]);
    expect(feature.dependsOn).toEqual([]);

    const t3 = await c().ok('get_item', { workspace: ws(), id: 'T-3' });
    expect(t3).toMatchObject({ blocks: ['T-7'], dependsOn: ['T-4'], childIds: [] });
    expect(t3.item).toMatchObject({ id: 'T-3', parentId: 'F-2', type: 'task' });
    expect(Object.keys(t3.item)).not.toContain('path');

    expect(await c().ok('get_item', { workspace: ws(), id: 'T-7' })).toMatchObject({
      blocks: [],
      dependsOn: ['T-3'],
    });
    expect((await c().ok('get_item', { workspace: ws(), id: t.epic })).childIds).toEqual(t.features);
  });

  it.each([
    { case: 'unknown id', args: () => ({ workspace: ws(), id: 'T-99' }), code: 'ITEM.NOT_FOUND' },
    {
      case: 'other workspace',
      args: () => ({ workspace: `${ws()}-other`, id: 'E-1' }),
      code: 'WORKSPACE.NOT_FOUND',
    },
    { case: 'empty id', args: () => ({ workspace: ws(), id: '' }), code: 'INPUT.INVALID' },
    { case: 'missing workspace', args: () => ({ id: 'E-1' }), code: 'INPUT.INVALID' },
    {
      case: 'workspace with dot-dot',
      args: () => ({ workspace: 'acme/..', id: 'E-1' }),
      code: 'WORKSPACE.INVALID',
    },
  ])('answers $case with $code', async ({ args, code }) => {
    await seedHierarchy(c(), ws());
    expect(await c().err('get_item', args())).toBe(code);
  });

  it('gives an error result with a hint and names every bad field', async () => {
    const r = await c().call('get_item', { workspace: 'x', id: 42 });
    expect(r.isError).toBe(true);
    const payload = r._meta?.['governance-factory/error'] as { code: string; hint: string; details: any };
    expect(payload.code).toBe('INPUT.INVALID');
    expect(payload.hint).toMatch(/nothing was changed/);
    expect(payload.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['id', 'workspace']);
    expect((r.content[0] as { text: string }).text).toMatch(/^INPUT\.INVALID: /);
  });

  it('refuses an unknown tool name with INPUT.INVALID', async () => {
    expect(await c().err('delete_everything', {})).toBe('INPUT.INVALID');
  });
});
