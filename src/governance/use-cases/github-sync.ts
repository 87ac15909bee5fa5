/**
 * Planning and applying a workspace's GitHub sync. The plan is the diff between the hierarchy under
 * its policy and what the repository holds; its id is a digest of both, so an apply refuses a plan
 * made before GitHub or the hierarchy changed. Applying writes the mapping row and an audit record
 * for every issue as soon as it exists (a run that dies resumes without making it again), then one
 * summary record for the run.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../errors.js';
import { applySyncPlan, type SyncApplied } from '../github-sync/apply.js';
import { desiredState, managedAssignees, type DesiredState } from '../github-sync/desired.js';
import { withRegisteredLabels } from './agent-registry.js';
import { diffSync, type SyncPlan } from '../github-sync/diff.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import type { GovernanceConfig } from '../config/schema.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { IssueTracker, TrackerSession } from '../ports/issue-tracker.js';
import { allItems } from './read-items.js';
import { setSpecStage } from './spec-stage.js';
import { runWrite, type WriteScope } from './write-scope.js';

/** The policy sections the sync reads: label names and colours, and the agents' GitHub assignees. */
export type SyncConfig = Pick<GovernanceConfig, 'labels'> & Partial<Pick<GovernanceConfig, 'agents'>>;

export interface SyncDeps extends CoreDeps {
  /** Absent: GITHUB_TOKEN (or a GitHub App) is not configured. */
  github?: IssueTracker;
}

export interface PlannedSync {
  planId: string;
  desired: DesiredState;
  plan: SyncPlan;
  session: TrackerSession;
  mapping: Map<string, number>;
}

export function requireGitHub(deps: SyncDeps): IssueTracker {
  if (deps.github) return deps.github;
  throw new DomainError(
    'GITHUB.NOT_CONFIGURED',
    'GitHub access is not configured (GITHUB_TOKEN, or GITHUB_APP_ID with its key and installation, is not set)',
    'Set GITHUB_TOKEN to a token with "Issues: write" and "Metadata: read" on the repository (or configure a GitHub App) and restart the server.',
    { variable: 'GITHUB_TOKEN' },
  );
}

export async function planGitHubSync(
  deps: SyncDeps,
  workspace: string,
  config: SyncConfig,
  /** Whose GitHub access the plan reads with (a deployment may map callers to tokens). */
  caller?: Caller,
): Promise<PlannedSync> {
  assertWorkspace(workspace);
  const tracker = requireGitHub(deps);
  const [owner, repo] = workspace.split('/') as [string, string];
  const r = deps.store.reader;
  const project = await r.projectLink(workspace);
  // Registered agent services get a label too (issue 10).
  const registered = await r.agentRegistrations(workspace);
  config = withRegisteredLabels(config, registered);
  const [items, links, milestones, rows, session] = await Promise.all([
    allItems(r, workspace),
    r.listLinks(workspace),
    r.listMilestones(workspace),
    r.issueMappings(workspace),
    tracker.open(owner, repo, caller, {
      ...(project && { project }),
      assignees: managedAssignees(config, [
        ...registered.flatMap((a) => (a.fallbackAssignee ? [a.fallbackAssignee] : [])),
      ]),
    }),
  ]);
  const desired = desiredState({
    workspace,
    items,
    links,
    milestones,
    config,
    issueTypes: session.issueTypes,
  });
  const mapping = new Map([...rows].map(([itemId, m]) => [itemId, m.number]));
  const plan = diffSync(desired, session.state, mapping);
  const planId = createHash('sha256')
    .update(canonicalJson({ desired, current: session.state, mapping: [...mapping].sort() }), 'utf8')
    .digest('hex')
    .slice(0, 16);
  return { planId, desired, plan, session, mapping };
}

/** How many planned creates and updates a plan summary lists (counts are always complete). */
export const LISTED = 50;

/** A plan as the tools show it and a job stores it: counts, budget, problems, the first creates and updates. */
export function summarizePlan(p: PlannedSync) {
  const { plan, session } = p;
  return {
    planId: p.planId,
    repository: `${session.owner}/${session.repo}`,
    counts: {
      labelsToCreate: plan.labels.create.length,
      labelsToUpdate: plan.labels.update.length,
      milestonesToCreate: plan.milestones.create.length,
      milestonesToUpdate: plan.milestones.update.length,
      issuesToCreate: plan.issues.create.length,
      issuesToUpdate: plan.issues.update.length,
      issuesFoundByMarker: plan.issues.adopt.length,
      parentsToSet: plan.parents.length,
      dependenciesToAdd: plan.dependencies.add.length,
      dependenciesToRemove: plan.dependencies.remove.length,
      unmanagedIssues: plan.unmanaged,
      projectItemsToAdd: plan.project?.add.length ?? 0,
      projectValuesToSet: plan.project?.set.length ?? 0,
    },
    project: session.state.project
      ? {
          number: session.state.project.number,
          title: session.state.project.title,
          url: session.state.project.url,
          gaps: plan.project?.gaps ?? [],
        }
      : null,
    budget: { ...plan.budget, readsSoFar: session.requests.reads },
    problems: p.desired.problems.map((x) => ({ itemId: x.itemId, limit: x.limit, message: x.message })),
    creates: plan.issues.create
      .slice(0, LISTED)
      .map((i) => ({ itemId: i.itemId, title: i.title, parentId: i.parentId })),
    updates: plan.issues.update
      .slice(0, LISTED)
      .map((u) => ({ itemId: u.itemId, number: u.number, fields: [...u.fields] })),
  };
}

export type PlanSummary = ReturnType<typeof summarizePlan>;

/** Refuses a plan made before GitHub or the hierarchy changed, and one that breaks GitHub's limits. */
export function assertApplicable(planned: PlannedSync, planId: string, workspace: string): void {
  if (planned.planId !== planId) {
    throw new DomainError(
      'SYNC.PLAN_STALE',
      `GitHub or the hierarchy of ${workspace} changed since plan ${planId.slice(0, 16)}`,
      `Call plan_github_sync again and apply its new plan id (${planned.planId}) after reviewing it.`,
      { planId, currentPlanId: planned.planId },
    );
  }
  assertWithinLimits(planned);
}

export function assertWithinLimits(planned: PlannedSync): void {
  if (planned.desired.problems.length > 0) {
    throw new DomainError(
      'SYNC.LIMIT',
      `The hierarchy breaks ${planned.desired.problems.length} of GitHub's limits; nothing was written`,
      'Fix each item in details.problems (shorten the description, split the parent) and plan again.',
      { problems: planned.desired.problems.slice(0, 20) },
    );
  }
}

export interface WriteOptions {
  progress?: (done: number, total: number, message: string) => Promise<void>;
  /** Told of each issue made or found once its mapping row and audit record are stored. */
  onIssue?: (
    how: 'created' | 'recovered' | 'adopted',
    issue: { itemId: string; number: number },
  ) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Writes a plan to GitHub: the mapping row and an audit record for every issue as soon as it
 * exists, so a run that dies resumes (from a fresh plan) without making it again.
 */
export async function writePlanned(
  deps: SyncDeps,
  caller: Caller,
  planned: PlannedSync,
  opts: WriteOptions = {},
): Promise<SyncApplied> {
  const { session, desired, plan, mapping } = planned;
  const workspace = desired.workspace;
  const repository = `${session.owner}/${session.repo}`;
  const created = new Set(plan.issues.create.map((i) => i.itemId));
  return applySyncPlan(session, desired, plan, mapping, {
    onMapped: async (itemId, ref, how) => {
      await runWrite(deps, caller, workspace, async (s) => {
        await s.tx.putIssueMapping({
          workspace,
          itemId,
          repository,
          number: ref.number,
          issueId: ref.id,
          nodeId: ref.nodeId,
          syncedAt: s.now,
        });
        await s.audit({
          entityType: 'github',
          entityId: itemId,
          action: created.has(itemId) ? 'github.issue_created' : 'github.issue_linked',
          diff: { issue: { old: null, new: `${repository}#${ref.number}` } },
        });
      });
      await opts.onIssue?.(how, { itemId, number: ref.number });
    },
    ...(opts.progress && { progress: opts.progress }),
    ...(opts.signal && { signal: opts.signal }),
  });
}

export interface ReadBack {
  /**
   * What GitHub still does not hold as written, such as a type, label, milestone or assignee it
   * dropped without an error (no permission for it, or a field it ignores).
   */
  unapplied: { itemId: string; number: number; fields: string[] }[];
  /** Writes a new plan would still make (0 when GitHub took everything). */
  remainingWrites: number;
  reads: number;
}

export interface SyncTotals {
  created: number;
  recovered: number;
  updated: string[];
  writes: number;
}

/**
 * After the writes: reads the repository back, records the run (github.synced audit record and
 * event) and the specs' github_generation stage, and reports what GitHub did not keep.
 */
export async function finishSync(
  deps: SyncDeps,
  caller: Caller,
  workspace: string,
  config: SyncConfig,
  run: { planId: string; totals: SyncTotals },
): Promise<ReadBack> {
  const after = await planGitHubSync(deps, workspace, config, caller);
  const repository = `${after.session.owner}/${after.session.repo}`;
  const unapplied = after.plan.issues.update.map((u) => ({
    itemId: u.itemId,
    number: u.number,
    fields: [...u.fields] as string[],
  }));
  // What the Project still does not show: the item itself, or a field's value.
  const byItem = new Map(unapplied.map((u) => [u.itemId, u]));
  const project = after.plan.project;
  const onProject = (itemId: string, field: string) => {
    const number = after.mapping.get(itemId);
    if (number === undefined) return;
    let u = byItem.get(itemId);
    if (!u) byItem.set(itemId, (u = { itemId, number, fields: [] }));
    if (!unapplied.includes(u)) unapplied.push(u);
    u.fields.push(field);
  };
  for (const itemId of project?.add ?? []) onProject(itemId, 'project:item');
  for (const c of project?.set ?? []) onProject(c.itemId, `project:${c.field}`);
  const { totals } = run;
  await runWrite(deps, caller, workspace, async (s) => {
    await markSpecsOnGitHub(s, caller, repository);
    await s.audit({
      entityType: 'github',
      entityId: repository,
      action: 'github.synced',
      diff: {
        plan: { old: null, new: run.planId },
        created: { old: null, new: totals.created },
        recovered: { old: null, new: totals.recovered },
        updated: { old: null, new: totals.updated.slice(0, 100) },
        writes: { old: null, new: totals.writes },
        unapplied: {
          old: null,
          new: unapplied.slice(0, 100).map((u) => `${u.itemId}: ${u.fields.join(', ')}`),
        },
      },
    });
    await s.emit('github.synced', {
      repository,
      planId: run.planId,
      created: totals.created + totals.recovered,
      updated: totals.updated.length,
    });
  });
  return {
    unapplied,
    remainingWrites: after.plan.budget.contentCreating,
    reads: after.session.requests.reads,
  };
}

export interface ApplySyncCommand {
  workspace: string;
  planId: string;
  config: SyncConfig;
  progress?: (done: number, total: number, message: string) => Promise<void>;
}

export interface AppliedSync extends ReadBack {
  planned: PlannedSync;
  applied: SyncApplied;
}

/** Plan, check, write and read back in one call, without a job (the job runs these as its steps). */
export async function applyGitHubSync(
  deps: SyncDeps,
  caller: Caller,
  cmd: ApplySyncCommand,
): Promise<AppliedSync> {
  const planned = await planGitHubSync(deps, cmd.workspace, cmd.config, caller);
  assertApplicable(planned, cmd.planId, cmd.workspace);
  const applied = await writePlanned(deps, caller, planned, cmd.progress ? { progress: cmd.progress } : {});
  const back = await finishSync(deps, caller, cmd.workspace, cmd.config, {
    planId: cmd.planId,
    totals: {
      created: applied.created.length,
      recovered: applied.recovered.length,
      updated: applied.updated.map((u) => `${u.itemId}: ${u.fields.join(', ')}`),
      writes: planned.session.requests.writes,
    },
  });
  return { planned, applied, ...back };
}

/** Each stored spec's `github_generation` stage: done once every item its latest version wrote has an issue. */
async function markSpecsOnGitHub(s: WriteScope, caller: Caller, repository: string): Promise<void> {
  const mapped = await s.tx.issueMappings(s.workspace);
  for (let after: string | undefined; ;) {
    const page = await s.tx.listSpecs(s.workspace, { limit: 100, ...(after !== undefined && { after }) });
    for (const summary of page) {
      const spec = await s.tx.getSpec(s.workspace, summary.specId);
      if (!spec) continue;
      const on = spec.items.filter((i) => mapped.has(i.id)).length;
      const total = spec.items.length;
      await setSpecStage(s, caller, {
        workspace: s.workspace,
        specId: spec.specId,
        stage: 'github_generation',
        update: {
          state: on === total ? 'done' : 'running',
          detail: `${on} of ${total} item(s) on GitHub (${repository})`,
          counts: { onGitHub: on, items: total },
        },
      });
    }
    if (page.length < 100) return;
    after = page.at(-1)!.specId;
  }
}
