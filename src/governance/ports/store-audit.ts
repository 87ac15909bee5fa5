import type { ActorType, AuditEntity, AuditRecord } from '../model/audit.js';
import type { AuditCheckpoint } from '../model/audit-checkpoint.js';

export interface AuditQuery {
  entityType?: AuditEntity;
  entityId?: string;
  actorId?: string;
  actorType?: ActorType;
  action?: string;
  /** Inclusive ISO time bounds. */
  since?: string;
  until?: string;
  /** Records with seq < beforeSeq (newest first paging). */
  beforeSeq?: number;
  limit: number;
}

export interface AuditReads {
  queryAudit(workspace: string, query: AuditQuery): Promise<AuditRecord[]>;
  /** Records with seq > afterSeq, ascending, at most `limit` (for chain verification). */
  auditRange(workspace: string, afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** The head the store recorded with the last append, or undefined for an empty chain. */
  auditHead(workspace: string): Promise<{ seq: number; hash: string } | undefined>;
  /** Signed checkpoints with seq > afterSeq, ascending, at most `limit`. */
  auditCheckpoints(workspace: string, afterSeq: number, limit: number): Promise<AuditCheckpoint[]>;
  /** The latest checkpoint, or undefined when none was written. */
  lastAuditCheckpoint(workspace: string): Promise<AuditCheckpoint | undefined>;
}

export interface AuditWrites {
  /** Appends a fully formed (hashed) record and moves the workspace's audit head to it. */
  appendAudit(record: AuditRecord): Promise<void>;
  /** Stores a signed checkpoint of the workspace's audit head (its seq must be the next one). */
  appendAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
}
