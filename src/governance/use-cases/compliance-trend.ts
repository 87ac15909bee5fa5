/**
 * The compliance trend: each whole-workspace report is kept as a snapshot (at most one an hour
 * per workspace), and check_compliance compares the current report with the snapshots since a
 * date. The snapshots are derived data, written without an audit record, like heartbeats.
 */
import type { WorkspaceReport } from '../compliance/engine.js';
import { assertWorkspace } from '../model/workspace.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { complianceReport, type ComplianceCommand, type ComplianceReport } from './compliance-report.js';
import type { ConfigService } from './config-service.js';
import type { ResultCache } from './result-cache.js';
import type { ComplianceSnapshot } from '../ports/store-compliance.js';

export const SNAPSHOT_EVERY_MS = 3_600_000;
/** Points listed at most; older ones are thinned out evenly. */
export const TREND_POINTS = 60;

export type TrendPoint = Omit<ComplianceSnapshot, 'workspace' | 'byRule' | 'byCategory'>;

export interface ComplianceTrend {
  since: string;
  /** Oldest first, the current report last. */
  points: TrendPoint[];
  /** Current minus the first point at or after `since`; null without an earlier point. */
  change: { complianceRate: number; meanScore: number; errors: number; warnings: number } | null;
}

const pointOf = (s: Omit<ComplianceSnapshot, 'workspace' | 'byRule' | 'byCategory'>): TrendPoint => ({
  at: s.at,
  checked: s.checked,
  complianceRate: s.complianceRate,
  meanScore: s.meanScore,
  errors: s.errors,
  warnings: s.warnings,
  infos: s.infos,
});

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

export function snapshotOf(workspace: string, at: string, r: WorkspaceReport): ComplianceSnapshot {
  return {
    workspace,
    at,
    checked: r.checked,
    complianceRate: r.complianceRate,
    meanScore: r.meanScore,
    errors: r.bySeverity.error,
    warnings: r.bySeverity.warning,
    infos: r.bySeverity.info,
    byRule: r.byRule,
    byCategory: r.byCategory,
  };
}

/** Keeps `report` as the workspace's snapshot at `now` unless one was kept within the hour. */
export async function recordSnapshot(
  deps: Pick<CoreDeps, 'store'>,
  workspace: string,
  now: string,
  report: WorkspaceReport,
): Promise<boolean> {
  assertWorkspace(workspace);
  const last = await deps.store.reader.lastComplianceSnapshot(workspace);
  if (last && Date.parse(now) - Date.parse(last.at) < SNAPSHOT_EVERY_MS && last.at <= now) return false;
  await deps.store.write(workspace, (tx) => tx.putComplianceSnapshot(snapshotOf(workspace, now, report)));
  return true;
}

/** The snapshots since `since` and the current report, with the change over the period. */
export async function complianceTrend(
  deps: Pick<CoreDeps, 'store'>,
  workspace: string,
  since: string,
  now: string,
  current: WorkspaceReport,
): Promise<ComplianceTrend> {
  const from = new Date(since).toISOString();
  const kept = (await deps.store.reader.complianceSnapshots(workspace, from, 10_000)).filter(
    (s) => s.at < now,
  );
  const step = Math.max(1, Math.ceil(kept.length / (TREND_POINTS - 1)));
  const thinned = kept.filter((_, i) => i % step === 0);
  const cur = pointOf(snapshotOf(workspace, now, current));
  const first = kept[0];
  return {
    since: from,
    points: [...thinned.map(pointOf), cur],
    change: first
      ? {
          complianceRate: round(cur.complianceRate - first.complianceRate, 4),
          meanScore: round(cur.meanScore - first.meanScore, 2),
          errors: cur.errors - first.errors,
          warnings: cur.warnings - first.warnings,
        }
      : null,
  };
}

/**
 * A report as the tools, the compliance resource and the review prompt serve it: from the result
 * cache until a change drops it, a whole-workspace one also kept as a snapshot.
 */
export async function servedReport(
  deps: Pick<CoreDeps, 'store' | 'clock'> & { config: Pick<ConfigService, 'effective'>; cache: ResultCache },
  cmd: ComplianceCommand,
): Promise<ComplianceReport> {
  const now = deps.clock.now();
  const key = `compliance ${cmd.scope} ${cmd.id ?? ''} ${cmd.limit}`;
  const report = await deps.cache.get(cmd.workspace, key, now, () => complianceReport(deps, cmd));
  if (cmd.scope === 'workspace') await recordSnapshot(deps, cmd.workspace, now, report);
  return report;
}
