/**
 * Automatic remediation of compliance findings (compliance/remediation.ts says which): a dry run
 * (the default) lists what would change per item; applying re-plans each item inside one write
 * from its current state, so a change made since the dry run is neither lost nor duplicated, and
 * audits each item as `item.remediated` with the actions taken.
 */
import { buildPolicy } from '../compliance/policy.js';
import {
  REMEDIABLE_RULES,
  planRemediation,
  type ItemRemediation,
  type RemediableRule,
} from '../compliance/remediation.js';
import { DomainError } from '../errors.js';
import type { Milestone } from '../model/milestone.js';
import type { WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreReader } from '../ports/store.js';
import { complianceReport, type ComplianceScope } from './compliance-report.js';
import type { ConfigService } from './config-service.js';
import { updateItemAt } from './store-writes.js';
import { runWrite } from './write-scope.js';

export interface RemediateCommand {
  workspace: string;
  scope: ComplianceScope;
  id?: string;
  /** Only these rules; absent: every remediable rule. */
  rules?: readonly RemediableRule[];
  dryRun: boolean;
  /** Items listed in the result (all are remediated). */
  limit: number;
  onProgress?: (done: number, total?: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface RemediateResult {
  dryRun: boolean;
  /** Items with something to change or to do by hand, at most `limit`. */
  items: ItemRemediation[];
  /** Items changed (or, in a dry run, that would be). */
  changed: number;
  actions: number;
  manual: number;
  byRule: Record<string, number>;
}

const byTitle = (ms: readonly Milestone[]) => new Map(ms.map((m) => [m.title.toLowerCase(), m]));

/** Remediates `cmd`'s findings; a dry run (which needs no caller) only plans. */
export async function remediate(
  deps: CoreDeps & { config: Pick<ConfigService, 'effective'> },
  caller: Caller | null,
  cmd: RemediateCommand,
): Promise<RemediateResult> {
  const wanted = new Set<string>(cmd.rules ?? REMEDIABLE_RULES);
  const report = await complianceReport(deps, {
    workspace: cmd.workspace,
    scope: cmd.scope,
    ...(cmd.id !== undefined && { id: cmd.id }),
    limit: Number.MAX_SAFE_INTEGER,
    ...(cmd.onProgress && { onProgress: cmd.onProgress }),
    ...(cmd.signal && { signal: cmd.signal }),
  });
  const findings = new Map<string, Set<string>>();
  for (const r of report.items) {
    const rules = new Set(r.violations.map((v) => v.rule as string).filter((x) => wanted.has(x)));
    if (rules.size > 0) findings.set(r.itemId, rules);
  }
  const { config } = await deps.config.effective(cmd.workspace);
  const policy = buildPolicy(config, deps.clock.now().slice(0, 10));
  const plan = async (
    r: Pick<StoreReader, 'getItem' | 'listMilestones'>,
    write?: (i: WorkItem, p: ItemRemediation) => Promise<void>,
  ) => {
    const milestones = byTitle(await r.listMilestones(cmd.workspace));
    const out: ItemRemediation[] = [];
    for (const [id, rules] of findings) {
      const item = await r.getItem(cmd.workspace, id);
      if (!item) continue;
      const p = planRemediation(item, rules, policy, milestones);
      if (p.actions.length === 0 && p.manual.length === 0) continue;
      if (write && p.actions.length > 0) await write(item, p);
      out.push(p);
    }
    return out;
  };
  const summary = (items: ItemRemediation[]): RemediateResult => {
    const byRule: Record<string, number> = {};
    for (const p of items) for (const a of p.actions) byRule[a.rule] = (byRule[a.rule] ?? 0) + 1;
    return {
      dryRun: cmd.dryRun,
      items: items.slice(0, cmd.limit),
      changed: items.filter((p) => p.actions.length > 0).length,
      actions: items.reduce((n, p) => n + p.actions.length, 0),
      manual: items.reduce((n, p) => n + p.manual.length, 0),
      byRule,
    };
  };
  if (cmd.dryRun || findings.size === 0) return summary(await plan(deps.store.reader));
  if (caller === null)
    throw new DomainError('INTERNAL', 'A remediation that writes needs its caller', 'Pass the caller.');
  return runWrite(deps, caller, cmd.workspace, async (s) =>
    summary(
      await plan(s.tx, async (item, p) => {
        const next: WorkItem = { ...item, ...p.patch, updatedAt: s.now, version: item.version + 1 };
        await updateItemAt(s.tx, next, item.version);
        const diff: Record<string, { old: unknown; new: unknown }> = {};
        for (const k of Object.keys(p.patch) as (keyof ItemRemediation['patch'])[])
          diff[k] = { old: item[k], new: next[k] };
        p.version = next.version;
        await s.audit({
          entityType: 'item',
          entityId: item.id,
          action: 'item.remediated',
          diff,
          reason: `remediate: ${p.actions.map((a) => `${a.rule}: ${a.detail}`).join('; ')}`.slice(0, 1000),
        });
        await s.emit('issue.updated', { id: item.id, changed: Object.keys(diff) });
      }),
    ),
  );
}
