/**
 * What GitHub drops without an error is reported, not hidden: a token that may open issues but not
 * triage them (`triage: read` in the emulator's seed) gets its issues created without their labels,
 * milestone or type, and apply_github_sync's read-back lists those fields per issue as `unapplied`,
 * counts the writes a new plan would still make, and records them in the github.synced audit record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { DEFAULT_SEED, FULL_ACCESS } from './emulator/seed.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const WS = 'acme/drop';
const SPEC = `# Drop

## Cart

- Add an item to the cart
- Remove an item from the cart
`;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let c: Connected;

beforeAll(async () => {
  gh = await startGitHubEmulator({
    timeScale: 600,
    seed: {
      ...DEFAULT_SEED,
      owners: [...(DEFAULT_SEED.owners ?? []), { login: 'contributor', type: 'User' }],
      repositories: [{ owner: 'acme', name: 'drop' }],
      tokens: [
        { token: 'ghp_admin', login: 'octocat', permissions: FULL_ACCESS },
        { token: 'ghp_contrib', login: 'contributor', permissions: { '*': 'admin', triage: 'read' } },
      ],
    },
  });
  const octokit = createOctokit({
    token: 'ghp_contrib',
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

describe('fields GitHub drops silently', () => {
  it('are listed per issue as unapplied after the read-back, and audited', async () => {
    const { planId, counts } = await c.ok('plan_github_sync', { workspace: WS });
    const seq = await c.auditSeq(WS);
    const r = await c.ok('apply_github_sync', { workspace: WS, planId, dryRun: false });
    expect(r.created).toHaveLength(counts.issuesToCreate);
    const issues = gh.state.repo('acme', 'drop').issues;
    expect(issues).toHaveLength(counts.issuesToCreate);
    // Nothing the create carried beyond title and body stayed.
    expect(issues.every((i) => i.labels.length === 0 && i.type === null)).toBe(true);
    expect(r.unapplied).toHaveLength(issues.length);
    for (const u of r.unapplied as { fields: string[] }[])
      expect(u.fields).toEqual(expect.arrayContaining(['labels', 'issueType']));
    expect(r.remainingWrites).toBeGreaterThanOrEqual(issues.length);
    const synced = (await c.auditAfter(seq, WS)).find((x) => x.action === 'github.synced')!;
    expect((synced.diff.unapplied!.new as string[]).length).toBe(issues.length);
  });
});
