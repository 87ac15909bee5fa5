import { DomainError, isDomainError } from '../errors.js';
import type { Job, JobError, JobProgress, JobStep, JsonValue } from '../model/job.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { Held } from '../ports/store-jobs.js';
import { runWrite } from './write-scope.js';

export interface StepContext {
  job: Job;
  input: JsonValue;
  /** What this step stored before the run that died in it (null on a first run). */
  previous: JsonValue;
  /** Results of the steps done so far, by key (including those done by an earlier run). */
  results: Readonly<Record<string, JsonValue>>;
  /**
   * Stores the job's progress in the step's own units (requests sent of total); once the step is
   * done the runner sets it back to steps done of steps.
   */
  progress: (done: number, total: number, message?: string) => Promise<void>;
  /** Stores a partial result now: what `previous` holds if this step has to run again. */
  checkpoint: (result: JsonValue) => Promise<void>;
  /** Fires on a cancel request or a lost lease; a step stops at its next safe point. */
  signal: AbortSignal;
}

/**
 * One step of a job's step table. A step may run again: when its runner died during it, the next
 * runner starts it over, so it must be idempotent (look before it writes, e.g. find the issue it
 * would create). Its result is stored with the job and must stay small.
 */
export interface StepDef {
  key: string;
  title: string;
  run(ctx: StepContext): Promise<JsonValue | void>;
}

export interface RunOptions {
  /** This runner's name in the lease column; unique per process. */
  owner: string;
  /** How long the lease is exclusive without renewal. Default 30 s. */
  leaseMs?: number;
  /** Lease renewal (and cancel check) interval. Default a third of the lease. */
  heartbeatMs?: number;
  /** Recorded on the job.finished/job.cancelled audit records. Default: a system actor named after owner. */
  caller?: Caller;
  /** Told of every progress this runner stores (an MCP progress notification, for one); never awaited for the lease. */
  onProgress?: (progress: JobProgress) => void;
}

export type JobDeps = Pick<CoreDeps, 'store' | 'clock' | 'bus'>;

const LEASE_MS = 30_000;

const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

const systemCaller = (owner: string, job: Job): Caller => ({
  actor: { type: 'system', id: `runner:${owner}`, name: 'job runner' },
  client: null,
  tool: null,
  correlationId: job.id,
});

const leaseLost = (job: Job) =>
  new DomainError(
    'JOB.LEASE_LOST',
    `Job ${job.id} is no longer held by this runner.`,
    'Another runner took the job over; it resumes from the last finished step. Nothing more was written here.',
    { jobId: job.id },
  );

const cancelled = (job: Job) =>
  new DomainError(
    'JOB.CANCELLED',
    `Job ${job.id} was cancelled.`,
    'Start a new job if the work is still wanted.',
    {
      jobId: job.id,
    },
  );

const toJobError = (e: unknown): JobError =>
  isDomainError(e)
    ? { code: e.code, message: e.message, hint: e.hint }
    : {
        code: 'INTERNAL',
        message: e instanceof Error ? e.message : String(e),
        hint: 'Look at the server log, then start the job again.',
      };

/**
 * Runs a job this runner has claimed, step by step. Steps already done are skipped (their results
 * are handed on); the rest run in order, each recorded running then done. A heartbeat renews the
 * lease on a real, unref'd timer and before each step; a cancel request aborts `signal` and ends the
 * job `cancelled`, a failing step ends it `failed`. If another runner took the job over, this one
 * stops at once without writing anything more and rejects with JOB.LEASE_LOST.
 */
export async function runJob(
  deps: JobDeps,
  claimed: Job,
  steps: readonly StepDef[],
  opts: RunOptions,
): Promise<Job> {
  const { owner } = opts;
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const jobs = deps.store.jobs;
  const controller = new AbortController();
  let job = claimed;
  let lost = false;

  const held = (h: Held): Job => {
    if (!h.held) {
      lost = true;
      controller.abort(leaseLost(job));
      throw leaseLost(job);
    }
    job = h.job;
    if (job.cancelRequested && !controller.signal.aborted) controller.abort(cancelled(job));
    return job;
  };
  const beat = async () => {
    const now = deps.clock.now();
    held(await jobs.heartbeat(owner, job.id, now, plus(now, leaseMs)));
  };
  const timer = setInterval(
    () => {
      // A failed renewal is retried on the next beat; the lease outlives a few of them.
      beat().catch(() => undefined);
    },
    opts.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3)),
  );
  timer.unref();

  const finish = async (status: 'succeeded' | 'failed' | 'cancelled', error: JobError | null) => {
    // What did not run is marked skipped, including stored steps the step table no longer has.
    // Read afresh: a heartbeat answered out of order may have left `job` a step behind.
    const current = (await jobs.get(job.id)) ?? job;
    for (const s of current.steps.filter((x) => x.state === 'pending' || x.state === 'running'))
      held(await jobs.updateStep(owner, job.id, { key: s.key, state: 'skipped' }, deps.clock.now()));
    const done = held(await jobs.finish(owner, job.id, { status, error }, deps.clock.now()));
    await runWrite(deps, opts.caller ?? systemCaller(owner, job), job.workspace, (w) =>
      w.audit({
        entityType: 'job',
        entityId: job.id,
        action: status === 'cancelled' ? 'job.cancelled' : 'job.finished',
        diff: {
          status: { old: 'running', new: status },
          ...(error && { error: { old: null, new: error.code } }),
        },
      }),
    );
    return done;
  };

  try {
    // Cancelled while nobody held it: end it before any step runs.
    if (job.cancelRequested) return await finish('cancelled', toJobError(cancelled(job)));
    const results: Record<string, JsonValue> = {};
    for (const [i, def] of steps.entries()) {
      // What earlier runs left: done steps are skipped, a step that was running runs again.
      const stored = stepOf(claimed, def.key);
      if (stored?.state === 'done') {
        results[def.key] = stored.result;
        continue;
      }
      await beat();
      if (controller.signal.aborted) return await finish('cancelled', toJobError(controller.signal.reason));
      const at = deps.clock.now();
      held(
        await jobs.updateStep(
          owner,
          job.id,
          { key: def.key, title: def.title, state: 'running', startedAt: at, finishedAt: null },
          at,
        ),
      );
      let result: JsonValue;
      try {
        result =
          (await def.run({
            job,
            input: job.input,
            previous: stored?.result ?? null,
            results: { ...results },
            signal: controller.signal,
            checkpoint: async (partial) => {
              held(
                await jobs.updateStep(
                  owner,
                  job.id,
                  { key: def.key, state: 'running', result: partial },
                  deps.clock.now(),
                ),
              );
            },
            progress: async (done, total, message) => {
              const p = { done, total, message: message ?? def.title };
              held(await jobs.setProgress(owner, job.id, p, deps.clock.now()));
              opts.onProgress?.(p);
            },
          })) ?? null;
      } catch (e) {
        if (lost) throw leaseLost(job);
        const reason: unknown = controller.signal.aborted ? controller.signal.reason : e;
        const state = controller.signal.aborted ? 'skipped' : 'failed';
        const now = deps.clock.now();
        held(
          await jobs.updateStep(
            owner,
            job.id,
            { key: def.key, state, detail: toJobError(reason).message, finishedAt: now },
            now,
          ),
        );
        return await finish(controller.signal.aborted ? 'cancelled' : 'failed', toJobError(reason));
      }
      if (lost) throw leaseLost(job);
      const now = deps.clock.now();
      held(
        await jobs.updateStep(owner, job.id, { key: def.key, state: 'done', result, finishedAt: now }, now),
      );
      const p = { done: i + 1, total: steps.length, message: def.title };
      held(await jobs.setProgress(owner, job.id, p, now));
      opts.onProgress?.(p);
      results[def.key] = result;
    }
    return await finish('succeeded', null);
  } finally {
    clearInterval(timer);
  }
}

const stepOf = (job: Job, key: string): JobStep | undefined => job.steps.find((s) => s.key === key);

/**
 * What a (re)started process calls: claims queued jobs of `kind` and running ones whose holder's
 * lease expired, one at a time, and runs each to its end. A job lost to another runner midway is
 * left to it. Returns the jobs this runner finished.
 */
export async function resumeJobs(
  deps: JobDeps,
  kind: string,
  steps: readonly StepDef[],
  opts: RunOptions,
): Promise<Job[]> {
  const finished: Job[] = [];
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  for (;;) {
    const now = deps.clock.now();
    const job = await deps.store.jobs.claim({
      owner: opts.owner,
      now,
      leaseUntil: plus(now, leaseMs),
      kinds: [kind],
    });
    if (!job) return finished;
    try {
      finished.push(await runJob(deps, job, steps, opts));
    } catch (e) {
      if (!(isDomainError(e) && e.code === 'JOB.LEASE_LOST')) throw e;
    }
  }
}
