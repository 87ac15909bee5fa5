/**
 * The process's job worker: takes up the durable jobs no live runner holds (queued, or held by a
 * process that died and whose lease expired) and runs them to their end. It looks every half lease,
 * on an unref'd timer, so it never keeps a finished process alive; one look at a time.
 */
import type { Deps, Logger } from '../mcp/deps.js';

export function startJobWorker(deps: Deps, log: Logger): () => void {
  // Only GitHub applies are jobs today, and they need GitHub access to run.
  if (!deps.github) return () => undefined;
  let running = false;
  let stopped = false;
  const look = async () => {
    if (running || stopped) return;
    running = true;
    try {
      const [{ resumeJobs }, { GITHUB_APPLY, githubApplySteps }] = await Promise.all([
        import('../governance/use-cases/job-runner.js'),
        import('../governance/use-cases/github-apply-job.js'),
      ]);
      const done = await resumeJobs(deps, GITHUB_APPLY, githubApplySteps(deps), {
        owner: deps.runner.owner,
        leaseMs: deps.runner.leaseMs,
      });
      for (const job of done)
        log.info({ jobId: job.id, workspace: job.workspace, status: job.status }, 'resumed job finished');
    } catch (err) {
      log.warn({ err }, 'job worker: a look for jobs to resume failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void look(), 0);
  first.unref();
  const timer = setInterval(() => void look(), Math.max(250, Math.floor(deps.runner.leaseMs / 2)));
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
  };
}
