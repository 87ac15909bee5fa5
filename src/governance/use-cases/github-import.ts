/**
 * import_github_issues: a repository's issues and sub-issue trees into the workspace's hierarchy,
 * through the plan applier (one transaction, rules and audit included), then one mapping row per
 * imported issue, so the sync treats them as this workspace's from then on. Importing again finds
 * the items the last import wrote (by their `github:gh-N` source) and creates nothing.
 */
import { DomainError } from '../errors.js';
import type { GovernanceConfig } from '../config/schema.js';
import { importPlan, planIdOf, type GitHubImportPlan } from '../github-sync/import-plan.js';
import { assertWorkspace } from '../model/workspace.js';
import type { ItemType } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import { applyPlan, type ApplyReport } from './apply-plan.js';
import { requireGitHub, type SyncDeps } from './github-sync.js';
import { runWrite } from './write-scope.js';

export interface ImportGitHubCommand {
  workspace: string;
  dryRun: boolean;
  /** Issue number -> type, over whatever the issue's type, labels or tree say. */
  types?: Readonly<Record<string, ItemType>>;
}

export interface ImportGitHubResult {
  plan: GitHubImportPlan;
  report: ApplyReport;
  /** Mapping rows written (0 for a dry run). */
  mapped: number;
}

export async function importGitHubIssues(
  deps: SyncDeps,
  caller: Caller,
  config: Pick<GovernanceConfig, 'labels'>,
  cmd: ImportGitHubCommand,
): Promise<ImportGitHubResult> {
  assertWorkspace(cmd.workspace);
  const tracker = requireGitHub(deps);
  const [owner, repo] = cmd.workspace.split('/') as [string, string];
  const [session, rows] = await Promise.all([
    tracker.open(owner, repo, caller),
    deps.store.reader.issueMappings(cmd.workspace),
  ]);
  const numbers = new Set(session.state.issues.map((i) => i.number));
  const explicit = new Map<number, ItemType>();
  for (const [key, type] of Object.entries(cmd.types ?? {})) {
    const n = Number(key);
    if (!Number.isInteger(n) || !numbers.has(n))
      throw new DomainError(
        'INPUT.INVALID',
        `types names issue ${key.slice(0, 20)}, which ${cmd.workspace} does not have`,
        'Give the numbers of issues the repository holds, e.g. { "12": "epic" }.',
        { issue: key.slice(0, 20) },
      );
    explicit.set(n, type);
  }
  const mappedNumbers = new Set([...rows.values()].map((m) => m.number));
  const plan = importPlan(cmd.workspace, session.state.issues, mappedNumbers, config, explicit);
  const report = await applyPlan(deps, caller, {
    workspace: cmd.workspace,
    plan: plan.plan,
    origin: 'github',
    dryRun: cmd.dryRun,
  });
  if (cmd.dryRun) return { plan, report, mapped: 0 };
  // Every imported issue's item, created now or by an earlier import, gets its mapping row.
  const itemOf = new Map<string, string>();
  for (const c of report.created) if (c.id) itemOf.set(c.planId, c.id);
  for (const u of report.updated) itemOf.set(u.planId, u.id);
  const stored = await deps.store.reader.findItemsBySourceRefs(
    cmd.workspace,
    plan.decisions.map((d) => `github:${d.planId}`),
  );
  for (const item of stored) if (item.sourceRef) itemOf.set(item.sourceRef.replace(/^github:/, ''), item.id);
  const issueOf = new Map(session.state.issues.map((i) => [planIdOf(i.number), i]));
  const repository = `${owner}/${repo}`;
  let mapped = 0;
  const todo = plan.decisions.filter((d) => itemOf.has(d.planId) && !mappedNumbers.has(d.number));
  if (todo.length > 0)
    await runWrite(deps, caller, cmd.workspace, async (s) => {
      for (const d of todo) {
        const i = issueOf.get(d.planId)!;
        const itemId = itemOf.get(d.planId)!;
        await s.tx.putIssueMapping({
          workspace: cmd.workspace,
          itemId,
          repository,
          number: i.number,
          issueId: i.id,
          nodeId: i.nodeId,
          syncedAt: s.now,
        });
        await s.audit({
          entityType: 'github',
          entityId: itemId,
          action: 'github.issue_linked',
          diff: { issue: { old: null, new: `${repository}#${i.number}` } },
          reason: `imported from GitHub (${d.rule})`,
        });
        mapped++;
      }
    });
  return { plan, report, mapped };
}
