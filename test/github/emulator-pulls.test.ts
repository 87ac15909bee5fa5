/**
 * Pull requests in the emulator, read through @octokit/rest: `pulls/get` for open, closed, merged and
 * draft ones, GitHub's 404 for an unknown number and for an issue's, one number sequence shared with
 * issues, and the three ways tests make them (seed, `state.createPullRequest`, `POST /_emulator/pulls`).
 */
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './emulator/client.js';
import { EmulatorError } from './emulator/errors.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let octokit: Octokit;
let api: ReturnType<typeof client>;
const web = { owner: 'acme', repo: 'web' };

const octokitFor = (token: string) => new Octokit({ auth: token, baseUrl: gh.url, log: silent });
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const get = (pull_number: number, repo = web) => octokit.rest.pulls.get({ ...repo, pull_number });
/** The 422 message the state refuses with (the test fails when it does not refuse). */
function refusal(change: () => unknown): string | undefined {
  try {
    change();
  } catch (err) {
    if (err instanceof EmulatorError && err.status === 422) return err.errors?.[0]?.message;
    throw err;
  }
  throw new Error('expected a refusal');
}
const control = async (body: unknown) => {
  const res = await fetch(`${gh.url}/_emulator/pulls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  gh = await startGitHubEmulator({
    seed: {
      owners: [{ login: 'acme', type: 'Organization' }, { login: 'octocat' }],
      repositories: [
        {
          owner: 'acme',
          name: 'web',
          pullRequests: [
            { title: 'Seeded open', head: 'feature/a', body: 'Adds a' },
            { title: 'Seeded merged', merged: true, user: 'hubot', base: 'develop' },
          ],
        },
        { owner: 'acme', name: 'api' },
      ],
      tokens: [
        { token: 'test-token', login: 'octocat', permissions: { '*': 'admin' } },
        { token: 'issues-only', login: 'octocat', permissions: { issues: 'write', metadata: 'read' } },
        { token: 'pulls-reader', login: 'octocat', permissions: { pull_requests: 'read', metadata: 'read' } },
      ],
    },
  });
  octokit = octokitFor('test-token');
  api = client(gh.url);
});
afterAll(() => gh?.close());

describe('GitHub emulator: pulls/get', () => {
  it('answers the seeded pull requests, numbered before the issues created later', async () => {
    const open = await get(1);
    expect(open.status).toBe(200);
    expect(open.data).toMatchObject({
      number: 1,
      title: 'Seeded open',
      body: 'Adds a',
      state: 'open',
      merged: false,
      merged_at: null,
      closed_at: null,
      draft: false,
      mergeable: true,
      mergeable_state: 'clean',
      user: { login: 'octocat' },
      head: { ref: 'feature/a', label: 'acme:feature/a', repo: { full_name: 'acme/web' } },
      base: { ref: 'main', repo: { default_branch: 'main' } },
    });
    expect(open.data.head.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(open.data.html_url).toBe(`${gh.url}/acme/web/pull/1`);
    expect(open.data.url).toBe(`${gh.url}/repos/acme/web/pulls/1`);
    expect(open.data.issue_url).toBe(`${gh.url}/repos/acme/web/issues/1`);
    const merged = await get(2);
    expect(merged.data).toMatchObject({
      number: 2,
      state: 'closed',
      merged: true,
      user: { login: 'hubot' },
      merged_by: { login: 'hubot' },
      base: { ref: 'develop' },
      mergeable: null,
    });
    expect(merged.data.merged_at).not.toBeNull();
    expect(merged.data.merged_at).toBe(merged.data.closed_at);
    expect(merged.data.merge_commit_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(merged.data.head.sha).not.toBe(open.data.head.sha);
    const issue = await octokit.rest.issues.create({ ...web, title: 'after the seed' });
    expect(issue.data.number).toBe(3);
  });

  it('answers open, closed, merged and draft pull requests made through the state', async () => {
    const repo = gh.state.repo('acme', 'api');
    const made = {
      open: gh.state.createPullRequest(repo, { title: 'open one' }),
      closed: gh.state.createPullRequest(repo, { title: 'closed one', state: 'closed' }),
      merged: gh.state.createPullRequest(repo, { title: 'merged one', merged: true }),
      draft: gh.state.createPullRequest(repo, { title: 'draft one', draft: true }),
    };
    const api_ = { owner: 'acme', repo: 'api' };
    const read = async (n: number) => (await get(n, api_)).data;
    const open = await read(made.open.number);
    expect(open).toMatchObject({ title: 'open one', state: 'open', merged: false, draft: false });
    const closed = await read(made.closed.number);
    expect(closed).toMatchObject({ title: 'closed one', state: 'closed', merged: false, merged_at: null });
    expect(closed.closed_at).not.toBeNull();
    expect(closed.merged_by).toBeNull();
    const merged = await read(made.merged.number);
    expect(merged).toMatchObject({ title: 'merged one', state: 'closed', merged: true, draft: false });
    expect(merged.merged_at).not.toBeNull();
    const draft = await read(made.draft.number);
    expect(draft).toMatchObject({ title: 'draft one', state: 'open', draft: true, mergeable_state: 'draft' });
    expect(new Set([open.id, closed.id, merged.id, draft.id]).size).toBe(4);

    // State changes after creation show in the next answer.
    gh.state.mergePullRequest(made.open);
    expect(await read(made.open.number)).toMatchObject({ state: 'closed', merged: true });
    gh.state.closePullRequest(made.draft);
    expect(await read(made.draft.number)).toMatchObject({ state: 'closed', merged: false, draft: true });
    gh.state.updatePullRequest(made.closed, { state: 'open' });
    expect(await read(made.closed.number)).toMatchObject({ state: 'open', closed_at: null });
    expect(refusal(() => gh.state.updatePullRequest(made.merged, { state: 'open' }))).toMatch(/reopened/);
    expect(refusal(() => gh.state.mergePullRequest(made.merged))).toMatch(/already merged/);
    expect(refusal(() => gh.state.mergePullRequest(made.draft))).toMatch(/not mergeable/);
    expect(
      refusal(() => gh.state.createPullRequest(repo, { title: 'x', merged: true, state: 'open' })),
    ).toMatch(/merged pull request is closed/);
    expect(refusal(() => gh.state.createPullRequest(repo, { title: ' ' }))).toMatch(/blank/);
    expect((await read(made.merged.number)).merged).toBe(true);
  });

  it('answers 404 for an unknown number and for an issue, and issues/get for a pull request', async () => {
    const issue = await octokit.rest.issues.create({ ...web, title: 'just an issue' });
    await expect(get(issue.data.number)).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found', status: '404' } },
    });
    await expect(get(9999)).rejects.toMatchObject({ status: 404 });
    await expect(get(1, { owner: 'acme', repo: 'nope' })).rejects.toMatchObject({ status: 404 });
    const asIssue = await octokit.rest.issues.get({ ...web, issue_number: 2 });
    expect(asIssue.data).toMatchObject({ number: 2, title: 'Seeded merged', state: 'closed' });
    expect(asIssue.data.pull_request).toMatchObject({ url: `${gh.url}/repos/acme/web/pulls/2` });
    expect(asIssue.data.pull_request?.merged_at).not.toBeNull();
    const plain = await octokit.rest.issues.get({ ...web, issue_number: issue.data.number });
    expect(plain.data.pull_request).toBeUndefined();
  });

  it('shares one number sequence with issues, and keeps pull requests out of the issue list', async () => {
    const repo = gh.state.repo('acme', 'web');
    const numbers: number[] = [];
    const pulls: number[] = [];
    for (let n = 0; n < 3; n++) {
      numbers.push((await octokit.rest.issues.create({ ...web, title: `issue ${n}` })).data.number);
      const p = gh.state.createPullRequest(repo, { title: `pull ${n}` });
      numbers.push(p.number);
      pulls.push(p.number);
    }
    const first = numbers[0]!;
    expect(numbers).toEqual(numbers.map((_, i) => first + i));
    for (const n of pulls) expect((await get(n)).data.title).toMatch(/^pull /);
    const listed = await octokit.paginate(octokit.rest.issues.listForRepo, { ...web, state: 'all' });
    const listedNumbers = listed.map((i) => i.number);
    for (const n of pulls) expect(listedNumbers).not.toContain(n);
    expect(listedNumbers).toContain(first);
    // An issue after pull requests is found by its number, over REST and GraphQL.
    const after = numbers[2]!;
    expect((await octokit.rest.issues.get({ ...web, issue_number: after })).data.title).toBe('issue 1');
    const q = await api.graphql(
      'query($n: Int!, $p: Int!) { repository(owner: "acme", name: "web") { i: issue(number: $n) { title } p: issue(number: $p) { title } } }',
      { n: after, p: pulls[0]! },
    );
    expect(q.body.data.repository).toEqual({ i: { title: 'issue 1' }, p: null });
  });

  it('needs the pull_requests read permission', async () => {
    const denied = octokitFor('issues-only').rest.pulls.get({ ...web, pull_number: 1 });
    await expect(denied).rejects.toMatchObject({
      status: 403,
      response: { headers: { 'x-accepted-github-permissions': 'pull_requests=read' } },
    });
    const allowed = await octokitFor('pulls-reader').rest.pulls.get({ ...web, pull_number: 1 });
    expect(allowed.data.title).toBe('Seeded open');
  });
});

describe('GitHub emulator: POST /_emulator/pulls', () => {
  it('creates a pull request answered 201 as pulls/get answers it', async () => {
    const made = await control({ ...web, title: 'from control', draft: true, body: 'b', head: 'topic' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ title: 'from control', state: 'open', draft: true, merged: false });
    const read = await get(made.body.number);
    expect(read.data).toEqual(made.body);
    expect(read.data.head.ref).toBe('topic');
    const next = await octokit.rest.issues.create({ ...web, title: 'after control' });
    expect(next.data.number).toBe(made.body.number + 1);

    const merged = await control({ ...web, title: 'merged via control', merged: true });
    expect(merged.body).toMatchObject({ state: 'closed', merged: true, number: made.body.number + 2 });
    const closed = await control({ ...web, title: 'closed via control', state: 'closed' });
    expect((await get(closed.body.number)).data).toMatchObject({ state: 'closed', merged: false });
  });

  it('refuses an unknown repository, a missing or blank title, bad types and impossible states', async () => {
    const before = gh.state.repo('acme', 'web').pullRequests.length;
    expect((await control({ owner: 'acme', repo: 'nope', title: 'x' })).status).toBe(404);
    expect(await control({ ...web })).toMatchObject({
      status: 400,
      body: { message: '"title" is required' },
    });
    expect((await control({ ...web, title: '  ' })).status).toBe(422);
    expect((await control({ ...web, title: 'x', merged: 'yes' })).status).toBe(400);
    expect((await control({ ...web, title: 'x', state: 'merged' })).status).toBe(422);
    expect((await control({ ...web, title: 'x', state: 'open', merged: true })).status).toBe(422);
    expect((await control({ ...web, title: 'x', draft: true, merged: true })).status).toBe(422);
    expect((await control('{"owner": ')).status).toBe(400);
    expect(gh.state.repo('acme', 'web').pullRequests).toHaveLength(before);
  });
});
