import type { StoreConfig } from '../config/config.js';
import type { Clock } from '../governance/ports/clock.js';
import type { EventBus } from '../governance/ports/events.js';
import type { GovernanceStore } from '../governance/ports/store.js';
import type { Logger } from '../mcp/deps.js';
import { lazyPort, type LazyHandle } from '../shared/lazy-port.js';

/**
 * The configured store, opened (and migrated) on first use: listing tools or answering initialize
 * never touches the database. Once open, the outbox relay starts, publishing what a previous run
 * left pending and retrying failed publications; closing the store stops it first.
 */
export function openStore(
  cfg: StoreConfig,
  deps: { bus: EventBus; clock: Clock; log: Logger },
): GovernanceStore & LazyHandle {
  const { log } = deps;
  const open =
    cfg.kind === 'postgres'
      ? () =>
          import('../store/postgres/index.js').then((m) =>
            m.createPostgresStore({ url: cfg.url, schema: cfg.schema }),
          )
      : () => import('../store/sqlite/index.js').then((m) => m.createSqliteStore({ dataDir: cfg.dataDir }));
  const where =
    cfg.kind === 'postgres' ? { schema: cfg.schema, host: safeHost(cfg.url) } : { dataDir: cfg.dataDir };
  return lazyPort(
    async (): Promise<GovernanceStore> => {
      const started = performance.now();
      let store: GovernanceStore;
      try {
        store = await open();
      } catch (err) {
        log.error({ err, store: cfg.kind, ...where }, 'cannot open the store');
        throw err;
      }
      log.info({ store: cfg.kind, ...where, ms: Math.round(performance.now() - started) }, 'store opened');
      // The opened store, not the lazy one: going through the lazy one here would wait on itself.
      const { createOutboxRelay } = await import('../governance/use-cases/outbox-relay.js');
      const relay = createOutboxRelay(
        { store, bus: deps.bus, clock: deps.clock },
        {
          onError: (err, entry) =>
            log.warn(
              {
                err,
                ...(entry && { event: entry.event.id, type: entry.event.type, attempts: entry.attempts + 1 }),
              },
              entry ? 'event publication failed; it will be retried' : 'outbox relay failed',
            ),
        },
      );
      relay.start();
      return {
        ...store,
        close: async () => {
          await relay.stop();
          await store.close();
        },
      };
    },
    { known: { kind: cfg.kind }, nested: ['reader', 'outbox', 'jobs'], name: 'the store' },
  );
}

/** A URL's host for logs, never its credentials. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
