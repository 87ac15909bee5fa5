/**
 * reconcile_github_sync against the emulator over real HTTP: changes made on GitHub while no
 * webhook reached the server (an issue closed as not planned, one closed as completed, one retitled)
 * are listed by a dry run that changes nothing, applied as audited drift, and a second run finds
 * nothing; an item changed here after the sync is left for the sync to push.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

const WS = 'acme/recon';
const SPEC = `# Recon

## Cart

- Add an item to the cart
- Remove an item from the cart
- Show the cart total
`;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let c: Connected;

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_recon'], timeScale: 600 });
  gh.state.repository('acme', 'recon');
  const octokit = createOctokit({
    token: 'ghp_recon',
    baseUrl: gh.url,
    backoffUnitMs: 1,
    writeIntervalMs: 0,
    log: silent,
  });
  c = await connectClient({ github: githubIssueTracker(octokit) });
  await c.ok('apply_spec', { workspace: WS, text: SPEC, dryRun: false, asOf: '2027-02-10' });
  const { planId } = await c.ok('plan_github_sync', { workspace: WS });
  await c.ok('apply_github_sync', { workspace: WS, planId, dryRun: false });
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

describe('reconcile_github_sync', () => {
  it('applies what changed on GitHub as drift, once, and leaves local changes to the sync', async () => {
    const tasks = (
      (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items as {
        id: string;
        type: string;
        status: string;
      }[]
    ).filter((i) => i.type === 'task');
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    const mappings = await c.store.reader.issueMappings(WS);
    const issue = (itemId: string) =>
      gh.state.repo('acme', 'recon').issues.find((i) => i.number === mappings.get(itemId)!.number)!;
    const [a, b, d] = tasks as [(typeof tasks)[0], (typeof tasks)[0], (typeof tasks)[0]];
    Object.assign(issue(a.id), { state: 'closed', stateReason: 'not_planned' });
    Object.assign(issue(b.id), { title: 'Remove items from the cart in bulk' });
    // An item changed here after the sync is the sync's to push, whatever GitHub holds.
    c.clock.advance(60_000);
    const current = (await c.ok('get_item', { workspace: WS, id: d.id })).item;
    await c.ok('update_item', {
      workspace: WS,
      id: d.id,
      expectedVersion: current.version,
      title: 'Show the cart total with tax',
    });
    Object.assign(issue(d.id), { title: 'Something else' });

    const seq = await c.auditSeq(WS);
    const dry = await c.ok('reconcile_github_sync', { workspace: WS });
    expect(dry.dryRun).toBe(true);
    expect(
      dry.differences.map((x: { itemId: string; field: string }) => `${x.itemId}:${x.field}`).sort(),
    ).toEqual([`${a.id}:state`, `${b.id}:title`].sort());
    expect(dry.pendingLocal).toEqual([d.id]);
    expect(await c.auditAfter(seq, WS)).toEqual([]);

    const run = await c.ok('reconcile_github_sync', { workspace: WS, dryRun: false });
    expect(run.applied).toBeGreaterThanOrEqual(2);
    const after = async (id: string) => (await c.ok('get_item', { workspace: WS, id })).item;
    expect((await after(a.id)).status).toBe('cancelled');
    expect((await after(b.id)).title).toBe('Remove items from the cart in bulk');
    expect((await after(d.id)).title).toBe('Show the cart total with tax');
    const drift = (await c.auditAfter(seq, WS)).filter((r) => r.action === 'github.drift');
    expect(drift.map((r) => r.entityId).sort()).toEqual([a.id, b.id].sort());
    expect(drift.every((r) => r.tool === 'reconcile_github_sync')).toBe(true);

    const again = await c.ok('reconcile_github_sync', { workspace: WS, dryRun: false });
    expect(again.differences).toEqual([]);
    expect(again.applied).toBe(0);
    const verified = await c.ok('verify_audit', { workspace: WS });
    expect(verified, JSON.stringify(verified).slice(0, 800)).toMatchObject({ ok: true });
  });
});
