/** What a compliance review reads from an audit window: who did what, and the changes a rule covers. */
import type { Actor, AuditRecord } from '../model/audit.js';

export interface AuditDigest {
  byAction: Record<string, number>;
  /** One entry per actor, with its record count. */
  byActor: (Actor & { count: number })[];
  /** Records without a tool count under "(none)". */
  byTool: Record<string, number>;
  /** Epic creations: the approval rule compliance.approvals.epicCreation covers. */
  epicCreations: AuditRecord[];
  /** Milestone changes: compliance.approvals.milestoneChanges. */
  milestoneChanges: AuditRecord[];
  configChanges: AuditRecord[];
}

export function countBy<T>(list: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of list) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

/** Keeps the order of `records` in every list. */
export function auditDigest(records: readonly AuditRecord[]): AuditDigest {
  const actors = new Map(records.map((r) => [r.actor.id, r.actor]));
  return {
    byAction: countBy(records, (r) => r.action),
    byActor: Object.entries(countBy(records, (r) => r.actor.id)).map(([id, count]) => ({
      ...actors.get(id)!,
      count,
    })),
    byTool: countBy(records, (r) => r.tool ?? '(none)'),
    epicCreations: records.filter((r) => r.action === 'item.created' && r.diff.type?.new === 'epic'),
    milestoneChanges: records.filter((r) => r.entityType === 'milestone'),
    configChanges: records.filter((r) => r.action === 'config.updated'),
  };
}
