/**
 * The periodic reconcile: once a period, every workspace with GitHub mapping rows is reconciled
 * (what webhooks missed applied as drift, as reconcile_github_sync does), once across every process
 * over the store. Each workspace's reconcile of a period is a durable job whose id is derived from
 * the workspace and the period's start, so the store's create decides: the first process to queue
 * it wins and every other create of that period is refused, whether the job is still queued, running
 * or already done. Any runner then claims it under the job lease, and one whose holder died is taken
 * over like any other job. A workspace whose previous reconcile is still active skips the period.
 *
 * The reconcile runs as the server itself (a system actor, with the server's own GitHub access), and
 * its writes are audited like the tool's: `github.drift` records under that actor, correlated with
 * the job id.
 */
import { createHash } from 'node:crypto';
import type { GovernanceConfig } from '../config/schema.js';
import type { Actor } from '../model/audit.js';
import type { Job, JsonValue } from '../model/job.js';
import type { Caller } from '../ports/caller.js';
import { reconcileGitHub } from './github-reconcile.js';
import type { SyncDeps } from './github-sync.js';
import { resumeJobs, type StepDef } from './job-runner.js';
import { runWrite } from './write-scope.js';

export const GITHUB_RECONCILE = 'github.reconcile';

/**
 * Who the periodic reconcile acts as. Its GitHub access is the server's own (GITHUB_TOKEN or the
 * GitHub App), or the GF_GITHUB_TOKENS entry for this id when the deployment maps one.
 */
export const RECONCILE_ACTOR: Actor = {
  type: 'system',
  id: 'system:reconcile',
  name: 'periodic GitHub reconcile',
};

export interface ReconcileScheduleDeps extends SyncDeps {
  config: { effective(workspace: string): Promise<{ config: Pick<GovernanceConfig, 'labels'> }> };
}

/** What a reconcile job stores as its step's result: counts only. */
export interface ReconcileJobResult {
  compared: number;
  differences: number;
  applied: number;
  pendingLocal: number;
  missing: number;
}

const STEPS = [{ key: 'reconcile', title: 'Reconcile with GitHub' }] as const;

/** Every known workspace; the same bound the audit checkpoints use. */
const MAX_WORKSPACES = 100_000;

export const reconcileCaller = (jobId: string): Caller => ({
  actor: RECONCILE_ACTOR,
  client: null,
  tool: null,
  correlationId: jobId,
});

/** The start of the period `now` falls in (periods are aligned on the epoch, so every process agrees). */
export function periodStart(now: string, intervalMs: number): string {
  const t = Date.parse(now);
  return new Date(t - (t % intervalMs)).toISOString();
}

/**
 * The id of `workspace`'s reconcile job for the period starting at `start`: the same in every
 * process. Shaped like other job ids (the time, then a suffix), so it sorts with them by period.
 */
export function reconcileJobId(workspace: string, start: string): string {
  const digest = createHash('sha256').update(`${GITHUB_RECONCILE}\n${workspace}`).digest('hex');
  return `J-${start.replace(/[-:.TZ]/g, '')}-${digest.slice(0, 16)}`;
}

/** The step table of a reconcile job; the same in every process, so any runner can resume one. */
export function reconcileSteps(deps: ReconcileScheduleDeps): StepDef[] {
  return [
    {
      ...STEPS[0],
      // Runs again from the start after a runner died in it: what was applied is no difference any more.
      async run({ job }) {
        const { config } = await deps.config.effective(job.workspace);
        const r = await reconcileGitHub(deps, reconcileCaller(job.id), job.workspace, config, {
          dryRun: false,
        });
        const result: ReconcileJobResult = {
          compared: r.compared,
          differences: r.differences.length,
          applied: r.applied.length,
          pendingLocal: r.pendingLocal.length,
          missing: r.missing.length,
        };
        return result as unknown as JsonValue;
      },
    },
  ];
}

/**
 * Queues this period's reconcile of every workspace that has mapping rows and none yet (audited
 * `job.created`). Returns the jobs this call queued; a workspace that fails is reported to
 * `onError` and the others go on.
 */
export async function queueDueReconciles(
  deps: ReconcileScheduleDeps,
  intervalMs: number,
  onError: (workspace: string, err: unknown) => void = () => undefined,
): Promise<Job[]> {
  const now = deps.clock.now();
  const start = periodStart(now, intervalMs);
  const queued: Job[] = [];
  for (const workspace of await deps.store.reader.listWorkspaces(MAX_WORKSPACES)) {
    try {
      const id = reconcileJobId(workspace, start);
      // Queued by this or another process already this period (or done): nothing to do.
      if (await deps.store.jobs.get(id)) continue;
      if ((await deps.store.reader.issueMappings(workspace)).size === 0) continue;
      const created = await deps.store.jobs.create({
        id,
        workspace,
        kind: GITHUB_RECONCILE,
        input: { period: start, intervalMs },
        steps: STEPS,
        createdBy: RECONCILE_ACTOR.id,
        now,
      });
      // Refused: another process queued it first, or the previous period's is still active.
      if (!created.created) continue;
      const { job } = created;
      await runWrite(deps, reconcileCaller(job.id), workspace, (w) =>
        w.audit({
          entityType: 'job',
          entityId: job.id,
          action: 'job.created',
          diff: { kind: { old: null, new: job.kind }, status: { old: null, new: job.status } },
        }),
      );
      queued.push(job);
    } catch (err) {
      onError(workspace, err);
    }
  }
  return queued;
}

/**
 * Runs the reconcile jobs no live runner holds (this period's queued ones, and any whose holder
 * died) to their end under `runner`'s lease. Returns the jobs this runner finished.
 */
export function runQueuedReconciles(
  deps: ReconcileScheduleDeps,
  runner: { owner: string; leaseMs: number },
): Promise<Job[]> {
  return resumeJobs(deps, GITHUB_RECONCILE, reconcileSteps(deps), {
    owner: runner.owner,
    leaseMs: runner.leaseMs,
  });
}
