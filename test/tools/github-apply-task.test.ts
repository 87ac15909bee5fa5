/**
 * apply_github_sync as a durable job and as an MCP task, against the emulator over real HTTP: the
 * ordinary call reports progress and names its job; a task-augmented call answers a task at once
 * whose id is the job's, followed with tasks/get and tasks/result to the same result; a refused
 * start is a JSON-RPC error with our code; a cancelled task stops its job; tasks/list pages the
 * caller's own tasks, newest first.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { parseMarker } from '../../src/governance/github-sync/marker.js';
import { GITHUB_APPLY } from '../../src/governance/use-cases/github-apply-job.js';
import { TASK_PAGE } from '../../src/mcp/tasks.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const spec = (name: string, features: number) =>
  `# ${name}\n\n` +
  Array.from(
    { length: features },
    (_, f) => `## Area ${f + 1}\n\n- Build part ${f + 1}.1\n- Build part ${f + 1}.2\n`,
  ).join('\n');

let gh: GitHubEmulator;
let c: Connected;
let tracker: ReturnType<typeof githubIssueTracker>;

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_task'], timeScale: 600 });
  for (const repo of ['one', 'two', 'three', 'four', 'five', 'six']) gh.state.repository('acme', repo);
  const octokit = createOctokit({
    token: 'ghp_task',
    baseUrl: gh.url,
    backoffUnitMs: 1,
    writeIntervalMs: 0,
    timeoutMs: 1500,
    retries: 0,
    log: silent,
  });
  tracker = githubIssueTracker(octokit);
  c = await connectClient({ github: tracker });
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

const markers = (repo: string) =>
  gh.state.repo('acme', repo).issues.map((i) => parseMarker(i.body)?.itemId ?? null);

async function planned(ws: string, features = 3, by: Connected = c): Promise<string> {
  await by.ok('apply_spec', { workspace: ws, text: spec(ws, features), dryRun: false, asOf: '2027-02-10' });
  return (await by.ok('plan_github_sync', { workspace: ws })).planId as string;
}

/** Starts an apply as a task and follows it to its result; returns the task id. */
async function applyAsTask(client: Client, workspace: string, planId: string): Promise<string> {
  const stream = client.experimental.tasks.callToolStream(
    { name: 'apply_github_sync', arguments: { workspace, planId, dryRun: false } },
    CallToolResultSchema,
    { task: {} },
  );
  let taskId = '';
  for await (const m of stream) {
    if (m.type === 'taskCreated') taskId = m.task.taskId;
    if (m.type === 'error') throw m.error;
  }
  return taskId;
}

/** Every page of tasks/list, following nextCursor. */
async function allTasks(client: Client) {
  const pages: { taskId: string; status: string }[][] = [];
  for (let cursor: string | undefined; ;) {
    const page = await client.experimental.tasks.listTasks(cursor);
    pages.push(page.tasks);
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
  }
}

/** A finished job written straight to the store, `at` giving its id's time. */
async function finishedJob(at: string, kind: string, createdBy: string): Promise<string> {
  const id = `J-${at.replace(/[-:.TZ]/g, '')}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
  const made = await c.store.jobs.create({
    id,
    workspace: 'acme/five',
    kind,
    input: {},
    steps: [],
    createdBy,
    now: at,
  });
  expect(made.created).toBe(true);
  const leaseUntil = new Date(Date.parse(at) + 60_000).toISOString();
  expect(await c.store.jobs.claim({ owner: 'seed', now: at, leaseUntil, id })).not.toBeNull();
  await c.store.jobs.finish('seed', id, { status: 'cancelled', error: null }, at);
  return id;
}

describe('apply_github_sync as a job and a task', () => {
  it('advertises optional task support', async () => {
    const { tools } = await c.client.listTools();
    expect(tools.find((t) => t.name === 'apply_github_sync')?.execution).toEqual({ taskSupport: 'optional' });
    expect(tools.find((t) => t.name === 'plan_github_sync')?.execution).toBeUndefined();
  });

  it('runs an ordinary call as a job, with progress notifications per write', async () => {
    const planId = await planned('acme/one');
    const seen: Progress[] = [];
    const res = await c.client.callTool(
      { name: 'apply_github_sync', arguments: { workspace: 'acme/one', planId, dryRun: false } },
      CallToolResultSchema,
      { onprogress: (p) => void seen.push(p) },
    );
    expect(res.isError).toBeFalsy();
    const out = res.structuredContent as { jobId: string; created: unknown[] };
    expect(out.jobId).toMatch(/^J-/);
    expect(out.created.length).toBe(markers('one').length);
    // Writes are reported in the write step's units, then the steps themselves.
    expect(seen.some((p) => p.total !== undefined && p.total > 3 && /issue #\d+/.test(p.message ?? ''))).toBe(
      true,
    );
    expect(seen.at(-1)).toMatchObject({ progress: 3, total: 3 });
  });

  it('answers a task-augmented call with a task whose result is the ordinary one', async () => {
    const planId = await planned('acme/two');
    const stream = c.client.experimental.tasks.callToolStream(
      { name: 'apply_github_sync', arguments: { workspace: 'acme/two', planId, dryRun: false } },
      CallToolResultSchema,
      { task: { ttl: 60_000 } },
    );
    let taskId: string | undefined;
    let result: { structuredContent?: Record<string, unknown>; isError?: boolean } | undefined;
    for await (const m of stream) {
      if (m.type === 'taskCreated') taskId = m.task.taskId;
      if (m.type === 'result') result = m.result;
      if (m.type === 'error') throw m.error;
    }
    expect(taskId).toMatch(/^J-/);
    expect(result?.isError).toBeFalsy();
    expect(result?.structuredContent).toMatchObject({ jobId: taskId, dryRun: false, remainingWrites: 0 });
    const made = markers('two');
    expect(made).toHaveLength(new Set(made).size);
    expect((result?.structuredContent?.created as unknown[]).length).toBe(made.length);

    const task = await c.client.experimental.tasks.getTask(taskId!);
    expect(task).toMatchObject({ taskId, status: 'completed' });
    const job = (await c.ok('get_job', { workspace: 'acme/two', jobId: taskId })).job;
    expect(job.status).toBe('succeeded');
  });

  it('refuses a task start with a JSON-RPC error carrying our code and hint', async () => {
    const planId = await planned('acme/three', 1);
    await c.ok('create_item', { workspace: 'acme/three', type: 'epic', title: 'A change after the plan' });
    const stream = c.client.experimental.tasks.callToolStream(
      { name: 'apply_github_sync', arguments: { workspace: 'acme/three', planId: 'xyz', dryRun: false } },
      CallToolResultSchema,
      { task: {} },
    );
    const errors: Error[] = [];
    for await (const m of stream) if (m.type === 'error') errors.push(m.error);
    expect(errors[0]?.message).toMatch(/INPUT\.INVALID|planId/);

    // A stale plan is found by the job's first step: the task fails and its result says why.
    const stale = c.client.experimental.tasks.callToolStream(
      { name: 'apply_github_sync', arguments: { workspace: 'acme/three', planId, dryRun: false } },
      CallToolResultSchema,
      { task: {} },
    );
    let taskId = '';
    for await (const m of stale) if (m.type === 'taskCreated') taskId = m.task.taskId;
    expect((await c.client.experimental.tasks.getTask(taskId)).status).toBe('failed');
    const result = await c.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('SYNC.PLAN_STALE');
    expect(markers('three')).toEqual([]);
  });

  it('cancels a task: its job stops before the next write and nothing is made twice on a new apply', async () => {
    const planId = await planned('acme/four', 4);
    // The third issue create never answers until the client times out: time to cancel.
    gh.fault({ kind: 'hang', operation: 'createIssue', times: 1 });
    const created = await c.client.request(
      {
        method: 'tools/call',
        params: {
          name: 'apply_github_sync',
          arguments: { workspace: 'acme/four', planId, dryRun: false },
          task: {},
        },
      },
      (await import('@modelcontextprotocol/sdk/experimental/tasks/types.js')).CreateTaskResultSchema,
    );
    const taskId = created.task.taskId;
    await c.client.experimental.tasks.cancelTask(taskId);
    for (let i = 0; i < 100; i++) {
      const t = await c.client.experimental.tasks.getTask(taskId);
      if (t.status !== 'working') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const job = (await c.ok('get_job', { workspace: 'acme/four', jobId: taskId })).job;
    expect(job.status).toBe('cancelled');
    gh.faults.clear();
    // A new plan and apply finish the work without a duplicate.
    const next = (await c.ok('plan_github_sync', { workspace: 'acme/four' })).planId;
    await c.ok('apply_github_sync', { workspace: 'acme/four', planId: next, dryRun: false });
    const made = markers('four');
    expect(made.length).toBeGreaterThan(0);
    expect(made).toHaveLength(new Set(made).size);
    const items = (await c.ok('get_item_tree', { workspace: 'acme/four', limit: 100 })).items as unknown[];
    expect(made).toHaveLength(items.length);
  });

  it("lists the caller's tasks, newest first, paged with the cursor, never another caller's", async () => {
    const other = await connectClient({
      share: c,
      github: tracker,
      actor: { type: 'user', id: 'user:other', name: 'Other' },
    });
    try {
      c.clock.advance(60_000);
      const mine = await applyAsTask(c.client, 'acme/five', await planned('acme/five', 1));
      c.clock.advance(1_000);
      const theirs = await applyAsTask(other.client, 'acme/six', await planned('acme/six', 1, other));
      expect(theirs).not.toBe(mine);

      const [first] = await allTasks(c.client);
      expect(first?.[0]).toMatchObject({ taskId: mine, status: 'completed' });
      expect(first?.map((t) => t.taskId)).not.toContain(theirs);
      expect(await allTasks(other.client)).toEqual([[expect.objectContaining({ taskId: theirs })]]);

      // More than a page of the caller's jobs, newer than the ones above, and two that are not its
      // tasks: another caller's, and a kind no task tool runs.
      const seeded: string[] = [];
      for (let i = 0; i < TASK_PAGE + 5; i++) {
        c.clock.advance(1_000);
        seeded.push(await finishedJob(c.clock.now(), GITHUB_APPLY, c.deps.actor.id));
      }
      c.clock.advance(1_000);
      const foreign = await finishedJob(c.clock.now(), GITHUB_APPLY, 'user:other');
      c.clock.advance(1_000);
      const otherKind = await finishedJob(c.clock.now(), 'not.a.task', c.deps.actor.id);

      const pages = await allTasks(c.client);
      expect(pages[0]!.map((t) => t.taskId)).toEqual(seeded.slice(5).reverse());
      expect(pages[0]!.every((t) => t.status === 'cancelled')).toBe(true);
      const ids = pages.flat().map((t) => t.taskId);
      expect(ids.slice(TASK_PAGE, TASK_PAGE + 6)).toEqual([...seeded.slice(0, 5).reverse(), mine]);
      expect(ids).toEqual([...ids].sort().reverse());
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain(theirs);
      expect(ids).not.toContain(foreign);
      expect(ids).not.toContain(otherKind);
      expect((await allTasks(other.client)).flat().map((t) => t.taskId)).toEqual([foreign, theirs]);

      await expect(c.client.experimental.tasks.listTasks('not-a-cursor')).rejects.toThrow(/invalid cursor/);
    } finally {
      await other.close();
    }
  });
});
