/**
 * The job store on every SQL back-end: one active job per kind and workspace, exclusive claims
 * (two store instances in one process, and two processes), lease expiry takeover, stale owners
 * refused, the cancel flag, paging; and a runner killed mid-job resumed by another process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import type { NewJob } from '../../src/governance/ports/store-jobs.js';
import { resumeJobs } from '../../src/governance/use-cases/job-runner.js';
import { createMemoryBus } from '../../src/store/memory/event-bus.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { testClock } from '../helpers/mcp.js';
import { TEST_DATABASE_URL } from '../helpers/store-backends.js';

type Kind = 'sqlite' | 'postgres';

/** Two store instances on one database, and the worker arguments naming it. */
async function openTwins(kind: Kind) {
  if (kind === 'sqlite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'gf-jobs-'));
    const [a, b] = await Promise.all([createSqliteStore({ dataDir }), createSqliteStore({ dataDir })]);
    return {
      a,
      b,
      args: ['sqlite', dataDir],
      async cleanup() {
        await Promise.all([a.close(), b.close()]);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `gf_test_${randomBytes(6).toString('hex')}`;
  const a = await createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
  const b = await createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
  return {
    a,
    b,
    args: ['postgres', TEST_DATABASE_URL, schema],
    async cleanup() {
      await Promise.all([a.close(), b.close()]);
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
    },
  };
}

const T0 = '2025-01-15T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

let n = 0;
const newJob = (over: Partial<NewJob> = {}): NewJob => ({
  id: `J-${String(++n).padStart(6, '0')}`,
  workspace: 'acme/web',
  kind: 'github.apply',
  input: { repo: 'acme/web' },
  steps: [
    { key: 'a', title: 'A' },
    { key: 'b', title: 'B' },
  ],
  createdBy: 'user:alice',
  now: T0,
  ...over,
});

const claimAt = (store: GovernanceStore, owner: string, ms: number, leaseMs = 1_000) =>
  store.jobs.claim({ owner, now: at(ms), leaseUntil: at(ms + leaseMs) });

describe.each<Kind>(['sqlite', 'postgres'])('job store: %s', (kind) => {
  let twins: Awaited<ReturnType<typeof openTwins>>;
  beforeEach(async () => {
    twins = await openTwins(kind);
  });
  afterEach(() => twins?.cleanup());

  it('refuses a second active job of a kind in a workspace, and names the active one', async () => {
    const first = await twins.a.jobs.create(newJob());
    expect(first).toMatchObject({
      created: true,
      job: { status: 'queued', attempts: 0, cancelRequested: false },
    });
    if (!first.created) throw new Error('unreachable');
    expect(first.job.steps.map((s) => [s.key, s.state])).toEqual([
      ['a', 'pending'],
      ['b', 'pending'],
    ]);
    expect(first.job.progress).toEqual({ done: 0, total: 2, message: null });

    const second = await twins.b.jobs.create(newJob());
    expect(second).toMatchObject({ created: false, active: { id: first.job.id } });
    // Another kind, or another workspace, is not in the way.
    expect((await twins.b.jobs.create(newJob({ kind: 'other' }))).created).toBe(true);
    expect((await twins.b.jobs.create(newJob({ workspace: 'acme/api' }))).created).toBe(true);

    // Once the first has ended, a new one may start.
    expect(await claimAt(twins.a, 'r1', 0)).toMatchObject({ id: first.job.id });
    await twins.a.jobs.finish('r1', first.job.id, { status: 'succeeded', error: null }, at(10));
    expect((await twins.b.jobs.create(newJob())).created).toBe(true);
  });

  it('gives a job to one of two concurrent claimers, and takes it over once the lease expired', async () => {
    const { job } = (await twins.a.jobs.create(newJob())) as { job: { id: string } };
    // On SQLite, two instances in one process would deadlock on the file's write lock (the driver
    // waits synchronously): they claim in turn here, and concurrently in the two-process test.
    const got =
      kind === 'postgres'
        ? await Promise.all([claimAt(twins.a, 'r1', 0), claimAt(twins.b, 'r2', 0)])
        : [await claimAt(twins.a, 'r1', 0), await claimAt(twins.b, 'r2', 0)];
    const winners = got.filter((j) => j !== null);
    expect(winners).toHaveLength(1);
    const first = winners[0]!;
    expect(first).toMatchObject({ id: job.id, status: 'running', attempts: 1 });
    const holder = first.lease.holder!;
    const other = holder === 'r1' ? 'r2' : 'r1';

    // Held until the lease runs out (renewed by the heartbeat), then anyone may take it.
    expect(await claimAt(twins.a, other, 999)).toBeNull();
    expect(await twins.a.jobs.heartbeat(holder, job.id, at(900), at(1_900))).toMatchObject({
      held: true,
      job: { lease: { holder, leaseUntil: at(1_900), heartbeatAt: at(900) } },
    });
    expect(await claimAt(twins.b, other, 1_500)).toBeNull();
    const taken = await claimAt(twins.b, other, 1_900);
    expect(taken).toMatchObject({ id: job.id, status: 'running', attempts: 2, lease: { holder: other } });

    // The stale owner is refused everywhere and writes nothing.
    const stale = [
      await twins.a.jobs.heartbeat(holder, job.id, at(2_000), at(3_000)),
      await twins.a.jobs.updateStep(holder, job.id, { key: 'a', state: 'done', result: 1 }, at(2_000)),
      await twins.a.jobs.setProgress(holder, job.id, { done: 1, total: 2, message: 'x' }, at(2_000)),
      await twins.a.jobs.finish(holder, job.id, { status: 'succeeded', error: null }, at(2_000)),
    ];
    expect(stale).toEqual([{ held: false }, { held: false }, { held: false }, { held: false }]);
    expect(await twins.b.jobs.get(job.id)).toEqual(taken);
  });

  it('records steps and progress for the holder, and ends the job', async () => {
    const { job } = (await twins.a.jobs.create(newJob())) as { job: { id: string } };
    await claimAt(twins.a, 'r1', 0);
    await twins.a.jobs.updateStep('r1', job.id, { key: 'a', state: 'running', startedAt: at(1) }, at(1));
    await twins.a.jobs.updateStep(
      'r1',
      job.id,
      { key: 'a', state: 'done', result: { n: 3 }, finishedAt: at(2) },
      at(2),
    );
    await twins.a.jobs.setProgress('r1', job.id, { done: 1, total: 2, message: 'A' }, at(2));
    const error = { code: 'GITHUB.FORBIDDEN', message: 'no', hint: 'grant it' };
    const end = await twins.a.jobs.finish('r1', job.id, { status: 'failed', error }, at(3));
    expect(end).toMatchObject({ held: true });
    expect(await twins.b.jobs.get(job.id)).toMatchObject({
      status: 'failed',
      error,
      updatedAt: at(3),
      progress: { done: 1, total: 2, message: 'A' },
      lease: { holder: null, leaseUntil: null },
      steps: [
        { key: 'a', state: 'done', result: { n: 3 }, startedAt: at(1), finishedAt: at(2) },
        { key: 'b', state: 'pending', result: null },
      ],
    });
    expect(await claimAt(twins.b, 'r2', 10_000)).toBeNull();
  });

  it('sets the cancel flag on active jobs only, and reports an unknown id', async () => {
    const { job } = (await twins.a.jobs.create(newJob())) as { job: { id: string } };
    expect(await twins.b.jobs.requestCancel(job.id, at(5))).toMatchObject({
      cancelRequested: true,
      status: 'queued',
    });
    const claimed = await claimAt(twins.a, 'r1', 10);
    expect(claimed?.cancelRequested).toBe(true);
    await twins.a.jobs.finish('r1', job.id, { status: 'cancelled', error: null }, at(20));
    const { job: done } = (await twins.a.jobs.create(newJob({ workspace: 'acme/x' }))) as {
      job: { id: string };
    };
    await claimAt(twins.a, 'r1', 30);
    await twins.a.jobs.finish('r1', done.id, { status: 'succeeded', error: null }, at(40));
    expect(await twins.b.jobs.requestCancel(done.id, at(50))).toMatchObject({ cancelRequested: false });
    expect(await twins.b.jobs.requestCancel('J-nope', at(50))).toBeNull();
  });

  it('lists a workspace in id order, filtered by status, page by page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await twins.a.jobs.create(newJob({ kind: `k${i}` }));
      if (r.created) ids.push(r.job.id);
    }
    await twins.a.jobs.create(newJob({ workspace: 'acme/elsewhere', kind: 'k9' }));
    await twins.a.jobs.claim({ owner: 'r1', now: T0, leaseUntil: at(1_000), id: ids[1]! });
    const page1 = await twins.b.jobs.list({ workspace: 'acme/web', limit: 2 });
    const page2 = await twins.b.jobs.list({ workspace: 'acme/web', limit: 2, afterId: page1.at(-1)!.id });
    const page3 = await twins.b.jobs.list({ workspace: 'acme/web', limit: 2, afterId: page2.at(-1)!.id });
    expect([...page1, ...page2, ...page3].map((j) => j.id)).toEqual(ids);
    const running = await twins.b.jobs.list({ workspace: 'acme/web', status: ['running'] });
    expect(running.map((j) => j.id)).toEqual([ids[1]]);
    expect(await twins.b.jobs.list({ workspace: 'acme/web', status: [] })).toEqual([]);
  });

  it('never gives one job to both of two claiming processes', async () => {
    const all: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await twins.a.jobs.create(newJob({ workspace: `acme/w${i}`, kind: 'w' }));
      if (r.created) all.push(r.job.id);
    }
    let ready = 0;
    const children: ChildProcess[] = [];
    const worker = () =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'test/fixtures/job-worker.ts', 'claim', ...twins.args],
          {
            stdio: ['pipe', 'pipe', 'pipe'],
          },
        );
        children.push(child);
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          const before = out;
          out += d.toString();
          if (!before.includes('ready\n') && out.includes('ready\n') && ++ready === 2)
            for (const c of children) c.stdin?.write('go\n');
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0
            ? resolve(out.split('\n').filter((l) => l !== '' && l !== 'ready'))
            : reject(new Error(`worker exited ${code}: ${err}`)),
        );
      });
    const [p, q] = await Promise.all([worker(), worker()]);
    expect([...p, ...q].sort()).toEqual([...all].sort());
    expect(p.filter((id) => q.includes(id))).toEqual([]);
  }, 60_000);

  it('resumes in this process a job whose runner was killed mid-step', async () => {
    const { job } = (await twins.a.jobs.create(
      newJob({
        kind: 'crash',
        steps: [
          { key: 'a', title: 'A' },
          { key: 'b', title: 'B' },
          { key: 'c', title: 'C' },
        ],
      }),
    )) as { job: { id: string } };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/job-worker.ts', 'crash', ...twins.args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('in-b') && resolve());
      child.on('exit', (code) => reject(new Error(`worker exited ${code} before step b: ${err}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const killed = await twins.b.jobs.get(job.id);
    expect(killed?.steps.map((s) => s.state)).toEqual(['done', 'running', 'pending']);
    // An hour later by this process's clock: the dead runner's lease is long gone.
    const clock = testClock(new Date(Date.now() + 3_600_000).toISOString());
    const ran: string[] = [];
    const seen: unknown[] = [];
    const finished = await resumeJobs(
      { store: twins.b, clock, bus: createMemoryBus() },
      'crash',
      ['a', 'b', 'c'].map((key) => ({
        key,
        title: key.toUpperCase(),
        run: async (ctx) => {
          ran.push(key);
          seen.push({ key, previous: ctx.previous, results: ctx.results });
          return { made: `${key}-by-parent` };
        },
      })),
      { owner: 'parent' },
    );
    expect(ran).toEqual(['b', 'c']);
    expect(seen[0]).toEqual({ key: 'b', previous: { half: true }, results: { a: { made: 'a-by-child' } } });
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    expect(finished[0]!.steps.map((s) => [s.key, s.state, s.result])).toEqual([
      ['a', 'done', { made: 'a-by-child' }],
      ['b', 'done', { made: 'b-by-parent' }],
      ['c', 'done', { made: 'c-by-parent' }],
    ]);
  }, 60_000);
});
