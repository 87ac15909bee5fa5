/**
 * plan_github_sync and apply_github_sync through the MCP surface, against the GitHub emulator over
 * real HTTP: a spec's hierarchy planned, refused when stale, applied with mapping rows and audit
 * records, and a second plan with nothing to write; without GitHub access, GITHUB.NOT_CONFIGURED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/governance/github-sync/marker.js';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

const WS = 'acme/shop';
const SPEC = `# Shop

## Cart

- Add an item to the cart
- Remove an item from the cart

## Payment

- Pay by card
- Refund a payment
`;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let c: Connected;

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_tools'], timeScale: 600 });
  gh.state.repository('acme', 'shop');
  const octokit = createOctokit({
    token: 'ghp_tools',
    baseUrl: gh.url,
    backoffUnitMs: 1,
    writeIntervalMs: 0,
    log: silent,
  });
  c = await connectClient({ github: githubIssueTracker(octokit) });
  await c.ok('apply_spec', { workspace: WS, text: SPEC, dryRun: false, asOf: '2027-02-10' });
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

describe('GitHub sync tools', () => {
  it('plans, refuses a stale plan, applies with mapping and audit, and then has nothing to write', async () => {
    const plan = await c.ok('plan_github_sync', { workspace: WS });
    const items = (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items as { id: string }[];
    expect(plan.counts.issuesToCreate).toBe(items.length);
    expect(plan.problems).toEqual([]);
    expect(gh.state.repo('acme', 'shop').issues).toHaveLength(0);

    const check = await c.ok('apply_github_sync', { workspace: WS, planId: plan.planId });
    expect(check).toMatchObject({ dryRun: true, created: [] });
    expect(gh.state.repo('acme', 'shop').issues).toHaveLength(0);

    // The hierarchy changes: the plan no longer holds.
    await c.ok('create_item', { workspace: WS, type: 'task', title: 'Late task', parentId: items[1]!.id });
    const stale = await c.failure('apply_github_sync', { workspace: WS, planId: plan.planId, dryRun: false });
    expect(stale.code).toBe('SYNC.PLAN_STALE');
    expect(gh.state.repo('acme', 'shop').issues).toHaveLength(0);

    const fresh = await c.ok('plan_github_sync', { workspace: WS });
    const seq = await c.auditSeq(WS);
    const applied = await c.ok('apply_github_sync', { workspace: WS, planId: fresh.planId, dryRun: false });
    expect(applied.created).toHaveLength(items.length + 1);
    // Read back after the run: GitHub holds everything as written.
    expect(applied).toMatchObject({ unapplied: [], remainingWrites: 0 });
    const onGitHub = gh.state.repo('acme', 'shop').issues;
    expect(onGitHub.map((i) => parseMarker(i.body)?.itemId).sort()).toEqual(
      applied.created.map((x: { itemId: string }) => x.itemId).sort(),
    );
    const records = await c.auditAfter(seq, WS);
    expect(records.filter((r) => r.action === 'github.issue_created')).toHaveLength(items.length + 1);
    // The apply ran as a job: queued, its steps, then the sync record, then its end.
    expect(records.map((r) => r.action).filter((a) => !a.startsWith('github.issue'))).toEqual([
      'job.created',
      'spec.stage_updated',
      'github.synced',
      'job.finished',
    ]);
    expect(records.find((r) => r.action === 'github.synced')).toMatchObject({
      entityType: 'github',
      tool: 'apply_github_sync',
      actor: { id: 'test:alice' },
    });
    expect(applied.jobId).toMatch(/^J-/);
    const job = (await c.ok('get_job', { workspace: WS, jobId: applied.jobId })).job;
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(job.steps.map((s: { key: string; state: string }) => `${s.key}:${s.state}`)).toEqual([
      'check:done',
      'write:done',
      'readback:done',
    ]);
    const mappings = await c.store.reader.issueMappings(WS);
    expect(mappings.size).toBe(items.length + 1);
    expect((await c.ok('verify_audit', { workspace: WS })).ok).toBe(true);

    const again = await c.ok('plan_github_sync', { workspace: WS });
    expect(again.budget.contentCreating).toBe(0);
    expect(again.counts.issuesToCreate).toBe(0);

    const spec = await c.client.readResource({ uri: 'governance://acme/shop/specs/shop' });
    const stored = JSON.parse((spec.contents[0] as { text: string }).text);
    expect(stored.status.github_generation).toMatchObject({
      state: 'done',
      counts: { onGitHub: items.length },
    });

    const res = await c.client.readResource({ uri: 'governance://acme/shop/sync' });
    const sync = JSON.parse((res.contents[0] as { text: string }).text);
    expect(sync).toMatchObject({
      workspace: WS,
      configured: true,
      items: items.length + 1,
      itemsOnGitHub: items.length + 1,
      itemsNotOnGitHub: 0,
      lastSync: { planId: fresh.planId, created: items.length + 1, actor: 'test:alice' },
    });
  });

  it('answers GITHUB.NOT_CONFIGURED without GitHub access, naming the variable', async () => {
    const bare = await connectClient();
    try {
      const f = await bare.failure('plan_github_sync', { workspace: WS });
      expect(f.code).toBe('GITHUB.NOT_CONFIGURED');
      expect(f.hint).toContain('GITHUB_TOKEN');
    } finally {
      await bare.close();
    }
  });
});
