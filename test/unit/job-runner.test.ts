/**
 * The job runner on a real SQLite store: resumption after a crash, cancellation, step failure, a
 * lost lease, progress, and the audit records of a job's start and end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/governance/errors.js';
import type { Job, JsonValue } from '../../src/governance/model/job.js';
import type { Caller } from '../../src/governance/ports/caller.js';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import { cancelJob, startJob } from '../../src/governance/use-cases/job-control.js';
import { runJob, type JobDeps, type StepDef } from '../../src/governance/use-cases/job-runner.js';
import { createMemoryBus } from '../../src/store/memory/event-bus.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { testClock, type TestClock } from '../helpers/mcp.js';

const WS = 'acme/web';
const caller: Caller = {
  actor: { type: 'user', id: 'user:alice', name: 'Alice' },
  client: null,
  tool: null,
  correlationId: 'corr-job',
};

let dataDir: string;
let store: GovernanceStore;
let clock: TestClock;
let deps: JobDeps;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gf-runner-'));
  store = await createSqliteStore({ dataDir });
  clock = testClock('2025-03-01T09:00:00.000Z');
  deps = { store, clock, bus: createMemoryBus() };
});
afterEach(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A step table whose steps record their runs; `behave` overrides a step's body. */
function table(ran: string[], behave: Record<string, StepDef['run']> = {}): StepDef[] {
  return ['a', 'b', 'c'].map((key) => ({
    key,
    title: `Step ${key}`,
    run: async (ctx) => {
      ran.push(key);
      return behave[key] ? behave[key](ctx) : { key, saw: Object.keys(ctx.results) };
    },
  }));
}

async function started(steps: StepDef[], input: JsonValue = { repo: WS }): Promise<Job> {
  return startJob(deps, caller, { workspace: WS, kind: 'github.apply', input, steps });
}

async function claim(owner: string, leaseMs = 30_000): Promise<Job> {
  const now = clock.now();
  const job = await store.jobs.claim({
    owner,
    now,
    leaseUntil: new Date(Date.parse(now) + leaseMs).toISOString(),
  });
  if (!job) throw new Error('nothing to claim');
  return job;
}

const states = (job: Job | null) => job?.steps.map((s) => s.state);
const actions = async () => (await store.reader.queryAudit(WS, { limit: 50 })).map((r) => r.action).reverse();

describe('job runner', () => {
  it('runs every step in order, handing results on, and audits the start and the end', async () => {
    const ran: string[] = [];
    const steps = table(ran);
    const job = await started(steps);
    const done = await runJob(deps, await claim('r1'), steps, { owner: 'r1' });
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(done).toMatchObject({ status: 'succeeded', error: null, progress: { done: 3, total: 3 } });
    expect(done.steps.map((s) => s.result)).toEqual([
      { key: 'a', saw: [] },
      { key: 'b', saw: ['a'] },
      { key: 'c', saw: ['a', 'b'] },
    ]);
    expect(await actions()).toEqual(['job.created', 'job.finished']);
    expect((await store.jobs.get(job.id))?.status).toBe('succeeded');
    // Ended, it no longer stands in the way of the next one.
    expect((await started(steps)).status).toBe('queued');
  });

  it('refuses a second active job with JOB.ACTIVE naming the active one', async () => {
    const steps = table([]);
    const job = await started(steps);
    await expect(started(steps)).rejects.toMatchObject({ code: 'JOB.ACTIVE', details: { jobId: job.id } });
  });

  it('resumes after a crash: skips the done steps and runs again the one that was running', async () => {
    const ran: string[] = [];
    const steps = table(ran);
    const job = await started(steps);
    // The first runner finished `a` and died inside `b`.
    await claim('dead', 1_000);
    await store.jobs.updateStep(
      'dead',
      job.id,
      { key: 'a', state: 'done', result: { key: 'a', by: 'dead' } },
      clock.now(),
    );
    await store.jobs.updateStep(
      'dead',
      job.id,
      { key: 'b', state: 'running', result: { half: 1 } },
      clock.now(),
    );
    clock.advance(1_000);

    let previous: JsonValue = null;
    const resumed = table(ran, {
      b: async (ctx) => {
        previous = ctx.previous;
        return { key: 'b', saw: Object.keys(ctx.results) };
      },
    });
    const done = await runJob(deps, await claim('r2'), resumed, { owner: 'r2' });
    expect(ran).toEqual(['b', 'c']);
    expect(previous).toEqual({ half: 1 });
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.steps.map((s) => s.result)).toEqual([
      { key: 'a', by: 'dead' },
      { key: 'b', saw: ['a'] },
      { key: 'c', saw: ['a', 'b'] },
    ]);
  });

  it('ends cancelled when asked mid-step, through the signal the heartbeat fires, skipping the rest', async () => {
    const ran: string[] = [];
    const steps = table(ran, {
      b: async (ctx) => {
        await store.jobs.requestCancel(ctx.job.id, clock.now());
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        throw ctx.signal.reason;
      },
    });
    await started(steps);
    const done = await runJob(deps, await claim('r1'), steps, { owner: 'r1', heartbeatMs: 5 });
    expect(ran).toEqual(['a', 'b']);
    expect(done).toMatchObject({ status: 'cancelled', error: { code: 'JOB.CANCELLED' } });
    expect(states(done)).toEqual(['done', 'skipped', 'skipped']);
    expect(await actions()).toEqual(['job.created', 'job.cancelled']);
  });

  it('ends failed with the step error, the step failed and the later ones skipped', async () => {
    const ran: string[] = [];
    const steps = table(ran, {
      b: async () => {
        throw new DomainError('GITHUB.FORBIDDEN', 'The token cannot write issues.', 'Grant issues: write.');
      },
    });
    await started(steps);
    const done = await runJob(deps, await claim('r1'), steps, { owner: 'r1' });
    expect(ran).toEqual(['a', 'b']);
    expect(done).toMatchObject({
      status: 'failed',
      error: {
        code: 'GITHUB.FORBIDDEN',
        message: 'The token cannot write issues.',
        hint: 'Grant issues: write.',
      },
    });
    expect(states(done)).toEqual(['done', 'failed', 'skipped']);
    expect(done.steps[1]?.detail).toBe('The token cannot write issues.');
  });

  it('stops with JOB.LEASE_LOST and writes nothing more once another runner took the job', async () => {
    const ran: string[] = [];
    const steps = table(ran, {
      b: async () => {
        clock.advance(60_000);
        await claim('thief');
        return { key: 'b' };
      },
    });
    const job = await started(steps);
    const before = await actions();
    await expect(runJob(deps, await claim('r1'), steps, { owner: 'r1' })).rejects.toMatchObject({
      code: 'JOB.LEASE_LOST',
    });
    const now = await store.jobs.get(job.id);
    expect(now).toMatchObject({ status: 'running', lease: { holder: 'thief' }, attempts: 2 });
    expect(states(now)).toEqual(['done', 'running', 'pending']);
    expect(await actions()).toEqual(before);
  });

  it('stores the progress a step reports, and the step count at the end', async () => {
    const seen: (Job['progress'] | undefined)[] = [];
    const steps = table([], {
      b: async (ctx) => {
        await ctx.progress(3, 10, 'issues created');
        seen.push((await store.jobs.get(ctx.job.id))?.progress);
        return null;
      },
    });
    await started(steps);
    const done = await runJob(deps, await claim('r1'), steps, { owner: 'r1' });
    expect(seen).toEqual([{ done: 3, total: 10, message: 'issues created' }]);
    expect(done.progress).toEqual({ done: 3, total: 3, message: 'Step c' });
  });

  it('cancels a queued job at once, and reports an unknown one', async () => {
    const job = await started(table([]));
    const done = await cancelJob(deps, caller, job.id, { owner: 'api' });
    expect(done).toMatchObject({ status: 'cancelled', cancelRequested: true });
    expect(states(done)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(await actions()).toEqual(['job.created', 'job.cancelled']);
    await expect(cancelJob(deps, caller, 'J-missing', { owner: 'api' })).rejects.toMatchObject({
      code: 'JOB.NOT_FOUND',
    });
  });
});
