/**
 * Crash and fault proof of the GitHub apply, on the built server against the emulator over real
 * HTTP: a hierarchy of 200+ items is applied while the server process is SIGKILLed at random points
 * (each new process's job worker takes the job over once the dead holder's lease expires), then
 * again under injected 5xx, timeouts, lost responses and secondary limits. At the end GitHub holds
 * exactly one issue per item, each under its parent's issue, and the audit chain verifies.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/governance/github-sync/marker.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import { BIN, callOk, cleanEnv, requireBuild, ROOT, tempDir } from '../helpers/spawn-server.js';

const TRIALS = 20;
const LEASE_MS = 700;

/** 10 epics x 3 features x 6 tasks, the features of each epic in order. */
function bigSpec(): string {
  const out = ['# Crash shop', ''];
  for (let e = 1; e <= 10; e++) {
    out.push(`## Capability ${e}: area ${e}`, '');
    for (let f = 1; f <= 3; f++) {
      out.push(`### Feature ${e}.${f}`, '');
      for (let t = 1; t <= 6; t++) out.push(`- Build part ${e}.${f}.${t} of the area`);
      out.push('');
    }
  }
  return out.join('\n');
}

let gh: GitHubEmulator;
let data: { dir: string; cleanup(): Promise<void> };

beforeAll(async () => {
  requireBuild();
  gh = await startGitHubEmulator({ tokens: ['ghp_crash'], timeScale: 600 });
  gh.state.repository('acme', 'crash');
  gh.state.repository('acme', 'faults');
  data = await tempDir('gf-crash-');
});
afterAll(async () => {
  await gh?.close();
  await data?.cleanup();
});

interface Proc {
  client: Client;
  kill(): void;
  close(): Promise<void>;
}

async function spawnServer(): Promise<Proc> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'stdio'],
    env: cleanEnv({
      GF_DATA_DIR: data.dir,
      GITHUB_TOKEN: 'ghp_crash',
      GITHUB_API_URL: gh.url,
      GITHUB_WRITE_INTERVAL_MS: '0',
      GF_JOB_LEASE_MS: String(LEASE_MS),
      GF_ACTOR_ID: 'test:crash',
    }),
    stderr: 'pipe',
    cwd: ROOT,
  });
  const client = new Client({ name: 'crash-test', version: '1.0.0' });
  client.onerror = () => undefined;
  await client.connect(transport);
  return {
    client,
    kill: () => {
      if (transport.pid) process.kill(transport.pid, 'SIGKILL');
    },
    close: () => client.close().catch(() => undefined),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForJob(client: Client, ws: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { jobs } = await callOk(client, 'list_jobs', { workspace: ws });
    const job = jobs.at(-1);
    if (job && job.status !== 'queued' && job.status !== 'running') return job;
    if (Date.now() > until) throw new Error(`job still ${job?.status ?? 'absent'} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** One issue per item, each under its parent item's issue; the audit chain intact. */
async function expectExactlyOnGitHub(client: Client, ws: string, repo: string) {
  const items: { id: string; parentId: string | null }[] = [];
  for (let after: string | undefined; ;) {
    const page = await callOk(client, 'get_item_tree', {
      workspace: ws,
      limit: 100,
      ...(after && { cursor: after }),
    });
    items.push(...page.items);
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  const issues = gh.state.repo('acme', repo).issues;
  const byItem = new Map<string, (typeof issues)[number]>();
  for (const i of issues) {
    const id = parseMarker(i.body)?.itemId;
    expect(id, `issue #${i.number} has no marker`).toBeDefined();
    expect(byItem.has(id!), `a second issue for ${id}`).toBe(false);
    byItem.set(id!, i);
  }
  expect(byItem.size).toBe(items.length);
  const numberOf = (id: string) => byItem.get(id)!.number;
  const parents = gh.state.repo('acme', repo);
  let wrongParents = 0;
  for (const item of items) {
    const want = item.parentId === null ? null : numberOf(item.parentId);
    const got = parentNumber(parents, numberOf(item.id));
    if (got !== want) wrongParents++;
  }
  expect(wrongParents).toBe(0);
  expect((await callOk(client, 'verify_audit', { workspace: ws })).ok).toBe(true);
  return items.length;
}

/** The parent issue number the emulator holds for issue `n`. */
function parentNumber(repo: { issues: { number: number; parent: { number: number } | null }[] }, n: number) {
  return repo.issues.find((i) => i.number === n)?.parent?.number ?? null;
}

describe('GitHub apply survives crashes and faults', () => {
  it(`resumes after ${TRIALS} SIGKILLs at random points: no duplicate, no missing or wrong parent`, async () => {
    const ws = 'acme/crash';
    let p = await spawnServer();
    await callOk(p.client, 'apply_spec', {
      workspace: ws,
      text: bigSpec(),
      dryRun: false,
      asOf: '2027-02-10',
    });
    const { planId, counts } = await callOk(p.client, 'plan_github_sync', { workspace: ws });
    expect(counts.issuesToCreate).toBeGreaterThanOrEqual(200);
    // The first process starts the apply and dies once the job is under way.
    void p.client
      .callTool({ name: 'apply_github_sync', arguments: { workspace: ws, planId, dryRun: false } })
      .catch(() => undefined);
    for (;;) {
      const { jobs } = await callOk(p.client, 'list_jobs', { workspace: ws });
      if (jobs.length > 0) break;
      await sleep(20);
    }
    await sleep(Math.random() * 400);
    p.kill();
    await p.close();
    const kills: number[] = [];
    for (let trial = 1; trial < TRIALS; trial++) {
      p = await spawnServer();
      // The worker takes the job over once the dead holder's lease expires, then runs a while.
      const at = LEASE_MS + Math.floor(Math.random() * 600);
      await sleep(at);
      kills.push(gh.state.repo('acme', 'crash').issues.length);
      p.kill();
      await p.close();
    }
    p = await spawnServer();
    const job = await waitForJob(p.client, ws, 120_000);
    expect(job.status).toBe('succeeded');
    expect(job.attempts).toBeGreaterThan(1);
    // The kills landed at different points of the run, not all before or after it.
    expect(new Set(kills).size).toBeGreaterThan(3);
    const n = await expectExactlyOnGitHub(p.client, ws, 'crash');
    expect(n).toBeGreaterThanOrEqual(200);
    const again = await callOk(p.client, 'plan_github_sync', { workspace: ws });
    expect(again.budget.contentCreating).toBe(0);
    await p.close();
  }, 240_000);

  it('completes under 5xx, timeouts, lost responses and secondary limits, without a duplicate', async () => {
    const ws = 'acme/faults';
    const p = await spawnServer();
    try {
      await callOk(p.client, 'apply_spec', {
        workspace: ws,
        text: bigSpec().replace('# Crash shop', '# Fault shop'),
        dryRun: false,
        asOf: '2027-02-10',
      });
      const { planId } = await callOk(p.client, 'plan_github_sync', { workspace: ws });
      for (const kind of ['error', 'lost-response', 'secondary-limit'] as const)
        gh.fault({
          kind,
          operation: 'createIssue',
          times: 3,
          ...(kind === 'secondary-limit' && { retryAfter: 1 }),
        });
      gh.fault({ kind: 'error', operation: 'addSubIssue', times: 2, status: 503 });
      gh.fault({ kind: 'lost-response', operation: 'addBlockedBy', times: 1 });
      // A failed run is planned and applied again, as a user would: nothing is made twice.
      for (let run = 0; run < 8; run++) {
        const plan = run === 0 ? { planId } : await callOk(p.client, 'plan_github_sync', { workspace: ws });
        if (run > 0 && plan.budget.contentCreating === 0) break;
        const r = (await p.client.callTool({
          name: 'apply_github_sync',
          arguments: { workspace: ws, planId: plan.planId, dryRun: false },
        })) as { isError?: boolean };
        if (!r.isError) {
          const next = await callOk(p.client, 'plan_github_sync', { workspace: ws });
          if (next.budget.contentCreating === 0) break;
        }
      }
      expect(gh.faults.pending.filter((f) => f.operation === 'createIssue')).toEqual([]);
      const n = await expectExactlyOnGitHub(p.client, ws, 'faults');
      expect(n).toBeGreaterThanOrEqual(200);
    } finally {
      gh.faults.clear();
      await p.close();
    }
  }, 240_000);
});
