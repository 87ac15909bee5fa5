/**
 * The event map: every event type with the payload it carries. Subscribers narrow on `type` and
 * get the payload typed; `emit` refuses a payload that does not match its type.
 */
export interface EventPayloads {
  'issue.created': { id: string; type: string; parentId: string | null };
  'issue.updated': { id: string; changed: readonly string[] };
  /** `rollup`: moved by its children's statuses, not by a call on the item itself. */
  'issue.status_changed': { id: string; from: string; to: string; rollup?: boolean };
  'issue.moved': { id: string; from: string | null; to: string | null };
  'issue.linked': { blockerId: string; blockedId: string };
  'issue.unlinked': { blockerId: string; blockedId: string };
  /** Items whose subtree, links or rolled-up state changed. */
  'hierarchy.updated': { ids: readonly string[] };
  'milestone.upserted': { id: string; created: boolean };
  /** `key`: the repository (repo scope) or owner (org scope); `paths`: the first 50 changed paths. */
  'config.updated': {
    scope: string;
    key: string;
    version: number;
    previousVersion: number;
    paths: readonly string[];
  };
  /** An apply_github_sync run finished: what it wrote to the repository. */
  'github.synced': { repository: string; planId: string; created: number; updated: number };
  /**
   * A change made on GitHub outside this server, applied to the item (webhook or reconcile).
   * `actor`: the GitHub login for a webhook, the caller's actor id for a reconcile.
   */
  'compliance.drift': {
    entityType: 'item' | 'link' | 'milestone';
    entityId: string;
    field: string;
    source: 'webhook' | 'reconcile';
    deliveryId: string | null;
    actor: string;
  };
  /** A new version of a stored spec. */
  'spec.applied': { specId: string; version: number; previousVersion: number | null };
  /** A stage of a stored spec version moved. */
  'spec.status_changed': { specId: string; version: number; stage: string; state: string };
  /** An agent service registered or changed its registration (register_agent_service). */
  'agent.registered': { id: string; version: number };
  /** An approval request was opened, decided, expired or applied. */
  'approval.changed': { id: string; status: string };
}

export type DomainEventType = keyof EventPayloads;

export const EVENT_TYPES = [
  'issue.created',
  'issue.updated',
  'issue.status_changed',
  'issue.moved',
  'issue.linked',
  'issue.unlinked',
  'hierarchy.updated',
  'milestone.upserted',
  'config.updated',
  'spec.applied',
  'spec.status_changed',
  'github.synced',
  'compliance.drift',
  'agent.registered',
  'approval.changed',
] as const satisfies readonly DomainEventType[];

/** One event of type `K`. */
export interface EventOf<K extends DomainEventType> {
  /** Outbox id, assigned by the store. */
  id?: number;
  workspace: string;
  type: K;
  payload: EventPayloads[K];
  at: string;
}

/** Any event, discriminated by `type`. */
export type DomainEvent = { [K in DomainEventType]: EventOf<K> }[DomainEventType];

export const isEventOf = <K extends DomainEventType>(
  event: DomainEvent,
  type: K,
): event is EventOf<K> & DomainEvent => event.type === type;

/** The work items an event is about (a move also concerns the old and new parents). */
export function itemIdsOf(event: DomainEvent): string[] {
  switch (event.type) {
    case 'issue.created':
    case 'issue.updated':
    case 'issue.status_changed':
      return [event.payload.id];
    case 'issue.moved':
      return [event.payload.id, event.payload.from, event.payload.to].filter((v) => v !== null);
    case 'issue.linked':
    case 'issue.unlinked':
      return [event.payload.blockerId, event.payload.blockedId];
    case 'hierarchy.updated':
      return [...event.payload.ids];
    default:
      return [];
  }
}
