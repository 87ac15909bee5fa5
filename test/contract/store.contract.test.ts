/**
 * The GovernanceStore contract: every back-end runs this same suite against a real database.
 * One store is opened per back-end; each test works in its own fresh workspace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRecord } from '../../src/governance/audit/chain.js';
import { DEFAULT_POLICY } from '../../src/governance/model/workspace.js';
import type { WorkItem } from '../../src/governance/model/work-item.js';
import type { GovernanceStore, StoreReader } from '../../src/governance/ports/store.js';
import { storeBackends } from '../helpers/store-backends.js';
import type { OpenedStore } from '../helpers/store-backends.js';
import { appendChained, freshWorkspace, makeItem, makeMilestone, pathOf, T0 } from './store-fixtures.js';

const rejectsWith = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code });
const ids = (xs: ReadonlyArray<{ id: string }>) => xs.map((x) => x.id);

describe.each(storeBackends)('GovernanceStore contract: $name', (backend) => {
  let opened: OpenedStore;
  let store: GovernanceStore;
  let reader: StoreReader;

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
    reader = store.reader;
  });
  afterAll(() => opened?.cleanup());

  it('reports its kind and answers ping', async () => {
    expect(store.kind).toBe(backend.name);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('workspaces', () => {
    it('returns the default policy for an unknown workspace, and the stored one once set', async () => {
      const ws = freshWorkspace();
      expect(await reader.getPolicy(ws)).toEqual(DEFAULT_POLICY);
      await store.write(ws, (tx) => tx.setPolicy(ws, { allowUnparentedTasks: true }));
      expect(await reader.getPolicy(ws)).toEqual({ allowUnparentedTasks: true });
      expect(await reader.listWorkspaces(10_000)).toContain(ws);
    });

    it('counts items and milestones separately per workspace, starting at 1', async () => {
      const [a, b] = [freshWorkspace(), freshWorkspace()];
      const seqs = await store.write(a, async (tx) => [
        await tx.nextSeq(a, 'item'),
        await tx.nextSeq(a, 'item'),
        await tx.nextSeq(a, 'milestone'),
        await tx.nextSeq(a, 'item'),
      ]);
      expect(seqs).toEqual([1, 2, 1, 3]);
      expect(await store.write(b, (tx) => tx.nextSeq(b, 'item'))).toBe(1);
      expect(await store.write(b, (tx) => tx.nextSeq(b, 'milestone'))).toBe(1);
    });

    it('refuses writes to another workspace than the one locked', async () => {
      const [a, b] = [freshWorkspace(), freshWorkspace()];
      await rejectsWith(
        store.write(a, (tx) => tx.insertItem(makeItem(b, [1]))),
        'INTERNAL',
      );
    });
  });

  describe('items', () => {
    it('round-trips every field, nulls and labels included', async () => {
      const ws = freshWorkspace();
      const bare = makeItem(ws, [1]);
      const full = makeItem(ws, [1, 2], {
        parentId: 'E-1',
        title: 'Full – ünïcode',
        description: 'line 1\nline 2 "quoted"',
        status: 'blocked',
        statusReason: 'waiting on API',
        priority: 'critical',
        agent: 'agent:dev',
        estimateDays: 2.5,
        milestoneId: 'M-1',
        labels: ['backend', 'needs review', 'ü'],
        progress: 37.5,
        startedAt: '2025-01-03T00:00:00.000Z',
        completedAt: '2025-01-04T00:00:00.000Z',
        version: 7,
      });
      await store.write(ws, async (tx) => {
        await tx.insertItem(bare);
        await tx.insertItem(full);
      });
      expect(await reader.getItem(ws, 'E-1')).toEqual(bare);
      expect(await reader.getItem(ws, 'F-2')).toEqual(full);
      expect(await reader.getItem(ws, 'F-404')).toBeUndefined();
      expect(ids(await reader.getItems(ws, ['F-2', 'X-9', 'E-1']))).toEqual(['F-2', 'E-1']);
      expect(await reader.getItems(ws, [])).toEqual([]);
      expect(await reader.countItems(ws)).toBe(2);
      expect(await reader.countItems(freshWorkspace())).toBe(0);
    });

    it('updates only at the expected version', async () => {
      const ws = freshWorkspace();
      const item = makeItem(ws, [1]);
      await store.write(ws, (tx) => tx.insertItem(item));
      const v2 = { ...item, title: 'Renamed', labels: ['x'], version: 2 };
      expect(await store.write(ws, (tx) => tx.updateItem(v2, 1))).toEqual({ ok: true });
      expect(await reader.getItem(ws, 'E-1')).toEqual(v2);

      const stale = await store.write(ws, (tx) => tx.updateItem({ ...item, title: 'Stale', version: 2 }, 1));
      expect(stale).toEqual({ ok: false, found: true, actualVersion: 2 });
      expect(await reader.getItem(ws, 'E-1')).toEqual(v2);
      expect(await store.write(ws, (tx) => tx.updateItem(makeItem(ws, [9]), 1))).toEqual({
        ok: false,
        found: false,
      });
    });
  });

  describe('source refs', () => {
    it('finds items by source ref within the workspace, and stores none by default', async () => {
      const [ws, other] = [freshWorkspace(), freshWorkspace()];
      const epic = makeItem(ws, [1], { sourceRef: 'spec:E-aaaa' });
      const feature = makeItem(ws, [1, 2], { parentId: 'E-1', sourceRef: 'spec:F-bbbb' });
      const manual = makeItem(ws, [3]);
      await store.write(ws, async (tx) => {
        for (const i of [epic, feature, manual]) await tx.insertItem(i);
      });
      await store.write(other, (tx) => tx.insertItem(makeItem(other, [1], { sourceRef: 'spec:E-aaaa' })));
      const found = await reader.findItemsBySourceRefs(ws, ['spec:F-bbbb', 'spec:E-aaaa', 'spec:nope']);
      expect([...found].sort((a, b) => a.seq - b.seq)).toEqual([epic, feature]);
      expect(await reader.findItemsBySourceRefs(ws, [])).toEqual([]);
      expect((await reader.getItem(ws, 'E-3'))?.sourceRef).toBeNull();
      const many = Array.from({ length: 1_200 }, (_, i) => `spec:T-${i}`);
      expect(ids(await reader.findItemsBySourceRefs(ws, [...many, 'spec:E-aaaa']))).toEqual(['E-1']);
    });

    it('keeps a source ref unique per workspace, rolling the whole write back', async () => {
      const ws = freshWorkspace();
      await store.write(ws, (tx) => tx.insertItem(makeItem(ws, [1], { sourceRef: 'spec:E-aaaa' })));
      await expect(
        store.write(ws, async (tx) => {
          await tx.insertItem(makeItem(ws, [2]));
          await tx.insertItem(makeItem(ws, [3], { sourceRef: 'spec:E-aaaa' }));
        }),
      ).rejects.toThrow();
      expect(await reader.countItems(ws)).toBe(1);
    });
  });

  describe('tree', () => {
    const ws = freshWorkspace();
    // Inserted out of order; path order is E-1 F-2 T-3 T-4 T-10 F-5 E-6 F-7 (00000010 sorts after 00000004).
    const tree = [
      makeItem(ws, [6]),
      makeItem(ws, [1, 2, 10], { parentId: 'F-2', status: 'in_progress', progress: 50 }),
      makeItem(ws, [1, 2], { parentId: 'E-1', agent: 'agent:dev', milestoneId: 'M-1' }),
      makeItem(ws, [1], { status: 'in_progress' }),
      makeItem(ws, [1, 2, 4], { parentId: 'F-2', status: 'review', agent: 'agent:qa' }),
      makeItem(ws, [1, 2, 3], {
        parentId: 'F-2',
        status: 'done',
        progress: 100,
        agent: 'agent:dev',
        milestoneId: 'M-1',
      }),
      makeItem(ws, [6, 7], { parentId: 'E-6' }),
      makeItem(ws, [1, 5], { parentId: 'E-1', status: 'blocked', statusReason: 'x' }),
    ];
    const all = ['E-1', 'F-2', 'T-3', 'T-4', 'T-10', 'F-5', 'E-6', 'F-7'];
    const page = async (q: Partial<Parameters<StoreReader['treePage']>[1]>) =>
      ids(await reader.treePage(ws, { limit: 100, ...q }));

    beforeAll(async () => {
      await store.write(ws, async (tx) => {
        for (const item of tree) await tx.insertItem(item);
      });
    });

    it('pages in path order after afterPath', async () => {
      expect(await page({})).toEqual(all);
      const seen: string[] = [];
      let afterPath: string | undefined;
      for (;;) {
        const items = await reader.treePage(ws, { limit: 3, ...(afterPath ? { afterPath } : {}) });
        seen.push(...ids(items));
        if (items.length < 3) break;
        afterPath = items[items.length - 1]?.path;
      }
      expect(seen).toEqual(all);
    });

    it.each([
      [{ types: ['task' as const] }, ['T-3', 'T-4', 'T-10']],
      [{ statuses: ['done' as const, 'blocked' as const] }, ['T-3', 'F-5']],
      [{ agent: 'agent:dev' }, ['F-2', 'T-3']],
      [{ milestoneId: 'M-1' }, ['F-2', 'T-3']],
      [{ maxDepth: 0 }, ['E-1', 'E-6']],
      [{ maxDepth: 1 }, ['E-1', 'F-2', 'F-5', 'E-6', 'F-7']],
      [{ rootId: 'F-2' }, ['F-2', 'T-3', 'T-4', 'T-10']],
      [{ rootId: 'F-2', afterPath: pathOf(1, 2, 3) }, ['T-4', 'T-10']],
      [{ rootId: 'E-1', types: ['feature' as const] }, ['F-2', 'F-5']],
      [{ rootId: 'E-404' }, []],
      [{ types: [] }, all],
      [{ limit: 2, afterPath: pathOf(1, 2, 4) }, ['T-10', 'F-5']],
    ])('filters %j', async (q, expected) => {
      expect(await page(q)).toEqual(expected);
    });

    it('reads outlines of the same items, in the same order, with the fields the check reads', async () => {
      const outline = (i: WorkItem) => ({
        id: i.id,
        type: i.type,
        title: i.title,
        description: i.description,
        status: i.status,
        agent: i.agent,
        estimateDays: i.estimateDays,
        milestoneId: i.milestoneId,
        labels: i.labels,
        parentId: i.parentId,
        path: i.path,
      });
      for (const q of [
        {},
        { rootId: 'F-2' },
        { afterPath: pathOf(1, 2, 4), limit: 2 },
        { rootId: 'E-404' },
      ]) {
        const full = await reader.treePage(ws, { limit: 100, ...q });
        expect(await reader.outlinePage(ws, { limit: 100, ...q })).toEqual(full.map(outline));
        // A transaction reads them too (its own row path).
        const inTx = await store.write(ws, (tx) => tx.outlinePage(ws, { limit: 100, ...q }));
        expect(inTx).toEqual(full.map(outline));
      }
    });

    it('lists children in seq order, descendants in path order', async () => {
      expect(ids(await reader.listChildren(ws, null))).toEqual(['E-1', 'E-6']);
      expect(ids(await reader.listChildren(ws, 'F-2'))).toEqual(['T-3', 'T-4', 'T-10']);
      expect(await reader.listChildren(ws, 'T-3')).toEqual([]);
      expect(ids(await reader.listDescendants(ws, pathOf(1)))).toEqual(['F-2', 'T-3', 'T-4', 'T-10', 'F-5']);
      expect(await reader.listDescendants(ws, pathOf(6, 7))).toEqual([]);
    });

    it('sums child stats', async () => {
      expect(await reader.childStats(ws, 'F-2')).toEqual({
        total: 3,
        done: 1,
        progressSum: 150,
        open: 2,
        started: 2,
      });
      expect(await reader.childStats(ws, 'T-3')).toEqual({
        total: 0,
        done: 0,
        progressSum: 0,
        open: 0,
        started: 0,
      });
    });

    it.each([
      ['T-', 10, ['T-3', 'T-4', 'T-10']],
      ['t-1', 10, ['T-10']],
      ['T-', 2, ['T-3', 'T-4']],
      ['T_', 10, []],
      ['%', 10, []],
      ['', 3, ['E-1', 'F-2', 'T-3']],
    ])('searches ids by prefix %j (limit %i)', async (prefix, limit, expected) => {
      expect(await reader.searchItemIds(ws, prefix, limit)).toEqual(expected);
    });
  });

  describe('links', () => {
    it('inserts, lists, refuses duplicates and deletes', async () => {
      const ws = freshWorkspace();
      const link = (blockerId: string, blockedId: string) => ({
        workspace: ws,
        blockerId,
        blockedId,
        createdAt: T0,
      });
      const inserted = await store.write(ws, async (tx) => [
        await tx.insertLink(link('T-1', 'T-2')),
        await tx.insertLink(link('T-2', 'T-3')),
        await tx.insertLink(link('T-4', 'T-5')),
      ]);
      expect(inserted).toEqual([true, true, true]);
      expect(await store.write(ws, (tx) => tx.insertLink(link('T-1', 'T-2')))).toBe(false);
      expect(await reader.listLinks(ws)).toEqual([
        link('T-1', 'T-2'),
        link('T-2', 'T-3'),
        link('T-4', 'T-5'),
      ]);
      expect(await reader.linksOf(ws, 'T-2')).toEqual([link('T-1', 'T-2'), link('T-2', 'T-3')]);
      expect(await store.write(ws, (tx) => tx.deleteLink(ws, 'T-1', 'T-2'))).toBe(true);
      expect(await store.write(ws, (tx) => tx.deleteLink(ws, 'T-1', 'T-2'))).toBe(false);
      expect(await reader.linksOf(ws, 'T-2')).toEqual([link('T-2', 'T-3')]);
      expect(await reader.listLinks(freshWorkspace())).toEqual([]);
    });

    it('lists the links of done items whose blocker is still open', async () => {
      const ws = freshWorkspace();
      const status = {
        'T-1': 'done',
        'T-2': 'in_progress',
        'T-3': 'done',
        'T-4': 'cancelled',
        'T-5': 'blocked',
        'T-6': 'done',
        'T-7': 'review',
      } as const;
      const link = (blockerId: string, blockedId: string) => ({
        workspace: ws,
        blockerId,
        blockedId,
        createdAt: T0,
      });
      await store.write(ws, async (tx) => {
        for (const [i, s] of Object.values(status).entries())
          await tx.insertItem(makeItem(ws, [i + 1], { type: 'task', status: s }));
        // Open blockers of done items: T-2 and T-5 of T-3, T-7 of T-6. The others are not: the
        // blocked item is open (T-2), the blocker closed (T-1, T-4) or not an item (T-9).
        for (const [a, b] of [
          ['T-1', 'T-3'],
          ['T-2', 'T-3'],
          ['T-4', 'T-6'],
          ['T-5', 'T-3'],
          ['T-7', 'T-6'],
          ['T-3', 'T-2'],
          ['T-9', 'T-1'],
        ] as const)
          await tx.insertLink(link(a, b));
      });
      expect(await reader.openDependencies(ws)).toEqual([
        link('T-2', 'T-3'),
        link('T-5', 'T-3'),
        link('T-7', 'T-6'),
      ]);
      expect(await reader.openDependencies(ws, 'T-6')).toEqual([link('T-7', 'T-6')]);
      expect(await reader.openDependencies(ws, 'T-2')).toEqual([]);
      expect(await reader.openDependencies(freshWorkspace())).toEqual([]);
    });
  });

  describe('milestones', () => {
    it('round-trips, lists by state and keeps titles unique', async () => {
      const ws = freshWorkspace();
      const m1 = makeMilestone(ws, 1, { dueOn: '2025-03-31', description: 'first' });
      const m2 = makeMilestone(ws, 2, { state: 'closed', createdAt: '2025-01-03T00:00:00.000Z' });
      const inserted = await store.write(ws, async (tx) => [
        await tx.insertMilestone(m1),
        await tx.insertMilestone(m2),
      ]);
      expect(inserted).toEqual([{ ok: true }, { ok: true }]);
      expect(await reader.getMilestone(ws, 'M-1')).toEqual(m1);
      expect(await reader.getMilestone(ws, 'M-9')).toBeUndefined();
      expect(await reader.findMilestoneByTitle(ws, 'Milestone 2')).toEqual(m2);
      expect(await reader.findMilestoneByTitle(ws, 'nope')).toBeUndefined();
      expect(ids(await reader.listMilestones(ws))).toEqual(['M-1', 'M-2']);
      expect(ids(await reader.listMilestones(ws, 'closed'))).toEqual(['M-2']);

      const dup = makeMilestone(ws, 3, { title: 'Milestone 1' });
      const taken = { ok: false, titleTakenBy: 'M-1' };
      expect(await store.write(ws, (tx) => tx.insertMilestone(dup))).toEqual(taken);
      expect(await reader.getMilestone(ws, 'M-3')).toBeUndefined();
      const rename = { ...m2, title: 'Milestone 1', version: 2 };
      expect(await store.write(ws, (tx) => tx.updateMilestone(rename, 1))).toEqual(taken);
      expect(await reader.getMilestone(ws, 'M-2')).toEqual(m2);
      // Keeping its own title is not a clash.
      const m1v2 = { ...m1, state: 'closed' as const, version: 2 };
      expect(await store.write(ws, (tx) => tx.updateMilestone(m1v2, 1))).toEqual({ ok: true });
      expect(await reader.getMilestone(ws, 'M-1')).toEqual(m1v2);
      expect(await store.write(ws, (tx) => tx.updateMilestone({ ...m1v2, version: 3 }, 1))).toEqual({
        ok: false,
        found: true,
        actualVersion: 2,
      });
      expect(await reader.getMilestone(ws, 'M-1')).toEqual(m1v2);
      expect(await store.write(ws, (tx) => tx.updateMilestone(makeMilestone(ws, 9), 1))).toEqual({
        ok: false,
        found: false,
      });
      // Titles are unique per workspace only.
      const other = freshWorkspace();
      await store.write(other, (tx) => tx.insertMilestone(makeMilestone(other, 1)));
    });

    it('computes completion per milestone in one call', async () => {
      const ws = freshWorkspace();
      const statuses = ['done', 'done', 'in_progress'] as const;
      await store.write(ws, async (tx) => {
        for (const [i, status] of statuses.entries()) {
          await tx.insertItem(makeItem(ws, [i + 1], { milestoneId: 'M-1', status }));
        }
        await tx.insertItem(makeItem(ws, [9], { milestoneId: 'M-2', status: 'done' }));
      });
      const completion = await reader.milestoneCompletion(ws, ['M-1', 'M-2', 'M-3']);
      expect(Object.fromEntries(completion)).toEqual({
        'M-1': { total: 3, done: 2, percent: 66.7 },
        'M-2': { total: 1, done: 1, percent: 100 },
        'M-3': { total: 0, done: 0, percent: 0 },
      });
      expect((await reader.milestoneCompletion(ws, [])).size).toBe(0);
    });

    it('counts the leaves under attached items once, without cancelled ones', async () => {
      const ws = freshWorkspace();
      await store.write(ws, async (tx) => {
        // E-1 (on M-1) > F-2 > T-3 done, T-4 cancelled, T-5 planning; F-6 > T-7 cancelled only.
        await tx.insertItem(makeItem(ws, [1], { milestoneId: 'M-1' }));
        await tx.insertItem(makeItem(ws, [1, 2], { parentId: 'E-1' }));
        await tx.insertItem(makeItem(ws, [1, 2, 3], { parentId: 'F-2', status: 'done', milestoneId: 'M-1' }));
        await tx.insertItem(makeItem(ws, [1, 2, 4], { parentId: 'F-2', status: 'cancelled' }));
        await tx.insertItem(makeItem(ws, [1, 2, 5], { parentId: 'F-2' }));
        await tx.insertItem(makeItem(ws, [1, 6], { parentId: 'E-1', milestoneId: 'M-2' }));
        await tx.insertItem(makeItem(ws, [1, 6, 7], { parentId: 'F-6', status: 'cancelled' }));
        // E-10's path shares the prefix digits of E-1's but is no descendant of it.
        await tx.insertItem(makeItem(ws, [10], { status: 'done' }));
      });
      const completion = await reader.milestoneCompletion(ws, ['M-1', 'M-2']);
      expect(Object.fromEntries(completion)).toEqual({
        // T-3 and T-5, plus F-6 (a leaf once its only child is cancelled); T-3 counted once.
        'M-1': { total: 3, done: 1, percent: 33.3 },
        'M-2': { total: 1, done: 0, percent: 0 },
      });
      expect(await reader.childStats(ws, 'F-2')).toEqual({
        total: 2,
        done: 1,
        progressSum: 0,
        open: 1,
        started: 0,
      });
    });

    it('finds the items of one plan origin only', async () => {
      const ws = freshWorkspace();
      await store.write(ws, async (tx) => {
        await tx.insertItem(makeItem(ws, [1], { sourceRef: 'spec:shop:E-a' }));
        await tx.insertItem(makeItem(ws, [1, 2], { parentId: 'E-1', sourceRef: 'spec:shop:F-b' }));
        await tx.insertItem(makeItem(ws, [3], { sourceRef: 'spec:shop-two:E-c' }));
        await tx.insertItem(makeItem(ws, [4], { sourceRef: 'spec:sho:E-d' }));
        await tx.insertItem(makeItem(ws, [5]));
      });
      expect(ids(await reader.findItemsByOrigin(ws, 'spec:shop'))).toEqual(['E-1', 'F-2']);
      expect(await reader.findItemsByOrigin(ws, 'taskmaster')).toEqual([]);
    });
  });

  describe('audit', () => {
    const ws = freshWorkspace();
    beforeAll(async () => {
      const overs = [
        { at: '2025-01-01T00:00:00.000Z', entityId: 'E-1', action: 'item.created' },
        { at: '2025-01-02T00:00:00.000Z', entityId: 'E-1', action: 'item.updated', client: null, tool: null },
        {
          at: '2025-01-03T00:00:00.000Z',
          entityId: 'F-2',
          actor: { type: 'user' as const, id: 'octocat', name: 'Octo' },
        },
        { at: '2025-01-04T00:00:00.000Z', entityType: 'milestone' as const, entityId: 'M-1', reason: 'why' },
        {
          at: '2025-01-05T00:00:00.000Z',
          entityId: 'E-1',
          action: 'item.moved',
          diff: { path: { old: 'a', new: { x: [1, null] } } },
        },
      ];
      for (const over of overs) await store.write(ws, (tx) => appendChained(tx, ws, over));
    });

    it('keeps a hash chain whose records recompute after a round trip', async () => {
      const records = await reader.auditRange(ws, 0, 100);
      expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      records.forEach((r, i) => {
        expect(r.prevHash).toBe(i === 0 ? '' : records[i - 1]?.hash);
        const { hash, ...rest } = r;
        expect(hashRecord(rest)).toBe(hash);
      });
      expect(await reader.auditHead(ws)).toEqual({ seq: 5, hash: records[4]?.hash });
      expect(await reader.auditHead(freshWorkspace())).toBeUndefined();
      expect((await reader.auditRange(ws, 3, 1)).map((r) => r.seq)).toEqual([4]);
    });

    it.each([
      [{}, [5, 4, 3, 2, 1]],
      [{ limit: 2 }, [5, 4]],
      [{ beforeSeq: 3 }, [2, 1]],
      [{ entityType: 'item' as const, entityId: 'E-1' }, [5, 2, 1]],
      [{ entityType: 'milestone' as const }, [4]],
      [{ actorId: 'octocat' }, [3]],
      [{ actorType: 'agent_service' as const }, [5, 4, 2, 1]],
      [{ action: 'item.moved' }, [5]],
      [{ since: '2025-01-02T00:00:00.000Z', until: '2025-01-04T00:00:00.000Z' }, [4, 3, 2]],
    ])('queries newest first %j', async (q, seqs) => {
      const records = await reader.queryAudit(ws, { limit: 100, ...q });
      expect(records.map((r) => r.seq)).toEqual(seqs);
    });
  });

  // Claims, leases, retries and ordering: test/contract/outbox.contract.test.ts.
  describe('outbox', () => {
    it('keeps events until published, oldest first', async () => {
      const ws = freshWorkspace();
      const event = (n: number) => ({
        workspace: ws,
        type: 'issue.created' as const,
        payload: { id: `T-${n}`, type: 'task', parentId: null },
        at: T0,
      });
      const [a, b, c] = await store.write(ws, async (tx) => [
        await tx.addEvent(event(1)),
        await tx.addEvent(event(2)),
        await tx.addEvent(event(3)),
      ]);
      expect(a < b && b < c).toBe(true);
      const mine = (await store.outbox.pending({ limit: 10_000 })).filter((e) => e.event.workspace === ws);
      expect(mine.map((e) => e.event)).toEqual([1, 2, 3].map((n, i) => ({ ...event(n), id: [a, b, c][i] })));
      expect(mine.map((e) => e.attempts)).toEqual([0, 0, 0]);
      expect((await store.outbox.pending({ ids: [c, a] })).map((e) => e.event.id)).toEqual([a, c]);
      expect(await store.outbox.pending({ ids: [] })).toEqual([]);
      expect(await store.outbox.pending({ ids: [a, b, c], limit: 2 })).toHaveLength(2);
    });
  });

  describe('transactions', () => {
    it('persists nothing from a write() that throws', async () => {
      const ws = freshWorkspace();
      const boom = new Error('boom');
      const failed = store.write(ws, async (tx) => {
        await tx.nextSeq(ws, 'item');
        await tx.insertItem(makeItem(ws, [1]));
        await tx.insertMilestone(makeMilestone(ws, 1));
        await tx.insertLink({ workspace: ws, blockerId: 'T-1', blockedId: 'T-2', createdAt: T0 });
        await appendChained(tx, ws);
        await tx.addEvent({ workspace: ws, type: 'hierarchy.updated', payload: { ids: [] }, at: T0 });
        await tx.setPolicy(ws, { allowUnparentedTasks: true });
        throw boom;
      });
      await expect(failed).rejects.toBe(boom);
      expect(await reader.countItems(ws)).toBe(0);
      expect(await reader.listMilestones(ws)).toEqual([]);
      expect(await reader.listLinks(ws)).toEqual([]);
      expect(await reader.auditHead(ws)).toBeUndefined();
      expect(await reader.getPolicy(ws)).toEqual(DEFAULT_POLICY);
      expect(await reader.listWorkspaces(10_000)).not.toContain(ws);
      expect((await store.outbox.pending({ limit: 10_000 })).filter((e) => e.event.workspace === ws)).toEqual(
        [],
      );
      expect(await store.write(ws, (tx) => tx.nextSeq(ws, 'item'))).toBe(1);
    });

    it('serializes concurrent writes to one workspace', async () => {
      const ws = freshWorkspace();
      const seqs = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.write(ws, async (tx) => {
            const seq = await tx.nextSeq(ws, 'item');
            await tx.insertItem(makeItem(ws, [seq]));
            await appendChained(tx, ws, { entityId: `E-${seq}` });
            return seq;
          }),
        ),
      );
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await reader.countItems(ws)).toBe(20);
      expect(await reader.auditHead(ws)).toMatchObject({ seq: 20 });
    });
  });
});
