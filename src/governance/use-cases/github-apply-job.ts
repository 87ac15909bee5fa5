/**
 * apply_github_sync as a durable job: its three steps (check the plan, write, read back) are
 * stored with the job, so a process that dies mid-run is taken over by another runner once its lease
 * expires and the work resumes where it stopped. The write step plans afresh each time it runs: the
 * mapping rows and markers of what an earlier run wrote make the new plan exactly the rest.
 *
 * The job carries the caller that started it, so what a resumed run writes is audited under the
 * same actor and correlation id.
 */
import { DomainError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { isActiveJob, type Job, type JobProgress, type JsonValue } from '../model/job.js';
import type { Actor } from '../model/audit.js';
import type { Caller } from '../ports/caller.js';
import {
  assertApplicable,
  assertWithinLimits,
  finishSync,
  planGitHubSync,
  requireGitHub,
  summarizePlan,
  writePlanned,
  type PlanSummary,
  type ReadBack,
  type SyncConfig,
  type SyncDeps,
} from './github-sync.js';
import { runJob, type StepDef } from './job-runner.js';
import { startJob } from './job-control.js';

export const GITHUB_APPLY = 'github.apply';

/** The runner of this process: its lease owner name and lease length. */
export interface JobRunnerInfo {
  owner: string;
  leaseMs: number;
}

export interface ApplyJobDeps extends SyncDeps {
  config: { effective(workspace: string): Promise<{ config: SyncConfig }> };
}

/** How many issues of each kind a job's stored result lists (its counts are complete). */
const KEPT = 200;

interface ApplyInput {
  workspace: string;
  planId: string;
  caller: { actor: Actor; client: Caller['client']; tool: string | null; correlationId: string };
}

type Issue = { itemId: string; number: number };

/** What the write step stores (checkpointed after every issue, so a resumed run keeps it). */
export interface WriteResult {
  created: Issue[];
  recovered: Issue[];
  updated: (Issue & { fields: string[] })[];
  counts: { created: number; recovered: number; adopted: number; updated: number };
  writes: number;
}

export interface ApplyOutcome {
  plan: PlanSummary;
  write: WriteResult;
  readBack: ReadBack;
}

const STEPS = [
  { key: 'check', title: 'Check the plan is still current' },
  { key: 'write', title: 'Write to GitHub' },
  { key: 'readback', title: 'Read GitHub back' },
] as const;

const inputOf = (job: Job): ApplyInput => job.input as unknown as ApplyInput;

const callerOf = (job: Job): Caller => {
  const c = inputOf(job).caller;
  return { actor: c.actor, client: c.client, tool: c.tool, correlationId: c.correlationId };
};

const emptyWrite = (): WriteResult => ({
  created: [],
  recovered: [],
  updated: [],
  counts: { created: 0, recovered: 0, adopted: 0, updated: 0 },
  writes: 0,
});

const json = (v: unknown): JsonValue => v as JsonValue;

/** The step table of a github.apply job; the same in every process, so any runner can resume one. */
export function githubApplySteps(deps: ApplyJobDeps): StepDef[] {
  const configOf = async (job: Job) => (await deps.config.effective(job.workspace)).config;
  return [
    {
      ...STEPS[0],
      async run({ job }) {
        const planned = await planGitHubSync(deps, job.workspace, await configOf(job), callerOf(job));
        assertApplicable(planned, inputOf(job).planId, job.workspace);
        return json(summarizePlan(planned));
      },
    },
    {
      ...STEPS[1],
      async run({ job, previous, checkpoint, progress, signal }) {
        const caller = callerOf(job);
        // An earlier run that died here left what it had written; the fresh plan is the rest.
        const acc: WriteResult = (previous as unknown as WriteResult | null) ?? emptyWrite();
        const planned = await planGitHubSync(deps, job.workspace, await configOf(job), caller);
        assertWithinLimits(planned);
        const writesBefore = acc.writes;
        const applied = await writePlanned(deps, caller, planned, {
          signal,
          progress: (done, total, message) => progress(done, total, message),
          onIssue: async (how, issue) => {
            acc.counts[how]++;
            if (how !== 'adopted' && acc[how].length < KEPT) acc[how].push(issue);
            acc.writes = writesBefore + planned.session.requests.writes;
            await checkpoint(json(acc));
          },
        });
        for (const u of applied.updated) if (acc.updated.length < KEPT) acc.updated.push(u);
        acc.counts.updated += applied.updated.length;
        acc.writes = writesBefore + planned.session.requests.writes;
        return json(acc);
      },
    },
    {
      ...STEPS[2],
      async run({ job, results }) {
        const write = results.write as unknown as WriteResult;
        const back = await finishSync(deps, callerOf(job), job.workspace, await configOf(job), {
          planId: inputOf(job).planId,
          totals: {
            created: write.counts.created,
            recovered: write.counts.recovered,
            updated: write.updated.map((u) => `${u.itemId}: ${u.fields.join(', ')}`),
            writes: write.writes,
          },
        });
        return json({ ...back, unapplied: back.unapplied.slice(0, KEPT) });
      },
    },
  ];
}

/** Queues an apply of `planId` (audited); JOB.ACTIVE while another apply of the workspace is active. */
export async function startGitHubApply(
  deps: ApplyJobDeps,
  caller: Caller,
  cmd: { workspace: string; planId: string },
): Promise<Job> {
  requireGitHub(deps);
  const input: ApplyInput = {
    workspace: cmd.workspace,
    planId: cmd.planId,
    caller: {
      actor: caller.actor,
      client: caller.client,
      tool: caller.tool,
      correlationId: caller.correlationId,
    },
  };
  return startJob(deps, caller, {
    workspace: cmd.workspace,
    kind: GITHUB_APPLY,
    input: json(input),
    steps: STEPS,
  });
}

export interface FollowOptions {
  onProgress?: (p: JobProgress) => void;
  signal?: AbortSignal;
  /** How often a job another runner holds is looked at. Default 250 ms. */
  pollMs?: number;
}

/**
 * Runs a queued apply here and now; if another runner took it first, follows it in the store until
 * it ends. A cancelled `signal` (the client gave up on the call) asks the job to stop.
 */
export async function runGitHubApply(
  deps: ApplyJobDeps,
  runner: JobRunnerInfo,
  job: Job,
  opts: FollowOptions = {},
): Promise<Job> {
  const onAbort = () => void deps.store.jobs.requestCancel(job.id, deps.clock.now()).catch(() => undefined);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const now = deps.clock.now();
    const claimed = await deps.store.jobs.claim({
      owner: runner.owner,
      now,
      leaseUntil: new Date(Date.parse(now) + runner.leaseMs).toISOString(),
      id: job.id,
    });
    if (claimed) {
      return await runJob(deps, claimed, githubApplySteps(deps), {
        owner: runner.owner,
        leaseMs: runner.leaseMs,
        caller: callerOf(claimed),
        ...(opts.onProgress && { onProgress: opts.onProgress }),
      }).catch(async (e: unknown) => {
        // Lost to another runner midway: it finishes the job; follow it.
        if (e instanceof DomainError && e.code === 'JOB.LEASE_LOST') return follow(deps, job.id, opts);
        throw e;
      });
    }
    return await follow(deps, job.id, opts);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

async function follow(deps: ApplyJobDeps, id: string, opts: FollowOptions): Promise<Job> {
  let last = '';
  for (;;) {
    const job = await deps.store.jobs.get(id);
    if (!job) throw new DomainError('JOB.NOT_FOUND', `No job ${id}.`, 'List the jobs with list_jobs.');
    const seen = JSON.stringify(job.progress);
    if (seen !== last) {
      last = seen;
      opts.onProgress?.(job.progress);
    }
    if (!isActiveJob(job.status)) return job;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}

/** A finished apply's outcome; its error (JOB.CANCELLED for a cancelled one) when it did not succeed. */
export function applyOutcome(job: Job): ApplyOutcome {
  if (job.status === 'succeeded') {
    const result = (key: string) => job.steps.find((s) => s.key === key)?.result;
    return {
      plan: result('check') as unknown as PlanSummary,
      write: (result('write') as unknown as WriteResult | undefined) ?? emptyWrite(),
      readBack: result('readback') as unknown as ReadBack,
    };
  }
  const e = job.error;
  if (job.status === 'cancelled')
    throw new DomainError(
      'JOB.CANCELLED',
      `Job ${job.id} was cancelled${e ? `: ${e.message}` : ''}.`,
      'What its finished steps wrote stays; plan again and apply to finish the sync.',
      { jobId: job.id },
    );
  if (job.status === 'failed' && e) {
    const code = (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as ErrorCode) : 'INTERNAL';
    throw new DomainError(code, e.message, e.hint, { jobId: job.id });
  }
  throw new DomainError(
    'JOB.ACTIVE',
    `Job ${job.id} is still ${job.status}.`,
    `Follow it with get_job (jobId ${job.id}).`,
    { jobId: job.id },
  );
}
