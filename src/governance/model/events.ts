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
  /** A new version of a stored spec (payload: specId, version). */
  'spec.applied',
  /** A stage of a stored spec version moved (payload: specId, version, stage, state). */
  'spec.status_changed',
] as const;
export type DomainEventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  /** Outbox id, assigned by the store. */
  id?: number;
  workspace: string;
  type: DomainEventType;
  payload: Record<string, unknown>;
  at: string;
}
