/**
 * readRepositoryState against the emulator over real HTTP: the GraphQL documents pass GitHub's
 * schema (the emulator validates them), every field the diff compares comes back, reads are
 * 1 + ceil(issues / 100), and failures are typed GitHub errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/governance/errors.js';
import { createOctokit, type GitHubClient } from '../../src/github/octokit.js';
import { readRepositoryState } from '../../src/github/repository-state.js';
import { addBlockedBy, addSubIssue } from './emulator/relations.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let octokit: GitHubClient;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const client = (token: string) =>
  createOctokit({ token, baseUrl: gh.url, backoffUnitMs: 1, writeIntervalMs: 0, log: silent });

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_state'] });
  octokit = client('ghp_state');
});
afterAll(() => gh?.close());

describe('readRepositoryState', () => {
  it('reads labels, milestones, issue types and every compared issue field', async () => {
    const repo = gh.state.repository('acme', 'state');
    const author = gh.state.owner('octocat');
    gh.state.createLabel(repo, 'type:task', 'A2EEEF', 'A unit of work');
    gh.state.createLabel(repo, 'frontend');
    gh.state.createMilestone(repo, 'v1', { dueOn: '2027-03-01T07:00:00Z', description: 'First' });
    const epic = gh.state.createIssue(repo, author, { title: 'Checkout', type: 'Epic', body: 'E body' });
    const task = gh.state.createIssue(repo, author, {
      title: 'Add to cart',
      labels: ['type:task', 'frontend'],
      milestone: 1,
    });
    const other = gh.state.createIssue(repo, author, { title: 'Blocker' });
    addSubIssue(epic, task);
    addBlockedBy(gh.state, task, other);
    gh.state.updateIssue(other, { state: 'closed', stateReason: 'not_planned' });

    const snap = await readRepositoryState(octokit, 'acme', 'state');
    expect(snap.requests).toBe(2);
    expect(snap.issueTypes.map((t) => t.name)).toEqual(['Epic', 'Feature', 'Task', 'Bug']);
    expect(snap.current.labels).toEqual([
      { name: 'type:task', color: 'A2EEEF', description: 'A unit of work' },
      { name: 'frontend', color: 'ededed', description: '' },
    ]);
    expect(snap.current.milestones).toEqual([
      { number: 1, title: 'v1', description: 'First', dueOn: '2027-03-01', state: 'open' },
    ]);
    const byNumber = new Map(snap.current.issues.map((i) => [i.number, i]));
    expect(byNumber.get(epic.number)).toMatchObject({ title: 'Checkout', body: 'E body', issueType: 'Epic' });
    expect(byNumber.get(task.number)).toMatchObject({
      id: task.id,
      nodeId: task.nodeId,
      labels: ['type:task', 'frontend'],
      milestoneTitle: 'v1',
      parentNumber: epic.number,
      blockedBy: [other.number],
      state: 'open',
      stateReason: null,
    });
    expect(byNumber.get(other.number)).toMatchObject({ state: 'closed', stateReason: 'not_planned' });
    expect(snap.labelIds.get('frontend')).toEqual(expect.any(String));
    expect(snap.milestoneIds.get('v1')).toEqual(expect.any(String));
  });

  it('pages issues 100 at a time: 250 issues in 1 + 3 reads', async () => {
    const repo = gh.state.repository('acme', 'many');
    const author = gh.state.owner('octocat');
    for (let n = 1; n <= 250; n++) gh.state.createIssue(repo, author, { title: `Issue ${n}` });
    const before = gh.requests.length;
    const snap = await readRepositoryState(octokit, 'acme', 'many');
    expect(snap.current.issues.map((i) => i.number)).toEqual(Array.from({ length: 250 }, (_, k) => k + 1));
    expect(snap.requests).toBe(4);
    expect(gh.requests.slice(before).map((r) => [r.route, r.status])).toEqual(
      Array.from({ length: 4 }, () => ['graphql', 200]),
    );
  });

  it('pages labels and milestones past 100', async () => {
    const repo = gh.state.repository('acme', 'labels');
    for (let n = 1; n <= 130; n++) gh.state.createLabel(repo, `label-${n}`);
    for (let n = 1; n <= 105; n++) gh.state.createMilestone(repo, `m${n}`);
    const snap = await readRepositoryState(octokit, 'acme', 'labels');
    expect(snap.current.labels).toHaveLength(130);
    expect(snap.current.milestones).toHaveLength(105);
    expect(snap.requests).toBe(4);
  });

  it('answers GITHUB.NOT_FOUND for a repository that does not exist', async () => {
    const err = await readRepositoryState(octokit, 'acme', 'nope').catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe('GITHUB.NOT_FOUND');
  });

  it('answers GITHUB.UNAUTHORIZED for a token GitHub does not know', async () => {
    const err = await readRepositoryState(client('ghp_unknown'), 'acme', 'web').catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe('GITHUB.UNAUTHORIZED');
  });
});
