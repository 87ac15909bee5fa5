/**
 * Two-way sync end to end: the emulator delivers signed webhooks to the server's HTTP transport
 * while the hierarchy is applied and afterwards. The sync's own writes echoing back are no drift;
 * an issue closed as not planned, a sub-issue moved to another parent and a blocked-by link added
 * on GitHub reach the items once each, as audited drift, and the next plan writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpConfig } from '../../src/config/config.js';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { serveHttp, type HttpHandle } from '../../src/transports/http.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const SECRET = 'emulator-webhook-secret-0123';
const WS = 'acme/hooks';
const SPEC = `# Hooks

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
let http: HttpHandle;
const octokit = () =>
  createOctokit({ token: 'ghp_hooks', baseUrl: gh.url, backoffUnitMs: 1, writeIntervalMs: 0, log: silent });

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_hooks'], timeScale: 600 });
  gh.state.repository('acme', 'hooks');
  c = await connectClient({ github: githubIssueTracker(octokit()) });
  const cfg: HttpConfig = {
    host: '127.0.0.1',
    port: 0,
    authToken: 'mcp-bearer-token',
    identities: [],
    allowedOrigins: [],
    allowedHosts: [],
    sessionIdleSeconds: 1800,
    maxBodyBytes: 1024 * 1024,
    maxSessions: 10,
    webhookSecret: SECRET,
  };
  http = await serveHttp({ ...c.deps, close: async () => undefined }, {}, cfg, c.logger);
  gh.webhooks.config = { url: http.url.replace(/\/mcp$/, '/webhooks/github'), secret: SECRET };
});
afterAll(async () => {
  await http?.close();
  await c?.close();
  await gh?.close();
});

const drift = async () =>
  (await c.store.reader.queryAudit(WS, { action: 'github.drift', limit: 100 })).map((r) => r.entityId);

describe('webhooks from the emulator', () => {
  it('ignores the echo of its own sync and applies changes made on GitHub once', async () => {
    await c.ok('apply_spec', { workspace: WS, text: SPEC, dryRun: false, asOf: '2027-02-10' });
    const { planId } = await c.ok('plan_github_sync', { workspace: WS });
    await c.ok('apply_github_sync', { workspace: WS, planId, dryRun: false });
    await gh.webhooks.settled();
    const echoes = gh.webhooks.deliveries.length;
    expect(echoes).toBeGreaterThan(0);
    expect(gh.webhooks.deliveries.every((d) => d.status === 200)).toBe(true);
    expect(await drift()).toEqual([]);

    const items = (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items as {
      id: string;
      type: string;
      parentId: string | null;
    }[];
    const features = items.filter((i) => i.type === 'feature');
    const tasks = items.filter((i) => i.type === 'task');
    const mappings = await c.store.reader.issueMappings(WS);
    const num = (id: string) => mappings.get(id)!.number;
    const restId = (id: string) => mappings.get(id)!.issueId;
    const [cancelled, moved, blocked, blocker] = [tasks[0]!, tasks[1]!, tasks[2]!, tasks[3]!];
    const target = features.find((f) => f.id !== moved.parentId)!;

    const ok = octokit();
    await ok.rest.issues.update({
      owner: 'acme',
      repo: 'hooks',
      issue_number: num(cancelled.id),
      state: 'closed',
      state_reason: 'not_planned',
    });
    await ok.request('POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', {
      owner: 'acme',
      repo: 'hooks',
      issue_number: num(target.id),
      sub_issue_id: restId(moved.id),
      replace_parent: true,
    });
    await ok.request('POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by', {
      owner: 'acme',
      repo: 'hooks',
      issue_number: num(blocked.id),
      issue_id: restId(blocker.id),
    });
    await gh.webhooks.settled();
    const sent = gh.webhooks.deliveries.slice(echoes);
    expect(sent.map((d) => `${d.event}.${d.action}:${d.status}`)).toEqual([
      'issues.closed:200',
      'sub_issues.sub_issue_added:200',
      'issue_dependencies.blocked_by_added:200',
    ]);

    const item = async (id: string) => (await c.ok('get_item', { workspace: WS, id })).item;
    expect((await item(cancelled.id)).status).toBe('cancelled');
    expect((await item(moved.id)).parentId).toBe(target.id);
    const links = await c.store.reader.listLinks(WS);
    expect(links.some((l) => l.blockerId === blocker.id && l.blockedId === blocked.id)).toBe(true);
    expect((await drift()).sort()).toEqual(expect.arrayContaining([cancelled.id, moved.id]));
    const records = await c.store.reader.queryAudit(WS, { action: 'github.drift', limit: 100 });
    expect(records.every((r) => r.actor.id.startsWith('github:'))).toBe(true);

    // Applied once: the local model now says what GitHub says, so the next plan writes nothing.
    const again = await c.ok('plan_github_sync', { workspace: WS });
    expect(again.budget.contentCreating).toBe(0);
    expect((await c.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });

  it('renames a label on the items that carry it when it is renamed on GitHub, once', async () => {
    const items = (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items as {
      id: string;
      type: string;
    }[];
    const task = items.find((i) => i.type === 'task')!;
    const current = (await c.ok('get_item', { workspace: WS, id: task.id })).item;
    await c.ok('update_item', {
      workspace: WS,
      id: task.id,
      expectedVersion: current.version,
      labels: [...current.labels, 'ux'],
    });
    const { planId } = await c.ok('plan_github_sync', { workspace: WS });
    await c.ok('apply_github_sync', { workspace: WS, planId, dryRun: false });
    await gh.webhooks.settled();
    const before = gh.webhooks.deliveries.length;
    await octokit().request('PATCH /repos/{owner}/{repo}/labels/{name}', {
      owner: 'acme',
      repo: 'hooks',
      name: 'ux',
      new_name: 'design',
    });
    await gh.webhooks.settled();
    expect(gh.webhooks.deliveries.slice(before).map((d) => `${d.event}.${d.action}:${d.status}`)).toEqual([
      'label.edited:200',
    ]);
    const labels = (await c.ok('get_item', { workspace: WS, id: task.id })).item.labels as string[];
    expect(labels).toContain('design');
    expect(labels).not.toContain('ux');
    expect(await drift()).toContain(task.id);
    expect((await c.ok('plan_github_sync', { workspace: WS })).budget.contentCreating).toBe(0);
    expect((await c.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });
});
