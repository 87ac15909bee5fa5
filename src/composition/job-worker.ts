/**
 * The process's job worker: takes up the durable jobs no live runner holds (queued, or held by a
 * process that died and whose lease expired) and runs them to their end. It looks every half lease,
 * on an unref'd timer, so it never keeps a finished process alive; one look at a time.
 *
 * With a reconcile interval it also queues, every half interval, the current period's reconcile of
 * each synced workspace (github.reconcile jobs, see reconcile-schedule.ts) and runs those no other
 * process took first. Which periods are done lives in the store, as jobs; only the timers are here.
 */
import type { Job } from '../governance/model/job.js';
import type { Deps, Logger } from '../mcp/deps.js';

export interface JobWorkerOptions {
  /** GF_RECONCILE_INTERVAL_MS: the reconcile period; 0 or absent, no periodic reconcile. */
  reconcileIntervalMs?: number;
}

/** Starts the worker; the function returned stops it and resolves once a look under way ended. */
export function startJobWorker(deps: Deps, log: Logger, opts: JobWorkerOptions = {}): () => Promise<void> {
  // The jobs here (GitHub applies and reconciles) need GitHub access to run.
  if (!deps.github) return () => Promise.resolve();
  const runner = { owner: deps.runner.owner, leaseMs: deps.runner.leaseMs };
  const intervalMs = opts.reconcileIntervalMs ?? 0;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const schedule = () => import('../governance/use-cases/reconcile-schedule.js');
  const report = (done: readonly Job[], what: string) => {
    for (const job of done) {
      const fields = { jobId: job.id, workspace: job.workspace, status: job.status };
      if (job.status === 'succeeded') log.info(fields, what);
      else log.warn({ ...fields, error: job.error }, what);
    }
  };

  /** Runs `task` unless stopped or the previous run of the same guard is still going. */
  const guarded = (task: () => Promise<void>, failure: string) => {
    let running = false;
    return () => {
      if (running || stopped) return;
      running = true;
      const p = task()
        .catch((err: unknown) => log.warn({ err }, failure))
        .finally(() => {
          running = false;
          inFlight.delete(p);
        });
      inFlight.add(p);
    };
  };

  const look = guarded(async () => {
    const [{ resumeJobs }, { GITHUB_APPLY, githubApplySteps }, { runQueuedReconciles }] = await Promise.all([
      import('../governance/use-cases/job-runner.js'),
      import('../governance/use-cases/github-apply-job.js'),
      schedule(),
    ]);
    report(await resumeJobs(deps, GITHUB_APPLY, githubApplySteps(deps), runner), 'resumed job finished');
    if (stopped) return;
    report(await runQueuedReconciles(deps, runner), 'resumed reconcile finished');
  }, 'job worker: a look for jobs to resume failed');

  const reconcile = guarded(async () => {
    const { queueDueReconciles, runQueuedReconciles } = await schedule();
    await queueDueReconciles(deps, intervalMs, (workspace, err) =>
      log.warn({ err, workspace }, 'periodic reconcile: could not queue the reconcile'),
    );
    if (stopped) return;
    report(await runQueuedReconciles(deps, runner), 'periodic reconcile finished');
  }, 'periodic reconcile failed');

  const timeouts = [setTimeout(look, 0)];
  const intervals = [setInterval(look, Math.max(250, Math.floor(deps.runner.leaseMs / 2)))];
  if (intervalMs > 0) {
    // Twice a period, so that every period is seen even when the timer drifts against the clock.
    timeouts.push(setTimeout(reconcile, 0));
    intervals.push(setInterval(reconcile, Math.max(1, Math.floor(intervalMs / 2))));
  }
  for (const t of [...timeouts, ...intervals]) t.unref();
  return async () => {
    stopped = true;
    for (const t of timeouts) clearTimeout(t);
    for (const t of intervals) clearInterval(t);
    await Promise.all(inFlight);
  };
}
