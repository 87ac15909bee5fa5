import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLIENT_INFO,
  connectClient,
  CORRELATION_META_KEY,
  driveTo,
  seedHierarchy,
  T0,
  TEST_ACTOR,
  useClient,
  WS,
  type Connected,
} from '../helpers/mcp.js';

const c = useClient();

const BOT = { type: 'agent_service', id: 'agent:dev', name: 'Dev bot' } as const;
const HOUR = 3_600_000;

type Rec = {
  seq: number;
  entityId: string;
  action: string;
  actor: { id: string };
  at: string;
  correlationId: string;
};

async function query(
  args: Record<string, unknown> = {},
): Promise<{ records: Rec[]; nextBeforeSeq: number | null }> {
  return c().ok('query_audit', { workspace: WS, ...args });
}

const seqs = (records: Rec[]) => records.map((r) => r.seq);

describe('query_audit', () => {
  let bot: Connected;

  // 1-9: seed by Alice at 10:00; 10-12: T-3 in progress by the bot at 11:00 (with roll-ups);
  // 13: link by Alice at 12:00; 14: milestone by the bot at 12:00.
  beforeEach(async () => {
    await seedHierarchy(c());
    bot = await connectClient({ share: c(), actor: BOT });
    c().clock.advance(HOUR);
    await bot.ok('set_item_status', { workspace: WS, id: 'T-3', status: 'in_progress' });
    c().clock.advance(HOUR);
    await c().ok('link_items', { workspace: WS, fromId: 'T-3', kind: 'blocks', toId: 'T-4' });
    await bot.ok('upsert_milestone', { workspace: WS, title: 'v1' });
  });
  afterEach(async () => {
    await bot.close();
  });

  it('returns the newest first, with who, through what and the hash; no chain internals', async () => {
    const { records, nextBeforeSeq } = await query();
    expect(seqs(records)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(nextBeforeSeq).toBeNull();
    const link = records.find((r) => r.seq === 13)!;
    expect(link).toEqual({
      seq: 13,
      at: '2025-01-15T12:00:00.000Z',
      entityType: 'link',
      entityId: 'T-3>T-4',
      action: 'link.created',
      diff: { blocks: { old: null, new: { blocker: 'T-3', blocked: 'T-4' } } },
      actor: TEST_ACTOR,
      client: CLIENT_INFO,
      tool: 'link_items',
      reason: null,
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(records.find((r) => r.seq === 12)).toMatchObject({
      actor: BOT,
      tool: 'set_item_status',
      client: CLIENT_INFO,
    });
  });

  it.each([
    { filter: { entityType: 'item', entityId: 'T-3' }, seqs: [10, 3] },
    { filter: { entityId: 'E-1' }, seqs: [12, 1] },
    { filter: { entityType: 'link' }, seqs: [13] },
    { filter: { entityType: 'milestone', entityId: 'M-1' }, seqs: [14] },
    { filter: { entityType: 'workspace' }, seqs: [] },
    { filter: { actorId: 'agent:dev' }, seqs: [14, 12, 11, 10] },
    { filter: { actorId: 'test:alice', entityType: 'item' }, seqs: [9, 8, 7, 6, 5, 4, 3, 2, 1] },
    { filter: { action: 'item.rolled_up' }, seqs: [12, 11] },
    { filter: { action: 'item.created', entityId: 'F-6' }, seqs: [6] },
    { filter: { since: '2025-01-15T11:00:00.000Z' }, seqs: [14, 13, 12, 11, 10] },
    { filter: { since: '2025-01-15T12:00:00+01:00' }, seqs: [14, 13, 12, 11, 10] },
    { filter: { until: '2025-01-15T10:59:59.999Z' }, seqs: [9, 8, 7, 6, 5, 4, 3, 2, 1] },
    { filter: { since: '2025-01-15T11:00:00Z', until: '2025-01-15T11:00:00Z' }, seqs: [12, 11, 10] },
    { filter: { since: '2025-01-15T13:00:00Z' }, seqs: [] },
    // Offsets that push a bound past year 9999 (toISOString() then writes '+010000-...').
    {
      filter: { until: '9999-12-31T23:59:59.999-01:00' },
      seqs: [14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    },
    { filter: { since: '9999-12-31T23:59:59.999-01:00' }, seqs: [] },
    { filter: { until: '0000-01-01T00:00:00+01:00' }, seqs: [] },
    { filter: { beforeSeq: 4 }, seqs: [3, 2, 1] },
    { filter: { beforeSeq: 1 }, seqs: [] },
  ])('filters $filter', async ({ filter, seqs: expected }) => {
    const { records, nextBeforeSeq } = await query(filter);
    expect(seqs(records)).toEqual(expected);
    expect(nextBeforeSeq).toBeNull();
  });

  it.each([1, 3, 5, 13, 14])('pages of %i by nextBeforeSeq cover every record once', async (limit) => {
    const seen: number[] = [];
    let beforeSeq: number | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await query({ limit, ...(beforeSeq && { beforeSeq }) });
      expect(page.records.length).toBeLessThanOrEqual(limit);
      seen.push(...seqs(page.records));
      if (page.nextBeforeSeq === null) break;
      expect(page.nextBeforeSeq).toBe(page.records.at(-1)!.seq);
      beforeSeq = page.nextBeforeSeq;
    }
    expect(seen).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('pages a filtered query', async () => {
    const first = await query({ actorId: 'test:alice', limit: 4 });
    expect(seqs(first.records)).toEqual([13, 9, 8, 7]);
    const second = await query({ actorId: 'test:alice', limit: 4, beforeSeq: first.nextBeforeSeq });
    expect(seqs(second.records)).toEqual([6, 5, 4, 3]);
  });

  it.each([
    { args: { since: 'yesterday' } },
    { args: { until: '2025-01-15' } },
    { args: { limit: 201 } },
    { args: { limit: 0 } },
    { args: { beforeSeq: 0 } },
    { args: { entityType: 'user' } },
    { args: { workspace: 'acme' } },
  ])('refuses $args with INPUT.INVALID', async ({ args }) => {
    expect(await c().err('query_audit', { workspace: WS, ...args })).toBe('INPUT.INVALID');
  });

  it('refuses a workspace nothing was written to (test/tools/truthful-errors.test.ts)', async () => {
    expect(await c().err('query_audit', { workspace: 'acme/none' })).toBe('WORKSPACE.NOT_FOUND');
  });
});

describe('correlation ids', () => {
  beforeEach(async () => {
    await seedHierarchy(c());
  });

  it('records a client-supplied correlation id on every record of the call', async () => {
    const before = await c().auditSeq();
    await c().ok(
      'set_item_status',
      { workspace: WS, id: 'T-3', status: 'in_progress' },
      { [CORRELATION_META_KEY]: 'run-42/step-1' },
    );
    const records = await c().auditAfter(before);
    expect(records).toHaveLength(3);
    expect(records.map((r) => r.correlationId)).toEqual(['run-42/step-1', 'run-42/step-1', 'run-42/step-1']);
  });

  it.each([
    { case: 'absent', meta: undefined },
    { case: 'empty', meta: { [CORRELATION_META_KEY]: '' } },
    { case: 'too long', meta: { [CORRELATION_META_KEY]: 'x'.repeat(101) } },
    { case: 'not a string', meta: { [CORRELATION_META_KEY]: 42 } },
  ])('generates one per call when the client id is $case', async ({ meta }) => {
    const before = await c().auditSeq();
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'A' }, meta);
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'B' }, meta);
    const [a, b] = await c().auditAfter(before);
    expect(a!.correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(b!.correlationId).not.toBe(a!.correlationId);
  });
});

describe('client identity', () => {
  // clientInfo is the client's to fill: only name and version belong in the tamper-evident record.
  it('records only the client name and version, whatever else the client sends', async () => {
    const c2 = await connectClient({
      share: c(),
      clientInfo: {
        name: 'fancy-client',
        version: '2.0.0',
        title: 'Fancy',
        websiteUrl: 'https://example.com/',
      },
    });
    try {
      await c2.ok('create_item', { workspace: WS, type: 'epic', title: 'A' });
      const [record] = await c().auditAfter(0);
      expect(record!.client).toEqual({ name: 'fancy-client', version: '2.0.0' });
    } finally {
      await c2.close();
    }
  });
});

describe('verify_audit', () => {
  it('refuses a workspace nothing was written to (test/tools/truthful-errors.test.ts)', async () => {
    expect(await c().err('verify_audit', { workspace: WS })).toBe('WORKSPACE.NOT_FOUND');
  });

  it('passes on a fresh chain after every kind of change', async () => {
    await seedHierarchy(c());
    await driveTo(c(), 'T-3', 'done');
    await c().ok('update_item', { workspace: WS, id: 'T-4', expectedVersion: 1, labels: ['x'] });
    await c().ok('move_item', { workspace: WS, id: 'T-4', parentId: 'F-6', expectedVersion: 2 });
    await c().ok('link_items', { workspace: WS, fromId: 'T-5', kind: 'blocks', toId: 'T-7' });
    await c().ok('unlink_items', { workspace: WS, fromId: 'T-5', kind: 'blocks', toId: 'T-7' });
    await c().ok('upsert_milestone', { workspace: WS, title: 'v1', dueOn: '2025-02-01' });
    const head = await c().auditSeq();
    expect(head).toBeGreaterThan(15);
    expect(await c().ok('verify_audit', { workspace: WS })).toMatchObject({
      ok: true,
      checked: head,
      headSeq: head,
      firstBad: null,
      checkpoints: { checked: 0, problem: null },
      state: { items: 9, mismatches: 0, details: [] },
    });
    expect(await c().auditSeq()).toBe(head);
  });

  it('reports progress when asked', async () => {
    await seedHierarchy(c());
    const progress: { progress: number; total?: number }[] = [];
    await c().client.callTool({ name: 'verify_audit', arguments: { workspace: WS } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    expect(progress).toEqual([expect.objectContaining({ progress: 9, total: 9 })]);
  });

  it('keeps workspaces apart', async () => {
    await seedHierarchy(c());
    await c().ok('create_item', { workspace: 'acme/api', type: 'epic', title: 'Other' });
    expect(await c().ok('verify_audit', { workspace: 'acme/api' })).toMatchObject({
      ok: true,
      checked: 1,
      headSeq: 1,
    });
    expect(await c().err('verify_audit', { workspace: '../etc' })).toBe('INPUT.INVALID');
  });

  it('stamps records with the clock', async () => {
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'A' });
    c().clock.advance(1234);
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'B' });
    expect((await c().auditAfter(0)).map((r) => r.at)).toEqual([T0, '2025-01-15T10:00:01.234Z']);
  });
});
