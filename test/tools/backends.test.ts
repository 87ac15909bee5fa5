/**
 * The representative suite run on every store back-end: each tool once on its main path, the
 * numbers that depend on SQL (roll-up, completion, paging, filters), concurrency, and text the
 * databases treat differently. One store per back-end, one workspace per test.
 */
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, driveTo, seedHierarchy, type BackendName, type Connected } from '../helpers/mcp.js';

describe.each<{ backend: BackendName }>([{ backend: 'sqlite' }, { backend: 'postgres' }])(
  'on $backend',
  ({ backend }) => {
    let c: Connected;
    let ws = '';
    let n = 0;
    beforeAll(async () => {
      c = await connectClient({ backend });
    });
    afterAll(async () => {
      await c?.close();
    });
    beforeEach(() => {
      ws = `acme/${backend}-${++n}`;
    });

    const get = async (id: string) => (await c.ok('get_item', { workspace: ws, id })).item;

    it('runs the item lifecycle with roll-ups and an audit record per change', async () => {
      const before = await c.auditSeq(ws);
      const t = await seedHierarchy(c, ws);
      expect(await c.auditSeq(ws)).toBe(before + 9);

      const start = await c.ok('set_item_status', { workspace: ws, id: 'T-3', status: 'in_progress' });
      expect(start.rolledUp.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
        ['F-2', 'in_progress'],
        ['E-1', 'in_progress'],
      ]);
      await c.ok('set_item_status', { workspace: ws, id: 'T-3', status: 'done' });
      expect([(await get('F-2')).progress, (await get('E-1')).progress]).toEqual([33, 17]);
      expect(await c.err('set_item_status', { workspace: ws, id: 'T-3', status: 'planning' })).toBe(
        'STATUS.INVALID_TRANSITION',
      );
      expect(await c.err('set_item_status', { workspace: ws, id: 'F-2', status: 'done' })).toBe(
        'STATUS.CHILDREN_OPEN',
      );
      expect(await c.err('set_item_status', { workspace: ws, id: 'T-4', status: 'blocked' })).toBe(
        'STATUS.REASON_REQUIRED',
      );

      const upd = await c.ok('update_item', {
        workspace: ws,
        id: 'T-4',
        expectedVersion: 1,
        title: 'Renamed',
        labels: ['a'],
      });
      expect(upd.changed).toEqual(['title', 'labels']);
      expect(
        await c.err('update_item', { workspace: ws, id: 'T-4', expectedVersion: 1, title: 'Again' }),
      ).toBe('ITEM.VERSION_CONFLICT');
      expect(
        (await c.ok('update_item', { workspace: ws, id: 'T-4', expectedVersion: 2, title: 'Renamed' }))
          .changed,
      ).toEqual([]);

      const moved = await c.ok('move_item', {
        workspace: ws,
        id: 'T-3',
        parentId: t.features[1],
        expectedVersion: 3,
      });
      expect(moved.rolledUp.at(-1)).toMatchObject({ id: 'E-1', status: 'in_progress', progress: 13 });
      const tree = await c.ok('get_item_tree', { workspace: ws, limit: 100 });
      expect(tree.items.map((i: { id: string }) => i.id)).toEqual([
        'E-1',
        'F-2',
        'T-4',
        'T-5',
        'F-6',
        'T-3',
        'T-7',
        'T-8',
        'T-9',
      ]);

      expect(await c.ok('verify_audit', { workspace: ws })).toMatchObject({
        ok: true,
        // the move: 1 moved record + 3 roll-ups (two features, then their epic once)
        checked: before + 9 + 3 + 3 + 1 + 4,
        headSeq: before + 9 + 3 + 3 + 1 + 4,
        firstBad: null,
      });
    });

    it('links, refuses cycles and unlinks', async () => {
      await seedHierarchy(c, ws);
      await c.ok('link_items', { workspace: ws, fromId: 'T-3', kind: 'blocks', toId: 'T-4' });
      await c.ok('link_items', { workspace: ws, fromId: 'T-5', kind: 'depends_on', toId: 'T-4' });
      expect(
        (await c.ok('link_items', { workspace: ws, fromId: 'T-4', kind: 'depends_on', toId: 'T-3' })).changed,
      ).toBe(false);
      const cycle = await c.failure('link_items', {
        workspace: ws,
        fromId: 'T-5',
        kind: 'blocks',
        toId: 'T-3',
      });
      expect(cycle).toMatchObject({ code: 'LINK.CYCLE', details: { cycle: ['T-5', 'T-3', 'T-4', 'T-5'] } });
      expect(await c.ok('get_item', { workspace: ws, id: 'T-4' })).toMatchObject({
        blocks: ['T-5'],
        dependsOn: ['T-3'],
      });
      await c.ok('unlink_items', { workspace: ws, fromId: 'T-4', kind: 'depends_on', toId: 'T-3' });
      expect(await c.err('unlink_items', { workspace: ws, fromId: 'T-3', kind: 'blocks', toId: 'T-4' })).toBe(
        'LINK.NOT_FOUND',
      );
    });

    it('pages and filters the tree', async () => {
      await seedHierarchy(c, ws);
      await c.ok('update_item', { workspace: ws, id: 'T-8', expectedVersion: 1, agent: 'agent:dev' });
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await c.ok('get_item_tree', {
          workspace: ws,
          limit: 2,
          ...(cursor && { cursor }),
        });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids).toEqual(['E-1', 'F-2', 'T-3', 'T-4', 'T-5', 'F-6', 'T-7', 'T-8', 'T-9']);
      const filtered = await c.ok('get_item_tree', {
        workspace: ws,
        rootId: 'F-6',
        types: ['task'],
        agent: 'agent:dev',
      });
      expect(filtered.items.map((i: { id: string }) => i.id)).toEqual(['T-8']);
      expect(await c.err('get_item_tree', { workspace: ws, cursor: 'bogus' })).toBe('INPUT.INVALID');
    });

    it('keeps milestones with completion and overdue', async () => {
      await seedHierarchy(c, ws);
      const m = await c.ok('upsert_milestone', { workspace: ws, title: 'v1', dueOn: '2025-01-10' });
      expect(m).toMatchObject({ created: true, milestone: { id: 'M-1', version: 1 } });
      expect((await c.ok('upsert_milestone', { workspace: ws, id: 'M-1', title: 'v1.0' })).changed).toEqual([
        'title',
      ]);
      await c.ok('upsert_milestone', { workspace: ws, title: 'v2' });
      expect(await c.err('upsert_milestone', { workspace: ws, id: 'M-2', title: 'v1.0' })).toBe(
        'MILESTONE.TITLE_TAKEN',
      );
      expect(
        await c.err('upsert_milestone', { workspace: ws, id: 'M-2', title: 'v2', expectedVersion: 9 }),
      ).toBe('MILESTONE.VERSION_CONFLICT');
      for (const id of ['T-3', 'T-4', 'T-5'])
        await c.ok('update_item', { workspace: ws, id, expectedVersion: 1, milestoneId: 'M-1' });
      await driveTo(c, 'T-3', 'done', ws);
      const { milestones } = await c.ok('list_milestones', { workspace: ws });
      expect(
        milestones.map((x: { id: string; completion: unknown; overdue: boolean }) => [
          x.id,
          x.completion,
          x.overdue,
        ]),
      ).toEqual([
        ['M-1', { total: 3, done: 1, percent: 33.3 }, true],
        ['M-2', { total: 0, done: 0, percent: 0 }, false],
      ]);
    });

    it('queries the audit trail by filter and page', async () => {
      await seedHierarchy(c, ws);
      c.clock.advance(60_000);
      await c.ok(
        'set_item_status',
        { workspace: ws, id: 'T-3', status: 'in_progress' },
        { 'governance-factory/correlation-id': 'corr-1' },
      );
      const byCorr = await c.ok('query_audit', { workspace: ws, since: c.clock.now() });
      expect(
        byCorr.records.map((r: { seq: number; correlationId: string }) => [r.seq, r.correlationId]),
      ).toEqual([
        [12, 'corr-1'],
        [11, 'corr-1'],
        [10, 'corr-1'],
      ]);
      const page1 = await c.ok('query_audit', { workspace: ws, entityType: 'item', limit: 5 });
      const page2 = await c.ok('query_audit', {
        workspace: ws,
        entityType: 'item',
        limit: 5,
        beforeSeq: page1.nextBeforeSeq,
      });
      const page3 = await c.ok('query_audit', {
        workspace: ws,
        entityType: 'item',
        limit: 5,
        beforeSeq: page2.nextBeforeSeq,
      });
      expect(
        [...page1.records, ...page2.records, ...page3.records].map((r: { seq: number }) => r.seq),
      ).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      expect(page3.nextBeforeSeq).toBeNull();
      const rec = page1.records[0];
      expect(rec).toMatchObject({
        actor: { id: 'test:alice' },
        client: { name: 'test-client', version: '1.0.0' },
        tool: 'set_item_status',
      });
    });

    it('serves resources, completion and subscriptions', async () => {
      await seedHierarchy(c, ws);
      const [owner, repo] = ws.split('/') as [string, string];
      const treeUri = `governance://${ws}/tree`;
      expect((await c.client.listResources()).resources.map((r) => r.uri)).toContain(treeUri);
      const tree = JSON.parse(
        ((await c.client.readResource({ uri: treeUri })).contents[0] as { text: string }).text,
      );
      expect(tree).toMatchObject({ workspace: ws, total: 9, truncated: false });
      const completion = await c.client.complete({
        ref: { type: 'ref/resource', uri: 'governance://{owner}/{repo}/items/{id}' },
        argument: { name: 'id', value: 'f' },
        context: { arguments: { owner, repo } },
      });
      expect(completion.completion.values).toEqual(['F-2', 'F-6']);
      const underscore = await c.client.complete({
        ref: { type: 'ref/resource', uri: 'governance://{owner}/{repo}/items/{id}' },
        argument: { name: 'id', value: 'T_' },
        context: { arguments: { owner, repo } },
      });
      expect(underscore.completion.values).toEqual([]);

      const updates: string[] = [];
      c.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (x) => {
        updates.push(x.params.uri);
      });
      await c.client.subscribeResource({ uri: treeUri });
      await c.ok('create_item', { workspace: ws, type: 'epic', title: 'New' });
      await c.client.ping();
      await c.client.unsubscribeResource({ uri: treeUri });
      expect(updates).toEqual([treeUri]);
    });

    it('serializes concurrent writers: unique ids and one intact chain', async () => {
      await c.ok('create_item', { workspace: ws, type: 'epic', title: 'Root' });
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          c.ok('create_item', { workspace: ws, type: 'feature', title: `F${i}`, parentId: 'E-1' }),
        ),
      );
      const ids = created.map((r) => r.item.id as string);
      expect(new Set(ids).size).toBe(12);
      expect((await c.ok('get_item', { workspace: ws, id: 'E-1' })).childIds).toHaveLength(12);
      expect(await c.ok('verify_audit', { workspace: ws })).toMatchObject({
        ok: true,
        checked: 13,
        headSeq: 13,
      });
    });

    it('lets exactly one of several writers with the same version win', async () => {
      await seedHierarchy(c, ws);
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((title) =>
          c.call('update_item', { workspace: ws, id: 'T-3', expectedVersion: 1, title }),
        ),
      );
      expect(results.filter((r) => !r.isError)).toHaveLength(1);
      expect(
        results
          .filter((r) => r.isError)
          .map((r) => (r._meta?.['governance-factory/error'] as { code: string }).code),
      ).toEqual(['ITEM.VERSION_CONFLICT', 'ITEM.VERSION_CONFLICT', 'ITEM.VERSION_CONFLICT']);
      expect((await get('T-3')).version).toBe(2);
      expect(await c.auditSeq(ws)).toBe(10);
    });

    // Text the back-ends store differently must be refused up front, or stored and read back as
    // accepted; never INTERNAL, never a stored value other than the one the result and audit show.
    it.each([
      { case: 'a NUL character', title: 'before\u0000after' },
      { case: 'a lone high surrogate', title: 'broken \ud800 pair' },
      { case: 'a lone low surrogate', title: 'broken \udc00 pair' },
    ])('refuses or round-trips a title with $case', async ({ title }) => {
      const r = await c.call('create_item', { workspace: ws, type: 'epic', title });
      if (r.isError) {
        expect((r._meta?.['governance-factory/error'] as { code: string }).code).toBe('INPUT.INVALID');
        expect(await c.auditSeq(ws)).toBe(0);
        return;
      }
      const created = (r.structuredContent as { item: { id: string; title: string } }).item;
      expect((await get(created.id)).title).toBe(created.title);
      const [record] = await c.auditAfter(0, ws);
      expect(record!.diff.title!.new).toBe((await get(created.id)).title);
    });

    it('handles other awkward text the same way on every back-end', async () => {
      const title = `ü€😀 '; drop table items; -- % _ \\ ${'x'.repeat(200)}`;
      const { item } = await c.ok('create_item', { workspace: ws, type: 'epic', title, labels: ['ü', '😀'] });
      expect(await get(item.id)).toMatchObject({ title, labels: ['ü', '😀'] });
      expect(await c.ok('verify_audit', { workspace: ws })).toMatchObject({ ok: true });
    });
  },
);
