/**
 * Snapshots of a workspace's compliance report over time, for the trend check_compliance reports
 * since a date. Derived data, like a heartbeat: kept so the trend does not need the items' past
 * states, not audited.
 */
export interface ComplianceSnapshot {
  workspace: string;
  at: string;
  checked: number;
  complianceRate: number;
  meanScore: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Findings per rule. */
  byRule: Record<string, number>;
  byCategory: Record<string, number>;
}

export interface ComplianceSnapshotReads {
  /** The workspace's snapshots at or after `since`, oldest first, at most `limit`. */
  complianceSnapshots(workspace: string, since: string, limit: number): Promise<ComplianceSnapshot[]>;
  /** Its latest snapshot, if any. */
  lastComplianceSnapshot(workspace: string): Promise<ComplianceSnapshot | undefined>;
}

export interface ComplianceSnapshotWrites {
  /** Inserts (or replaces the one at the same instant). */
  putComplianceSnapshot(s: ComplianceSnapshot): Promise<void>;
}
