import { DomainError } from '../errors.js';
import type { Job, JsonValue } from '../model/job.js';
import type { Caller } from '../ports/caller.js';
import { runJob, type JobDeps, type StepDef } from './job-runner.js';
import { runWrite } from './write-scope.js';
import { assertWorkspace } from '../model/workspace.js';

export interface StartJob {
  workspace: string;
  kind: string;
  input: JsonValue;
  steps: readonly Pick<StepDef, 'key' | 'title'>[];
}

/** Ids sort in creation order (list pages by id): the time, then randomness against collisions. */
const jobId = (now: string): string =>
  `J-${now.replace(/[-:.TZ]/g, '')}-${globalThis.crypto.randomUUID().slice(0, 8)}`;

/** Queues a job (audited); refused with JOB.ACTIVE while one of its kind is active in the workspace. */
export async function startJob(deps: JobDeps, caller: Caller, req: StartJob): Promise<Job> {
  assertWorkspace(req.workspace);
  const now = deps.clock.now();
  const created = await deps.store.jobs.create({
    id: jobId(now),
    workspace: req.workspace,
    kind: req.kind,
    input: req.input,
    steps: req.steps.map((s) => ({ key: s.key, title: s.title })),
    createdBy: caller.actor.id,
    now,
  });
  if (!created.created) {
    const activeId = created.active?.id ?? null;
    throw new DomainError(
      'JOB.ACTIVE',
      `A ${req.kind} job is already active in ${req.workspace}.`,
      activeId
        ? `Follow job ${activeId} with get_job, or cancel it with cancel_job, then start again.`
        : 'The active job just ended: start again.',
      { jobId: activeId },
    );
  }
  const { job } = created;
  await runWrite(deps, caller, job.workspace, (w) =>
    w.audit({
      entityType: 'job',
      entityId: job.id,
      action: 'job.created',
      diff: { kind: { old: null, new: job.kind }, status: { old: null, new: job.status } },
    }),
  );
  return job;
}

/**
 * Asks a job to stop. A job no live runner holds (queued, or its holder's lease expired) is taken
 * and ended `cancelled` here; a held one is stopped by its runner at its next heartbeat.
 */
export async function cancelJob(
  deps: JobDeps,
  caller: Caller,
  id: string,
  opts: { owner: string; leaseMs?: number },
): Promise<Job> {
  const flagged = await deps.store.jobs.requestCancel(id, deps.clock.now());
  if (!flagged)
    throw new DomainError('JOB.NOT_FOUND', `No job ${id}.`, "List the workspace's jobs with list_jobs.", {
      jobId: id,
    });
  if (flagged.status !== 'queued' && flagged.status !== 'running') return flagged;
  const now = deps.clock.now();
  const leaseUntil = new Date(Date.parse(now) + (opts.leaseMs ?? 30_000)).toISOString();
  const claimed = await deps.store.jobs.claim({ owner: opts.owner, now, leaseUntil, id });
  if (!claimed) return flagged;
  const noSteps: readonly StepDef[] = [];
  return runJob(deps, claimed, noSteps, { ...opts, caller });
}

/** The job `id` of `workspace`; JOB.NOT_FOUND for an unknown id or one of another workspace. */
export async function getWorkspaceJob(
  deps: Pick<JobDeps, 'store'>,
  workspace: string,
  id: string,
): Promise<Job> {
  const job = await deps.store.jobs.get(id);
  if (job && job.workspace === workspace) return job;
  throw new DomainError(
    'JOB.NOT_FOUND',
    `No job ${id.slice(0, 100)} in ${workspace}.`,
    "List the workspace's jobs with list_jobs.",
    {
      jobId: id,
    },
  );
}
