/**
 * A cache of computed read results (analytics, compliance reports, the dashboard) per workspace,
 * dropped by the events that change them: any item, link, milestone, configuration, agent or
 * approval event of the workspace clears all its entries. Entries also expire after `maxAgeMs`,
 * which bounds staleness when another process writes the same store over a bus this one does not
 * hear. A key names the minute it was computed in, so a result that depends on the clock (ages,
 * forecasts) is not served past it. Concurrent reads of one key share one computation.
 *
 * Nothing depends on it for correctness: with `maxAgeMs` 0 every read computes.
 */
import type { DomainEvent } from '../model/events.js';
import type { EventBus } from '../ports/events.js';

export interface ResultCache {
  /** `compute()`'s result for `key` in `workspace`, from the cache while it is valid. */
  get<T>(workspace: string, key: string, now: string, compute: () => Promise<T>): Promise<T>;
  /** Entries held, for tests and metrics. */
  size(): number;
  close(): void;
}

export interface ResultCacheOptions {
  /** Default 60 s; 0 disables the cache. */
  maxAgeMs?: number;
  /** Default 500 entries; the oldest goes first. */
  maxEntries?: number;
  /** Milliseconds for ages. */
  nowMs: () => number;
}

/** Event types after which no cached read of their workspace stands. */
const CHANGES = /^(?:issue|hierarchy|milestone|config|agent|approval|spec|github|compliance)\./;

export const invalidates = (e: Pick<DomainEvent, 'type'>): boolean => CHANGES.test(e.type);

interface Entry {
  at: number;
  value: Promise<unknown>;
}

export function createResultCache(bus: EventBus, opts: ResultCacheOptions): ResultCache {
  const maxAge = opts.maxAgeMs ?? 60_000;
  const maxEntries = opts.maxEntries ?? 500;
  const nowMs = opts.nowMs;
  const byWorkspace = new Map<string, Map<string, Entry>>();
  let count = 0;
  const drop = (workspace: string) => {
    const m = byWorkspace.get(workspace);
    if (!m) return;
    count -= m.size;
    byWorkspace.delete(workspace);
  };
  const unsubscribe = bus.subscribe((e) => {
    if (invalidates(e)) drop(e.workspace);
  });
  const evictOldest = () => {
    let oldest: { ws: string; key: string; at: number } | undefined;
    for (const [ws, m] of byWorkspace)
      for (const [key, e] of m) if (!oldest || e.at < oldest.at) oldest = { ws, key, at: e.at };
    if (!oldest) return;
    const m = byWorkspace.get(oldest.ws)!;
    m.delete(oldest.key);
    count -= 1;
    if (m.size === 0) byWorkspace.delete(oldest.ws);
  };
  return {
    get<T>(workspace: string, key: string, now: string, compute: () => Promise<T>): Promise<T> {
      if (maxAge <= 0) return compute();
      const k = `${now.slice(0, 16)} ${key}`;
      let m = byWorkspace.get(workspace);
      const hit = m?.get(k);
      const t = nowMs();
      if (hit && t - hit.at <= maxAge) return hit.value as Promise<T>;
      if (!m) byWorkspace.set(workspace, (m = new Map<string, Entry>()));
      if (hit) count -= 1;
      const value = compute();
      const entry: Entry = { at: t, value };
      m.set(k, entry);
      count += 1;
      while (count > maxEntries) evictOldest();
      // A failed computation is not kept.
      value.catch(() => {
        const cur = byWorkspace.get(workspace);
        if (cur?.get(k) === entry) {
          cur.delete(k);
          count -= 1;
        }
      });
      return value;
    },
    size: () => count,
    close: unsubscribe,
  };
}
