export const ACTOR_TYPES = ['user', 'agent_service', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export interface Actor {
  type: ActorType;
  id: string;
  name: string;
}

/** The MCP client that carried the call, from its initialize request. */
export interface ClientInfo {
  name: string;
  version: string;
}

export const AUDIT_ENTITIES = [
  'item',
  'link',
  'milestone',
  'workspace',
  'spec',
  'github',
  'job',
  'approval',
  'agent',
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/**
 * Every action an audit record can carry: what use-cases write (typed by it) and what
 * query_audit filters on, so a filter that can never match is refused rather than answered empty.
 */
export const AUDIT_ACTIONS = [
  'item.created',
  'item.updated',
  'item.status_changed',
  'item.moved',
  'item.rolled_up',
  'item.assigned',
  'item.progress_reported',
  'item.completed',
  'item.escalated',
  'item.remediated',
  'link.created',
  'link.deleted',
  'milestone.created',
  'milestone.updated',
  'spec.applied',
  'spec.stage_updated',
  'config.updated',
  'github.issue_created',
  'github.issue_linked',
  'github.synced',
  'github.drift',
  'github.project_linked',
  'job.created',
  'job.finished',
  'job.cancelled',
  'approval.requested',
  'approval.decided',
  'approval.expired',
  'approval.applied',
  'agent.registered',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Field-level change: `{ field: { old, new } }`. A created entity has every field with old = null. */
export type AuditDiff = Record<string, { old: unknown; new: unknown }>;

export interface AuditRecord {
  workspace: string;
  /** 1-based, gapless per workspace. */
  seq: number;
  at: string;
  entityType: AuditEntity;
  entityId: string;
  action: string;
  diff: AuditDiff;
  actor: Actor;
  client: ClientInfo | null;
  tool: string | null;
  reason: string | null;
  correlationId: string;
  /** Hash of the previous record in this workspace ('' for the first). */
  prevHash: string;
  /** SHA-256 hex over prevHash and the canonical form of the record. */
  hash: string;
}

export type AuditDraft = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash' | 'workspace' | 'at'>;
