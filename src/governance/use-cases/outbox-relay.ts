import type { OutboxEntry } from '../ports/events.js';
import type { CoreDeps } from '../ports/core-deps.js';

export interface RelayOptions {
  /** This relay's name in the claim column; unique per relay (default: a random UUID). */
  owner?: string;
  /** How long a claim is exclusive; a relay that dies holding one frees it after this. Default 30 s. */
  leaseMs?: number;
  /** Events per claim. Default 100. */
  batchSize?: number;
  /** Between polls of the outbox; 0: no timer (call `drain`). Default 1 s. */
  pollMs?: number;
  /**
   * A poll leaves events younger than this to the process that wrote them (it publishes them right
   * after its commit, to its own subscribers). Default 5 s.
   */
  graceMs?: number;
  /** Retry n waits baseMs * 2^(n-1), at most maxMs. Default 1 s and 5 min. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A publish that has not resolved by then counts as failed. Default half the lease. */
  publishTimeoutMs?: number;
  /** A failed publication, or an outbox the relay could not reach. */
  onError?: (err: unknown, entry?: OutboxEntry) => void;
  /** Default: an unref'd setTimeout, so the timer never keeps the process alive. */
  schedule?: (fn: () => void, ms: number) => { cancel(): void };
}

export interface OutboxRelay {
  /** The nudge after a commit: publishes these events now; a failure leaves them for a retry. */
  publish(ids: readonly number[]): Promise<number>;
  /** Claims and publishes due events until none are left; returns how many were published. */
  drain(): Promise<number>;
  /** Drains now and then every pollMs. */
  start(): void;
  /** Stops the timer and waits for a drain in progress. */
  stop(): Promise<void>;
}

type RelayDeps = Pick<CoreDeps, 'store' | 'bus' | 'clock'>;

const defaultSchedule = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Moves events from the outbox to the bus. An event is claimed (leased) before it is published and
 * marked published only once every subscriber acknowledged it: delivery is at least once, to the
 * whole subscriber set. A failed event is retried with exponential backoff, and a workspace's later
 * events wait behind it (they are published in order).
 */
export function createOutboxRelay(deps: RelayDeps, opts: RelayOptions = {}): OutboxRelay {
  const owner = opts.owner ?? globalThis.crypto.randomUUID();
  const leaseMs = opts.leaseMs ?? 30_000;
  const batchSize = opts.batchSize ?? 100;
  const pollMs = opts.pollMs ?? 1_000;
  const graceMs = opts.graceMs ?? 5_000;
  const baseMs = opts.backoff?.baseMs ?? 1_000;
  const maxMs = opts.backoff?.maxMs ?? 300_000;
  const publishTimeoutMs = opts.publishTimeoutMs ?? leaseMs / 2;
  const schedule = opts.schedule ?? defaultSchedule;
  const outbox = deps.store.outbox;
  const nowMs = () => Date.parse(deps.clock.now());
  const iso = (ms: number) => new Date(ms).toISOString();

  const publishOne = async (entry: OutboxEntry): Promise<void> => {
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = schedule(
        () => reject(new Error(`not acknowledged within ${publishTimeoutMs} ms`)),
        publishTimeoutMs,
      );
    });
    try {
      await Promise.race([deps.bus.publish(entry.event), timeout]);
    } finally {
      timer?.cancel();
    }
  };

  /** Publishes claimed entries in id order; returns how many were published. */
  const deliver = async (entries: readonly OutboxEntry[]): Promise<number> => {
    const published: number[] = [];
    const skipped: number[] = [];
    const stalled = new Set<string>();
    for (const entry of entries) {
      const { id, workspace } = entry.event;
      if (stalled.has(workspace)) {
        skipped.push(id);
        continue;
      }
      try {
        await publishOne(entry);
        published.push(id);
      } catch (err) {
        stalled.add(workspace);
        opts.onError?.(err, entry);
        const wait = Math.min(maxMs, baseMs * 2 ** entry.attempts);
        await outbox.retry(owner, id, { error: message(err), nextAttemptAt: iso(nowMs() + wait) });
      }
    }
    await outbox.ack(owner, published, deps.clock.now());
    await outbox.release(owner, skipped);
    return published.length;
  };

  const claim = (ids?: readonly number[]) => {
    const now = nowMs();
    return outbox.claim({
      owner,
      now: iso(now),
      leaseUntil: iso(now + leaseMs),
      limit: ids ? ids.length : batchSize,
      ...(ids ? { ids } : { freshBefore: iso(now - graceMs) }),
    });
  };

  let running: Promise<number> | undefined;
  let timer: { cancel(): void } | undefined;
  let stopped = true;

  const drainOnce = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const entries = await claim();
      if (entries.length === 0) return total;
      total += await deliver(entries);
      if (entries.length < batchSize) return total;
    }
  };

  const tick = () => {
    timer = undefined;
    relay
      .drain()
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => {
        if (!stopped && pollMs > 0) timer = schedule(tick, pollMs);
      });
  };

  const relay: OutboxRelay = {
    async publish(ids) {
      if (ids.length === 0) return 0;
      try {
        return await deliver(await claim(ids));
      } catch (err) {
        // The write has committed; what was not published stays in the outbox for a poll.
        opts.onError?.(err);
        return 0;
      }
    },
    drain() {
      // One drain at a time per relay; a caller arriving meanwhile shares it.
      running ??= drainOnce().finally(() => (running = undefined));
      return running;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
  return relay;
}
