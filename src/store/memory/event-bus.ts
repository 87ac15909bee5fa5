import type { DomainEvent } from '../../governance/model/events.js';
import type { EventBus, EventHandler } from '../../governance/ports/events.js';

/**
 * In-process bus: every subscriber of this process sees every event published here. Subscribers
 * run concurrently; publish resolves once all have acknowledged, and rejects (after all have run)
 * when any failed, so that the relay publishes the event again later.
 */
export function createMemoryBus(onHandlerError?: (err: unknown, event: DomainEvent) => void): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    async publish(event) {
      const results = await Promise.allSettled([...handlers].map(async (h) => h(event)));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      for (const err of failures) onHandlerError?.(err, event);
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, `${failures.length} subscribers failed`);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
