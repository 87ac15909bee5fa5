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
  return {
    kind,
    reader,
    opened: () => isOpen,
    write: async (ws, fn) => (await get()).write(ws, fn),
    pendingEvents: async (ids, limit) => (await get()).pendingEvents(ids, limit),
    markDispatched: async (ids) => (await get()).markDispatched(ids),
    ping: async () => (await get()).ping(),
    close: async () => {
      await (await store.started()?.catch(() => undefined))?.close();
    },
  };
}
