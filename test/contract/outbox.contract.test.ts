/**
 * The outbox relay on every SQL back-end: retries with backoff without reopening the store, lease
 * expiry, exactly-once publication by concurrent relays (two store instances in one process, and two
 * processes) on one database, and per-workspace order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../../src/governance/model/events.js';
import type { EventBus } from '../../src/governance/ports/events.js';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import { createOutboxRelay, type RelayOptions } from '../../src/governance/use-cases/outbox-relay.js';
import { createMemoryBus } from '../../src/store/memory/event-bus.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { connectClient, testClock, WS, type TestClock } from '../helpers/mcp.js';
import { TEST_DATABASE_URL } from '../helpers/store-backends.js';

type Kind = 'sqlite' | 'postgres';

/** Two store instances (own connection or pool each) on one database; what a second process opens. */
interface Twins {
  a: GovernanceStore;
  b: GovernanceStore;
  /** Worker arguments naming the same database. */
  args: string[];
  cleanup(): Promise<void>;
}

async function openTwins(kind: Kind): Promise<Twins> {
  if (kind === 'sqlite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'gf-outbox-'));
    const a = await createSqliteStore({ dataDir });
    const b = await createSqliteStore({ dataDir });
    return {
      a,
      b,
      args: ['sqlite', dataDir],
      async cleanup() {
        await Promise.all([a.close(), b.close()]);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `gf_test_${randomBytes(6).toString('hex')}`;
  const a = await createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
  const b = await createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
  return {
    a,
    b,
    args: ['postgres', TEST_DATABASE_URL, schema],
    async cleanup() {
      await Promise.all([a.close(), b.close()]);
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
    },
  };
}

const T0 = '2025-01-15T10:00:00.000Z';

/** Writes `n` events to `workspace` (ten per transaction); returns their ids. */
async function addEvents(store: GovernanceStore, workspace: string, n: number, at = T0): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await store.write(workspace, async (tx) => {
      const out: number[] = [];
      for (let j = i; j < Math.min(n, i + 10); j++)
        out.push(
          await tx.addEvent({ workspace, type: 'hierarchy.updated', payload: { ids: [`T-${j}`] }, at }),
        );
      return out;
    });
    ids.push(...batch);
  }
  return ids;
}

/** A bus whose subscriber records every delivery and fails while `failing()` says so. */
function recordingBus(failing: (e: DomainEvent) => boolean = () => false) {
  const bus = createMemoryBus();
  const seen: DomainEvent[] = [];
  bus.subscribe(async (e) => {
    seen.push(e);
    await Promise.resolve();
    if (failing(e)) throw new Error(`subscriber refused ${e.id}`);
  });
  return { bus, seen, ids: () => seen.map((e) => e.id) };
}

const relayOn = (store: GovernanceStore, bus: EventBus, clock: TestClock, opts: RelayOptions = {}) =>
  createOutboxRelay({ store, bus, clock }, { pollMs: 0, graceMs: 0, ...opts });

describe.each<Kind>(['sqlite', 'postgres'])('outbox relay: %s', (kind) => {
  let twins: Twins;
  let clock: TestClock;
  beforeEach(async () => {
    twins = await openTwins(kind);
    clock = testClock('2025-01-15T10:00:05.000Z');
  });
  afterEach(() => twins?.cleanup());

  it('publishes a failed event again after its backoff, without reopening the store', async () => {
    let refusals = 2;
    const r = recordingBus(() => refusals-- > 0);
    const relay = relayOn(twins.a, r.bus, clock, { owner: 'r1' });
    const [id] = await addEvents(twins.a, 'acme/web', 1);

    expect(await relay.publish([id!])).toBe(0);
    expect(await twins.a.outbox.pending()).toMatchObject([
      {
        attempts: 1,
        lastError: `subscriber refused ${id}`,
        claimedBy: null,
        nextAttemptAt: '2025-01-15T10:00:06.000Z',
      },
    ]);
    // Backoff doubles: 1 s after the first failure, 2 s after the second.
    for (const [advance, published, deliveries] of [
      [999, 0, 1],
      [1, 0, 2],
      [1_999, 0, 2],
      [1, 1, 3],
    ] as const) {
      clock.advance(advance);
      expect(await relay.drain()).toBe(published);
      expect(r.seen).toHaveLength(deliveries);
    }
    expect(await twins.a.outbox.pending()).toEqual([]);
    expect(await relay.drain()).toBe(0);
  });

  it('retries on its own timer, and stops polling when stopped', async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    const schedule = (fn: () => void, ms: number) => {
      const t = { fn, ms };
      timers.push(t);
      return { cancel: () => void timers.splice(timers.indexOf(t) >>> 0, 1) };
    };
    const polls = () => timers.filter((t) => t.ms === 1_000);
    let refusals = 1;
    const r = recordingBus(() => refusals-- > 0);
    const [id] = await addEvents(twins.a, 'acme/web', 1);
    const relay = relayOn(twins.a, r.bus, clock, { pollMs: 1_000, schedule });

    relay.start();
    await vi.waitFor(() => expect(polls()).toHaveLength(1));
    expect(r.ids()).toEqual([id]);
    expect((await twins.a.outbox.pending()).map((e) => e.attempts)).toEqual([1]);

    clock.advance(1_000);
    const poll = polls()[0]!;
    timers.splice(timers.indexOf(poll), 1);
    poll.fn();
    await vi.waitFor(() => expect(polls()).toHaveLength(1));
    expect(r.ids()).toEqual([id, id]);
    expect(await twins.a.outbox.pending()).toEqual([]);

    await relay.stop();
    expect(polls()).toEqual([]);
  });

  it('counts a subscriber that never acknowledges as a failure', async () => {
    const bus = createMemoryBus();
    bus.subscribe(() => new Promise<void>(() => undefined));
    const [id] = await addEvents(twins.a, 'acme/web', 1);
    const relay = relayOn(twins.a, bus, clock, { publishTimeoutMs: 50 });
    expect(await relay.publish([id!])).toBe(0);
    expect(await twins.a.outbox.pending()).toMatchObject([
      { attempts: 1, lastError: 'not acknowledged within 50 ms', claimedBy: null },
    ]);
  });

  it('holds back a failed event’s workspace, in order, and not the others', async () => {
    let refuse = true;
    const r = recordingBus((e) => refuse && e.workspace === 'acme/web');
    const relay = relayOn(twins.a, r.bus, clock);
    const web = await addEvents(twins.a, 'acme/web', 3);
    const api = await addEvents(twins.a, 'acme/api', 2);

    expect(await relay.drain()).toBe(2);
    expect(r.ids()).toEqual([web[0], ...api]);
    refuse = false;
    clock.advance(1_000);
    expect(await relay.drain()).toBe(3);
    expect(r.ids()).toEqual([web[0], ...api, ...web]);
  });

  it('lets another relay take an event whose lease expired (its relay died holding it)', async () => {
    const [id] = await addEvents(twins.a, 'acme/web', 1);
    const now = clock.now();
    const claimed = await twins.a.outbox.claim({
      owner: 'crashed',
      now,
      leaseUntil: new Date(Date.parse(now) + 30_000).toISOString(),
      limit: 10,
    });
    expect(claimed.map((e) => e.event.id)).toEqual([id]);

    const r = recordingBus();
    const other = relayOn(twins.b, r.bus, clock, { leaseMs: 30_000 });
    expect(await other.drain()).toBe(0);
    clock.advance(30_000);
    expect(await other.drain()).toBe(1);
    expect(r.ids()).toEqual([id]);
    // The dead relay's late acknowledgement no longer counts: the claim is not its own.
    expect(await twins.a.outbox.ack('crashed', [id!], clock.now())).toBe(0);
  });

  it('leaves events younger than the grace period to the process that wrote them', async () => {
    const [id] = await addEvents(twins.a, 'acme/web', 1, clock.now());
    const r = recordingBus();
    const poller = relayOn(twins.b, r.bus, clock, { graceMs: 5_000 });
    expect(await poller.drain()).toBe(0);
    clock.advance(5_000);
    expect(await poller.drain()).toBe(1);
    expect(r.ids()).toEqual([id]);
  });

  // SQLite: two relays on one store instance. One thread cannot hold two SQLite connections that
  // contend for the write lock (the busy handler blocks the thread the lock holder needs); two
  // processes on one file are the next test.
  it('publishes each of 200 events exactly once with two relays draining concurrently, in order per workspace', async () => {
    const workspaces = ['acme/a', 'acme/b', 'acme/c', 'acme/d'];
    const all = (await Promise.all(workspaces.map((ws) => addEvents(twins.a, ws, 50)))).flat();
    const deliveries: { relay: string; event: DomainEvent }[] = [];
    const drainAll = async (store: GovernanceStore, name: string) => {
      const bus = createMemoryBus();
      bus.subscribe(async (event) => {
        deliveries.push({ relay: name, event });
        await sleep(0);
      });
      const relay = relayOn(store, bus, clock, { batchSize: 7 });
      while ((await store.outbox.pending({ limit: 1 })).length > 0)
        if ((await relay.drain()) === 0) await sleep(1);
    };
    await Promise.all([drainAll(twins.a, 'a'), drainAll(kind === 'sqlite' ? twins.a : twins.b, 'b')]);

    expect(deliveries.map((d) => d.event.id).sort((x, y) => x! - y!)).toEqual([...all].sort((x, y) => x - y));
    expect(new Set(deliveries.map((d) => d.relay))).toEqual(new Set(['a', 'b']));
    for (const ws of workspaces) {
      const ids = deliveries.filter((d) => d.event.workspace === ws).map((d) => d.event.id!);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
  });

  it('publishes each of 200 events exactly once with two relay processes on one database', async () => {
    const workspaces = ['acme/a', 'acme/b', 'acme/c', 'acme/d'];
    const all = (await Promise.all(workspaces.map((ws) => addEvents(twins.a, ws, 50)))).flat();
    // Both processes start draining together: each says ready, and both are told to go at once.
    let ready = 0;
    const children: ChildProcess[] = [];
    const worker = () =>
      new Promise<number[]>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'test/fixtures/outbox-worker.ts', ...twins.args],
          {
            stdio: ['pipe', 'pipe', 'pipe'],
          },
        );
        children.push(child);
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          const before = out;
          out += d.toString();
          if (!before.includes('ready\n') && out.includes('ready\n') && ++ready === 2)
            for (const c of children) c.stdin?.write('go\n');
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0
            ? resolve(
                out
                  .split('\n')
                  .filter((l) => l !== '' && l !== 'ready')
                  .map(Number),
              )
            : reject(new Error(`worker exited ${code}: ${err}`)),
        );
      });
    const [p, q] = await Promise.all([worker(), worker()]);

    expect([...p, ...q].sort((x, y) => x - y)).toEqual([...all].sort((x, y) => x - y));
    expect(p.length).toBeGreaterThan(0);
    expect(q.length).toBeGreaterThan(0);
  }, 60_000);
});

describe.each<Kind>(['sqlite', 'postgres'])('outbox relay through MCP: %s', (kind) => {
  it('answers a write whose subscriber failed, and delivers its events again after the backoff', async () => {
    const c = await connectClient({ backend: kind });
    try {
      const seen: string[] = [];
      let refuse = true;
      c.deps.bus.subscribe((e) => {
        seen.push(e.type);
        if (refuse) throw new Error('subscriber down');
      });
      const { item } = await c.ok('create_item', { workspace: WS, type: 'epic', title: 'E' });
      expect(seen).toEqual(['issue.created']);
      const left = await c.store.outbox.pending();
      expect(left.map((e) => [e.event.type, e.attempts])).toEqual([
        ['issue.created', 1],
        ['hierarchy.updated', 0],
      ]);
      expect(left[0]!.event.payload).toEqual({ id: item.id, type: 'epic', parentId: null });

      refuse = false;
      const relay = createOutboxRelay(c.deps, { pollMs: 0 });
      expect(await relay.drain()).toBe(0);
      c.clock.advance(5_000);
      expect(await relay.drain()).toBe(2);
      expect(seen).toEqual(['issue.created', 'issue.created', 'hierarchy.updated']);
      expect(await c.store.outbox.pending()).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
