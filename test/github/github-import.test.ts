/**
 * import_github_issues against the emulator over real HTTP: a repository this server never wrote
 * (an epic by issue type, a feature by type label, tasks found by the sub-issue tree, a closed and
 * a not-planned issue, a blocked-by link) is previewed without a write, imported in one go with a
 * mapping row per issue, imported again without a change, and then synced without a create.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { addBlockedBy, addSubIssue } from './emulator/relations.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const WS = 'acme/legacy';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let c: Connected;

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_import'], timeScale: 600 });
  const repo = gh.state.repository('acme', 'legacy');
  const me = repo.owner;
  const st = gh.state;
  const epic = st.createIssue(repo, me, { title: 'Checkout', body: 'Everything about paying', type: 'Epic' });
  st.createLabel(repo, 'type:feature');
  const feature = st.createIssue(repo, me, { title: 'Card payments', labels: ['type:feature'] });
  const t1 = st.createIssue(repo, me, { title: 'Accept Visa', body: 'Use the gateway' });
  const t2 = st.createIssue(repo, me, { title: 'Accept Mastercard' });
  const t3 = st.createIssue(repo, me, { title: 'Accept Amex' });
  addSubIssue(epic, feature);
  for (const t of [t1, t2, t3]) addSubIssue(feature, t);
  addBlockedBy(st, t2, t1);
  st.updateIssue(t1, { state: 'closed' });
  st.updateIssue(t3, { state: 'closed', stateReason: 'not_planned' });
  const octokit = createOctokit({
    token: 'ghp_import',
    baseUrl: gh.url,
    backoffUnitMs: 1,
    writeIntervalMs: 0,
    log: silent,
  });
  c = await connectClient({ github: githubIssueTracker(octokit) });
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

describe('import_github_issues', () => {
  it('previews, imports once with mapping rows, re-imports as a no-op, and syncs without creating', async () => {
    const dry = await c.ok('import_github_issues', { workspace: WS });
    expect(dry.report.dryRun).toBe(true);
    expect(
      dry.decisions.map(
        (d: { number: number; type: string; rule: string }) => `${d.number}:${d.type}:${d.rule}`,
      ),
    ).toEqual([
      '1:epic:issue type',
      '2:feature:type label',
      '3:task:sub-issue tree',
      '4:task:sub-issue tree',
      '5:task:sub-issue tree',
    ]);
    expect(await c.store.reader.countItems(WS)).toBe(0);

    const bad = await c.failure('import_github_issues', {
      workspace: WS,
      types: { '99': 'epic' },
      dryRun: false,
    });
    expect(bad.code).toBe('INPUT.INVALID');

    const seq = await c.auditSeq(WS);
    const run = await c.ok('import_github_issues', { workspace: WS, dryRun: false });
    expect(run.report.totals.created).toBe(5);
    expect(run.mapped).toBe(5);
    const items = (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items as {
      id: string;
      type: string;
      title: string;
      status: string;
      parentId: string | null;
    }[];
    const byTitle = new Map(items.map((i) => [i.title, i]));
    expect(byTitle.get('Accept Visa')).toMatchObject({
      type: 'task',
      status: 'done',
      parentId: byTitle.get('Card payments')!.id,
    });
    expect(byTitle.get('Accept Amex')!.status).toBe('cancelled');
    expect(byTitle.get('Card payments')!.parentId).toBe(byTitle.get('Checkout')!.id);
    const links = await c.store.reader.listLinks(WS);
    expect(links).toEqual([
      expect.objectContaining({
        blockerId: byTitle.get('Accept Visa')!.id,
        blockedId: byTitle.get('Accept Mastercard')!.id,
      }),
    ]);
    const records = await c.auditAfter(seq, WS);
    expect(records.filter((r) => r.action === 'github.issue_linked')).toHaveLength(5);
    expect((await c.store.reader.issueMappings(WS)).size).toBe(5);

    const again = await c.ok('import_github_issues', { workspace: WS, dryRun: false });
    expect(again.managed).toBe(5);
    expect(again.decisions).toEqual([]);
    expect(again.mapped).toBe(0);

    // The sync now owns them: no create, no second issue.
    const plan = await c.ok('plan_github_sync', { workspace: WS });
    expect(plan.counts.issuesToCreate).toBe(0);
    await c.ok('apply_github_sync', { workspace: WS, planId: plan.planId, dryRun: false });
    expect(gh.state.repo('acme', 'legacy').issues).toHaveLength(5);
    expect((await c.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });
});
