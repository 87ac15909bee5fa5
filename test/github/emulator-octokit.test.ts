/**
 * The project's Octokit (src/github/octokit.ts) against the emulator over real HTTP: REST with
 * pagination, GraphQL, and GitHub's secondary-limit answer understood by the throttling plugin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit, type GitHubClient } from '../../src/github/octokit.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let octokit: GitHubClient;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_octokit'] });
  octokit = createOctokit({
    token: 'ghp_octokit',
    baseUrl: gh.url,
    backoffUnitMs: 1,
    writeIntervalMs: 0,
    log: silent,
  });
});
afterAll(() => gh?.close());

describe('GitHub emulator with the project Octokit', () => {
  it('creates over REST, pages the list, links a sub-issue and reads it all back over GraphQL', async () => {
    const parent = await octokit.rest.issues.create({
      owner: 'acme',
      repo: 'web',
      title: 'Epic',
      type: 'Epic',
    });
    for (let n = 0; n < 3; n++) {
      const child = await octokit.rest.issues.create({ owner: 'acme', repo: 'web', title: `Task ${n}` });
      await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', {
        owner: 'acme',
        repo: 'web',
        issue_number: parent.data.number,
        sub_issue_id: child.data.id,
      });
    }
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: 'acme',
      repo: 'web',
      per_page: 2,
    });
    expect(all).toHaveLength(4);
    const q = await octokit.graphql<any>(
      `query($id: ID!) { node(id: $id) { ... on Issue { issueType { name } subIssues(first: 10) { nodes { title } } } } }`,
      { id: parent.data.node_id },
    );
    expect(q.node.issueType.name).toBe('Epic');
    expect(q.node.subIssues.nodes.map((n: any) => n.title)).toEqual(['Task 0', 'Task 1', 'Task 2']);
  });

  it('waits out a secondary limit once, as GitHub asks with retry-after', async () => {
    gh.fault({ kind: 'secondary-limit', operation: 'issues/create', retryAfter: 1 });
    const before = gh.requests.length;
    const made = await octokit.rest.issues.create({ owner: 'acme', repo: 'web', title: 'after a pause' });
    expect(made.status).toBe(201);
    expect(gh.requests.slice(before).map((r) => r.status)).toEqual([403, 201]);
  });

  it('surfaces a lost response without repeating the write', async () => {
    gh.fault({ kind: 'lost-response', operation: 'issues/create' });
    const before = gh.state.repo('acme', 'web').issues.length;
    await expect(octokit.rest.issues.create({ owner: 'acme', repo: 'web', title: 'lost' })).rejects.toThrow();
    expect(gh.state.repo('acme', 'web').issues.length).toBe(before + 1);
  });
});
