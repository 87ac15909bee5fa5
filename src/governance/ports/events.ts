import type { DomainEvent } from '../model/events.js';

/**
 * A subscriber acknowledges an event by returning (or resolving). Throwing or rejecting leaves
 * the event in the outbox, and the relay publishes it again after a backoff: to every subscriber,
 * so delivery is at least once and subscribers must be idempotent.
 */
export type EventHandler = (event: DomainEvent) => void | Promise<void>;

/**
 * Where the outbox relay publishes. Transport-neutral: in-process now (store/memory); a Redis
 * Streams bus plugs in behind the same port, acknowledging once the stream has the entry.
 */
export interface EventBus {
  /**
   * Hands `event` to every subscriber and resolves once all have acknowledged. Rejects when any
   * failed, after every subscriber has had its turn.
   */
  publish(event: DomainEvent): Promise<void>;
  subscribe(handler: EventHandler): () => void;
}

/** Adding to the outbox inside a write transaction: the event commits with the change it announces. */
export interface OutboxWrites {
  /** Writes an event to the outbox; returns its id. */
  addEvent(event: DomainEvent): Promise<number>;
}

/** An outbox event as the relay sees it: the event (with its id) and its delivery state. */
export interface OutboxEntry {
  event: DomainEvent & { id: number };
  /** Failed publications so far. */
  attempts: number;
  lastError: string | null;
  /** The relay holding the lease, if one does. */
  claimedBy: string | null;
  leaseUntil: string | null;
  /** Before this, a failed event is not retried (null: due as soon as it is claimable). */
  nextAttemptAt: string | null;
}

export interface ClaimRequest {
  /** The claiming relay; only it can acknowledge or release what it claimed. */
  owner: string;
  now: string;
  leaseUntil: string;
  limit: number;
  /** Only these events (the ones a write just committed). */
  ids?: readonly number[];
  /**
   * Events never attempted are claimable once written at or before this (default `now`): a poll
   * leaves a sibling process the moment to publish the events it has just committed itself.
   */
  freshBefore?: string;
}

/**
 * The outbox's delivery state. Claims are exclusive across processes: an event is leased to one
 * relay until `leaseUntil`, after which (a crashed relay) any relay may claim it again. Events of
 * one workspace are claimed in id order: none while an earlier one is unpublished and not claimable.
 */
export interface OutboxStore {
  /** Claims up to `limit` due, unleased, unpublished events, oldest first. */
  claim(req: ClaimRequest): Promise<OutboxEntry[]>;
  /** Marks the owner's claimed events published; returns how many were still its own. */
  ack(owner: string, ids: readonly number[], now: string): Promise<number>;
  /** Gives the owner's claim back after a failed publication: attempts + 1, due at `nextAttemptAt`. */
  retry(owner: string, id: number, failure: { error: string; nextAttemptAt: string }): Promise<void>;
  /** Gives claims back untouched (events the owner claimed but did not try). */
  release(owner: string, ids: readonly number[]): Promise<void>;
  /** Unpublished events, oldest first (all, or those with id in `ids`): for inspection and tests. */
  pending(opts?: { ids?: readonly number[]; limit?: number }): Promise<OutboxEntry[]>;
}
