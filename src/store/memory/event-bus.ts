import type { DomainEvent } from '../../governance/model/events.js';
import type { EventBus, EventHandler } from '../../governance/ports/events.js';

/** In-process bus: every subscriber of this process sees every event published here. */
export function createMemoryBus(onHandlerError?: (err: unknown, event: DomainEvent) => void): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    async publish(event) {
      for (const h of [...handlers]) {
        try {
          h(event);
        } catch (err) {
          // One failing subscriber must not stop the others nor fail the change that already committed.
          onHandlerError?.(err, event);
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
