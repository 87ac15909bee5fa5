import type { OutboxStore } from '../governance/ports/events.js';
import type { GovernanceStore, StoreReader } from '../governance/ports/store.js';
import { lazyOnce } from '../shared/lazy-once.js';

/**
 * A store that opens on first use. Listing tools or answering initialize never touches the database,
 * which keeps cold start fast; the first call that needs data pays for opening and migrating.
 */
export function lazyStore(
  kind: GovernanceStore['kind'],
  open: () => Promise<GovernanceStore>,
): GovernanceStore & { opened(): boolean } {
  let isOpen = false;
  const store = lazyOnce(() => open().then((s) => ((isOpen = true), s)));
  const get = store.get;
  const reader = new Proxy({} as StoreReader, {
    get:
      (_t, key: string) =>
      async (...args: unknown[]) => {
        const r = (await get()).reader as unknown as Record<string, (...a: unknown[]) => unknown>;
        return r[key]!(...args);
      },
  });
  const outbox: OutboxStore = {
    claim: async (req) => (await get()).outbox.claim(req),
    ack: async (owner, ids, now) => (await get()).outbox.ack(owner, ids, now),
    retry: async (owner, id, failure) => (await get()).outbox.retry(owner, id, failure),
    release: async (owner, ids) => (await get()).outbox.release(owner, ids),
    pending: async (opts) => (await get()).outbox.pending(opts),
  };
  return {
    kind,
    reader,
    opened: () => isOpen,
    write: async (ws, fn) => (await get()).write(ws, fn),
    outbox,
    ping: async () => (await get()).ping(),
    close: async () => {
      await (await store.started()?.catch(() => undefined))?.close();
    },
  };
}
