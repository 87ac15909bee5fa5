/**
 * The periodic reconcile (GF_RECONCILE_INTERVAL_MS) with the job workers of two server instances,
 * this process and a child process, over one store (one SQLite file; one PostgreSQL schema), against
 * the emulator over real HTTP: changes made on GitHub while no webhook reached the server are
 * applied locally once (one github.drift record per change, one reconcile job per workspace and
 * period however often both workers look), a later period catches a later change, and a workspace
 * without mapping rows is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorker } from '../../src/composition/job-worker.js';
import { ConfigError } from '../../src/config/config.js';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { AuditRecord } from '../../src/governance/model/audit.js';
import type { Job } from '../../src/governance/model/job.js';
import {
  GITHUB_RECONCILE,
  periodStart,
  reconcileJobId,
} from '../../src/governance/use-cases/reconcile-schedule.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { connectClient, testClock, testConfig, type Connected } from '../helpers/mcp.js';
import { TEST_DATABASE_URL, type StoreBackend } from '../helpers/store-backends.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const WS = 'acme/periodic';
const UNMAPPED = 'acme/unmapped';
const TOKEN = 'ghp_periodic';
const INTERVAL_MS = 400;
const SPEC = `# Periodic

## Cart

- Add an item to the cart
- Remove an item from the cart
- Show the cart total
`;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

type Kind = 'sqlite' | 'postgres';

/** A store back-end for this process, and the arguments that name the same database to the child. */
async function sharedBackend(kind: Kind): Promise<{ backend: StoreBackend; args: string[] }> {
  if (kind === 'sqlite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'gf-reconcile-'));
    return {
      args: ['sqlite', dataDir],
      backend: {
        name: 'sqlite',
        async open() {
          const store = await createSqliteStore({ dataDir });
          return {
            store,
            async cleanup() {
              await store.close();
              await rm(dataDir, { recursive: true, force: true });
            },
            exec: () => Promise.reject(new Error('not used')),
          };
        },
      },
    };
  }
  const schema = `gf_test_${randomBytes(6).toString('hex')}`;
  return {
    args: ['postgres', TEST_DATABASE_URL, schema],
    backend: {
      name: 'postgres',
      async open() {
        const store = await createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
        return {
          store,
          async cleanup() {
            await store.close();
            const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
            await client.connect();
            await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
          },
          exec: () => Promise.reject(new Error('not used')),
        };
      },
    },
  };
}

/** The other instance: test/fixtures/reconcile-worker.ts in a child process, on the same store. */
interface ChildInstance {
  owner: string;
  /** `<job id> <status>` of every job its worker finished. */
  finished: string[];
  stderr(): string;
  /** Moves its clock as this process's clock moved. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

async function spawnInstance(args: string[]): Promise<ChildInstance> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/reconcile-worker.ts', ...args],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const finished: string[] = [];
  const waiting: { prefix: string; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('finished ')) finished.push(line.slice('finished '.length));
    const i = waiting.findIndex((w) => line.startsWith(w.prefix));
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(line);
  });
  const next = (prefix: string) =>
    Promise.race([
      new Promise<string>((resolve) => waiting.push({ prefix, resolve })),
      exited.then((code) => Promise.reject(new Error(`reconcile worker exited (${code}): ${stderr}`))),
    ]);
  const ready = await next('ready ');
  return {
    owner: ready.slice('ready '.length),
    finished,
    stderr: () => stderr,
    async advance(ms) {
      const done = next('advanced');
      child.stdin!.write(`advance ${ms}\n`);
      await done;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin!.write('stop\n');
      const code = await Promise.race([exited, sleep(10_000).then(() => 'timeout')]);
      if (code !== 0) child.kill('SIGKILL');
    },
  };
}

async function until(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('GF_RECONCILE_INTERVAL_MS', () => {
  it.each([
    ['unset', {}, undefined],
    ['0', { GF_RECONCILE_INTERVAL_MS: '0' }, undefined],
    ['one minute', { GF_RECONCILE_INTERVAL_MS: '60000' }, 60_000],
    ['an hour', { GF_RECONCILE_INTERVAL_MS: '3600000' }, 3_600_000],
  ])('%s: %s', (_name, env, expected) => {
    expect(testConfig(env).reconcileIntervalMs).toBe(expected);
  });

  it.each(['59999', '1', '-5', 'soon'])('refuses %s', (value) => {
    expect(() => testConfig({ GF_RECONCILE_INTERVAL_MS: value })).toThrow(ConfigError);
    expect(() => testConfig({ GF_RECONCILE_INTERVAL_MS: value })).toThrow(/GF_RECONCILE_INTERVAL_MS/);
  });
});

describe.each<Kind>(['sqlite', 'postgres'])('periodic reconcile: %s', (kind) => {
  let gh: GitHubEmulator;
  let a: Connected;
  let args: string[];
  let other: ChildInstance | undefined;
  const clock = testClock('2027-02-10T09:00:00.000Z');

  beforeAll(async () => {
    gh = await startGitHubEmulator({ tokens: [TOKEN], timeScale: 600 });
    gh.state.repository('acme', 'periodic');
    const shared = await sharedBackend(kind);
    args = shared.args;
    const octokit = createOctokit({
      token: TOKEN,
      baseUrl: gh.url,
      backoffUnitMs: 1,
      writeIntervalMs: 0,
      log: silent,
    });
    a = await connectClient({ backend: shared.backend, clock, github: githubIssueTracker(octokit) });
    await a.ok('apply_spec', { workspace: WS, text: SPEC, dryRun: false, asOf: '2027-02-10' });
    const { planId } = await a.ok('plan_github_sync', { workspace: WS });
    await a.ok('apply_github_sync', { workspace: WS, planId, dryRun: false });
    // Items, but never synced: no mapping rows.
    await a.ok('apply_spec', { workspace: UNMAPPED, text: SPEC, dryRun: false, asOf: '2027-02-10' });
  });
  afterAll(async () => {
    await other?.stop();
    await a?.close();
    await gh?.close();
  });

  it('applies a change made on GitHub once across both instances, each period, and leaves unmapped workspaces alone', async () => {
    const tasks = (
      (await a.ok('get_item_tree', { workspace: WS, limit: 100 })).items as { id: string; type: string }[]
    ).filter((i) => i.type === 'task');
    expect(tasks).toHaveLength(3);
    const [t1, t2, t3] = tasks.map((t) => t.id) as [string, string, string];
    const mappings = await a.store.reader.issueMappings(WS);
    expect(mappings.size).toBeGreaterThan(0);
    expect((await a.store.reader.issueMappings(UNMAPPED)).size).toBe(0);
    const issue = (itemId: string) =>
      gh.state.repo('acme', 'periodic').issues.find((i) => i.number === mappings.get(itemId)!.number)!;
    const seq = await a.auditSeq(WS);
    const unmappedSeq = await a.auditSeq(UNMAPPED);
    const drift = async (): Promise<AuditRecord[]> =>
      (await a.auditAfter(seq, WS)).filter((r) => r.action === 'github.drift');
    const reconcileJobs = async (workspace: string): Promise<Job[]> =>
      (await a.store.jobs.list({ workspace, limit: 500 })).filter((j) => j.kind === GITHUB_RECONCILE);

    // Changed on GitHub; no webhook is configured, so nothing tells the server.
    Object.assign(issue(t1), { state: 'closed', stateReason: 'not_planned' });
    Object.assign(issue(t2), { title: 'Remove items from the cart in bulk' });
    expect(gh.webhooks.deliveries).toHaveLength(0);

    other = await spawnInstance([gh.url, TOKEN, clock.now(), String(INTERVAL_MS), ...args]);
    expect(other.owner).not.toBe(a.deps.runner.owner);
    const stop = startJobWorker(a.deps, a.logger, { reconcileIntervalMs: INTERVAL_MS });
    try {
      await until('the drift of both changes', async () => (await drift()).length >= 2);
      // Both workers look twice a period: several more looks within the same period change nothing.
      await sleep(INTERVAL_MS * 3);
      const first = await drift();
      expect(first.map((r) => r.entityId).sort()).toEqual([t1, t2].sort());
      expect(first.every((r) => r.actor.type === 'system' && r.actor.id === 'system:reconcile')).toBe(true);
      expect((await a.ok('get_item', { workspace: WS, id: t1 })).item.status).toBe('cancelled');
      expect((await a.ok('get_item', { workspace: WS, id: t2 })).item.title).toBe(
        'Remove items from the cart in bulk',
      );
      const period1 = periodStart(clock.now(), INTERVAL_MS);
      const jobs1 = await reconcileJobs(WS);
      expect(jobs1.map((j) => [j.id, j.status])).toEqual([[reconcileJobId(WS, period1), 'succeeded']]);
      // The drift is correlated with the job that applied it.
      expect(new Set(first.map((r) => r.correlationId))).toEqual(new Set([jobs1[0]!.id]));

      // The next period, on both instances' clocks: a later change on GitHub is caught by its one job.
      await other.advance(INTERVAL_MS);
      clock.advance(INTERVAL_MS);
      Object.assign(issue(t3), { title: 'Show the cart total with tax' });
      await until('the drift of the later change', async () =>
        (await drift()).some((r) => r.entityId === t3),
      );
      await sleep(INTERVAL_MS * 3);
      const all = await drift();
      expect(all.map((r) => r.entityId).sort()).toEqual([t1, t2, t3].sort());
      const jobs2 = await reconcileJobs(WS);
      expect(jobs2.map((j) => j.id).sort()).toEqual(
        [reconcileJobId(WS, period1), reconcileJobId(WS, periodStart(clock.now(), INTERVAL_MS))].sort(),
      );
      expect(jobs2.every((j) => j.status === 'succeeded')).toBe(true);

      // No job, no audit record in the workspace without mapping rows.
      expect(await a.store.jobs.list({ workspace: UNMAPPED })).toEqual([]);
      expect(await a.auditAfter(unmappedSeq, UNMAPPED)).toEqual([]);
      expect(a.logger.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
      expect(other.stderr()).toBe('');
    } finally {
      await stop();
      await other.stop();
    }
    const verified = await a.ok('verify_audit', { workspace: WS });
    expect(verified, JSON.stringify(verified).slice(0, 800)).toMatchObject({ ok: true });
  });
});
