/** The tracker's pull request lookup (the completion gate's question to GitHub), against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
const trackerFor = (token: string) =>
  githubIssueTracker(
    createOctokit({
      token,
      baseUrl: gh.url,
      backoffUnitMs: 1,
      writeIntervalMs: 0,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    }),
  );

beforeAll(async () => {
  gh = await startGitHubEmulator({
    seed: {
      owners: [{ login: 'acme', type: 'Organization' }],
      repositories: [
        {
          owner: 'acme',
          name: 'web',
          pullRequests: [
            { title: 'Open' },
            { title: 'Merged', merged: true },
            { title: 'Dropped', state: 'closed' },
            { title: 'Draft', draft: true },
          ],
        },
      ],
      tokens: [
        { token: 'reader', login: 'octocat', permissions: { pull_requests: 'read', metadata: 'read' } },
        { token: 'issues-only', login: 'octocat', permissions: { issues: 'write', metadata: 'read' } },
      ],
    },
  });
});
afterAll(async () => {
  await gh?.close();
});

describe('IssueTracker.pullRequest', () => {
  it('answers each pull request with its state, and undefined for a number that is none', async () => {
    const t = trackerFor('reader');
    const got = await Promise.all([1, 2, 3, 4, 99].map((n) => t.pullRequest('acme', 'web', n)));
    expect(got.map((p) => (typeof p === 'object' ? [p.number, p.state, p.merged, p.draft] : p))).toEqual([
      [1, 'open', false, false],
      [2, 'closed', true, false],
      [3, 'closed', false, false],
      [4, 'open', false, true],
      undefined,
    ]);
    expect(got[0]).toMatchObject({ url: expect.stringMatching(/\/acme\/web\/pull\/1$/) });
  });

  it("says 'forbidden' for a token that may not read pull requests, and fails for a token GitHub does not know", async () => {
    expect(await trackerFor('issues-only').pullRequest('acme', 'web', 1)).toBe('forbidden');
    await expect(trackerFor('nobody').pullRequest('acme', 'web', 1)).rejects.toMatchObject({
      code: 'GITHUB.UNAUTHORIZED',
    });
  });
});
