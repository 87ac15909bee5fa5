import type { DomainEvent } from '../model/events.js';

export type EventHandler = (event: DomainEvent) => void;

/** In-process now; a Redis Streams bus plugs in behind the same port. */
export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  subscribe(handler: EventHandler): () => void;
}
