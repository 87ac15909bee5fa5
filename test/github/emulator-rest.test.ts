/**
 * The emulator's REST surface over real HTTP: requests are judged by GitHub's OpenAPI description,
 * tokens by their permissions, and GitHub's limits on sub-issues and dependencies hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './emulator/client.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let api: ReturnType<typeof client>;
const R = '/repos/acme/web';

beforeAll(async () => {
  gh = await startGitHubEmulator({
    // The limit tests fill GitHub's sub-issue and dependency limits faster than 80 writes a minute.
    limits: { contentPerMinute: 10_000, contentPerHour: 10_000 },
    seed: {
      owners: [
        { login: 'acme', type: 'Organization' },
        { login: 'other', type: 'Organization' },
        { login: 'octocat' },
        { login: 'hubot' },
      ],
      repositories: [
        { owner: 'acme', name: 'web' },
        { owner: 'acme', name: 'api' },
        { owner: 'other', name: 'lib' },
      ],
      issueTypes: { acme: [{ name: 'Epic' }, { name: 'Task' }] },
      tokens: [
        { token: 'test-token', login: 'octocat', permissions: { '*': 'admin' } },
        { token: 'reader', login: 'hubot', permissions: { issues: 'read', metadata: 'read' } },
        { token: 'writer', login: 'hubot', permissions: { issues: 'write', metadata: 'read' } },
      ],
    },
  });
  api = client(gh.url);
});
afterAll(() => gh?.close());

const create = async (title: string, extra: Record<string, unknown> = {}, repo = R) => {
  const r = await api.post(`${repo}/issues`, { title, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};

describe('GitHub emulator: REST validated against the OpenAPI description', () => {
  it.each([
    {
      name: 'a title of the wrong type',
      body: { title: true },
      message: /properties\/title.*true is not a string or integer/s,
    },
    { name: 'labels given as a string', body: { title: 'x', labels: 'bug' }, message: /properties\/labels/ },
    { name: 'no title', body: { body: 'x' }, message: /"title" wasn't supplied/ },
  ])('refuses $name with 422', async ({ body, message }) => {
    const before = gh.state.repo('acme', 'web').issues.length;
    const r = await api.post(`${R}/issues`, body);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      status: '422',
      documentation_url: expect.stringContaining('docs.github.com'),
    });
    expect(r.body.message).toMatch(message);
    expect(gh.state.repo('acme', 'web').issues).toHaveLength(before);
  });

  it('refuses a query parameter outside its enum, and malformed JSON with 400', async () => {
    expect((await api.get(`${R}/issues?state=bogus`)).status).toBe(422);
    const bad = await api.call('POST', `${R}/issues`, '{"title": ');
    expect(bad).toMatchObject({ status: 400, body: { message: 'Problems parsing JSON' } });
  });

  it('answers an unknown route with GitHub 404 JSON', async () => {
    const r = await api.get('/repos/acme/web/nonsense');
    expect(r).toMatchObject({ status: 404, body: { message: 'Not Found', status: '404' } });
  });

  it('creates an issue with labels, milestone, assignees and type, and lists it by each', async () => {
    const m = await api.post(`${R}/milestones`, { title: 'v1' });
    expect(m.status).toBe(201);
    const i = await create('Checkout', {
      body: 'marker:abc-123',
      labels: ['epic'],
      milestone: m.body.number,
      assignees: ['octocat'],
      type: 'Epic',
    });
    expect(i).toMatchObject({
      number: expect.any(Number),
      id: expect.any(Number),
      node_id: expect.stringMatching(/^I_/),
      labels: [{ name: 'epic' }],
      milestone: { number: m.body.number },
      assignees: [{ login: 'octocat' }],
      type: { name: 'Epic' },
      state: 'open',
    });
    for (const q of ['labels=epic', `milestone=${m.body.number}`, 'assignee=octocat', 'type=Epic']) {
      const list = await api.get(`${R}/issues?${q}`);
      expect(
        list.body.map((x: any) => x.number),
        q,
      ).toContain(i.number);
    }
    const found = await api.get(
      `/search/issues?q=${encodeURIComponent('"marker:abc-123" in:body repo:acme/web')}`,
    );
    expect(found.body).toMatchObject({ total_count: 1, items: [{ number: i.number }] });
    const closed = await api.patch(`${R}/issues/${i.number}`, {
      state: 'closed',
      state_reason: 'not_planned',
    });
    expect(closed.body).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect((await api.get(`${R}/issues?state=closed`)).body.map((x: any) => x.number)).toContain(i.number);
  });

  it('sets and removes labels and assignees', async () => {
    const i = await create('relabel', { labels: ['a', 'b'], assignees: ['octocat', 'hubot'] });
    const set = await api.call('PUT', `${R}/issues/${i.number}/labels`, { labels: ['c', 'b'] });
    expect(set.body.map((l: any) => l.name)).toEqual(['c', 'b']);
    const removed = await api.del(`${R}/issues/${i.number}/labels/c`);
    expect(removed.body.map((l: any) => l.name)).toEqual(['b']);
    expect((await api.del(`${R}/issues/${i.number}/labels/zzz`)).status).toBe(404);
    const un = await api.del(`${R}/issues/${i.number}/assignees`, { assignees: ['hubot'] });
    expect(un.body.assignees.map((a: any) => a.login)).toEqual(['octocat']);
  });

  it('pages lists with a Link header', async () => {
    for (let n = 0; n < 3; n++) await create(`page ${n}`, {}, '/repos/acme/api');
    const first = await api.get('/repos/acme/api/issues?per_page=2');
    expect(first.body).toHaveLength(2);
    expect(first.headers.link).toMatch(/page=2.*rel="next"/);
  });

  it('refuses an unknown issue type or milestone with 422', async () => {
    expect((await api.post(`${R}/issues`, { title: 'x', type: 'Saga' })).status).toBe(422);
    expect((await api.post(`${R}/issues`, { title: 'x', milestone: 999 })).status).toBe(422);
  });
});

describe('GitHub emulator: tokens and permissions', () => {
  it('answers an unknown token 401', async () => {
    expect(await api.get(`${R}/issues`, 'nope')).toMatchObject({
      status: 401,
      body: { message: 'Bad credentials' },
    });
  });

  it('answers a missing permission 403 with x-accepted-github-permissions', async () => {
    expect((await api.get(`${R}/issues`, 'reader')).status).toBe(200);
    const r = await api.post(`${R}/issues`, { title: 'x' }, 'reader');
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('Resource not accessible by personal access token');
    expect(r.headers['x-accepted-github-permissions']).toBe('issues=write');
    expect((await api.post(`${R}/issues`, { title: 'ok' }, 'writer')).status).toBe(201);
  });

  it('lets only a token with issue_types write create an issue type', async () => {
    const denied = await api.post('/orgs/acme/issue-types', { name: 'Feature', is_enabled: true }, 'writer');
    expect(denied.status).toBe(403);
    expect(denied.headers['x-accepted-github-permissions']).toBe('issue_types=write');
    const made = await api.post('/orgs/acme/issue-types', { name: 'Feature', is_enabled: true });
    expect(made).toMatchObject({
      status: 200,
      body: { name: 'Feature', node_id: expect.stringMatching(/^IT_/) },
    });
    const list = await api.get('/orgs/acme/issue-types');
    expect(list.body.map((t: any) => t.name)).toEqual(['Epic', 'Task', 'Feature']);
  });
});

describe('GitHub emulator: sub-issues and dependencies', () => {
  it('adds, lists, reprioritizes and removes sub-issues by REST id', async () => {
    const parent = await create('parent');
    const [a, b] = [await create('a'), await create('b')];
    for (const c of [a, b]) {
      const r = await api.post(`${R}/issues/${parent.number}/sub_issues`, { sub_issue_id: c.id });
      expect(r.status).toBe(201);
    }
    const moved = await api.patch(`${R}/issues/${parent.number}/sub_issues/priority`, {
      sub_issue_id: b.id,
      before_id: a.id,
    });
    expect(moved.status).toBe(200);
    const list = await api.get(`${R}/issues/${parent.number}/sub_issues`);
    expect(list.body.map((i: any) => i.title)).toEqual(['b', 'a']);
    expect((await api.get(`${R}/issues/${a.number}`)).body.parent_issue_url).toMatch(
      `/issues/${parent.number}`,
    );
    expect((await api.del(`${R}/issues/${parent.number}/sub_issue`, { sub_issue_id: a.id })).status).toBe(
      200,
    );
    expect((await api.get(`${R}/issues/${parent.number}`)).body.sub_issues_summary.total).toBe(1);
  });

  it('refuses a sub-issue given by number-as-text (the schema wants an integer id)', async () => {
    const p = await create('p');
    expect((await api.post(`${R}/issues/${p.number}/sub_issues`, { sub_issue_id: '5' })).status).toBe(422);
  });

  it('holds 100 sub-issues per parent', async () => {
    const parent = await create('wide');
    const repo = gh.state.repo('acme', 'web');
    const author = gh.state.owner('octocat');
    for (let n = 0; n < 100; n++) {
      const child = gh.state.createIssue(repo, author, { title: `child ${n}` });
      expect(
        (await api.post(`${R}/issues/${parent.number}/sub_issues`, { sub_issue_id: child.id })).status,
      ).toBe(201);
    }
    const extra = await create('one too many');
    const r = await api.post(`${R}/issues/${parent.number}/sub_issues`, { sub_issue_id: extra.id });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].message).toMatch(/more than 100 sub-issues/);
  });

  it('holds 8 levels of nesting, one parent per issue and the same owner', async () => {
    const chain = [await create('level 1')];
    for (let n = 2; n <= 8; n++) {
      const child = await create(`level ${n}`);
      expect(
        (await api.post(`${R}/issues/${chain.at(-1).number}/sub_issues`, { sub_issue_id: child.id })).status,
      ).toBe(201);
      chain.push(child);
    }
    const ninth = await create('level 9');
    const deep = await api.post(`${R}/issues/${chain[7].number}/sub_issues`, { sub_issue_id: ninth.id });
    expect(deep.status).toBe(422);
    expect(deep.body.errors[0].message).toMatch(/8 levels/);
    const second = await api.post(`${R}/issues/${ninth.number}/sub_issues`, { sub_issue_id: chain[3].id });
    expect(second.body.errors[0].message).toMatch(/only have one parent/);
    const foreign = await create('foreign', {}, '/repos/other/lib');
    const cross = await api.post(`${R}/issues/${ninth.number}/sub_issues`, { sub_issue_id: foreign.id });
    expect(cross.body.errors[0].message).toMatch(/same repository owner/);
    const sameOwner = await create('sibling repo', {}, '/repos/acme/api');
    expect(
      (await api.post(`${R}/issues/${ninth.number}/sub_issues`, { sub_issue_id: sameOwner.id })).status,
    ).toBe(201);
  });

  it('adds and removes blocked-by dependencies, at most 50', async () => {
    const blocked = await create('blocked');
    const repo = gh.state.repo('acme', 'web');
    const author = gh.state.owner('octocat');
    const path = `${R}/issues/${blocked.number}/dependencies/blocked_by`;
    const blockers = Array.from({ length: 51 }, (_, n) =>
      gh.state.createIssue(repo, author, { title: `blocker ${n}` }),
    );
    for (const b of blockers.slice(0, 50))
      expect((await api.post(path, { issue_id: b.id })).status).toBe(201);
    const over = await api.post(path, { issue_id: blockers[50]!.id });
    expect(over.status).toBe(422);
    expect(over.body.errors[0].message).toMatch(/at most 50/);
    expect((await api.get(`${path}?per_page=100`)).body).toHaveLength(50);
    expect((await api.del(`${path}/${blockers[0]!.id}`)).status).toBe(200);
    expect(
      (await api.get(`${R}/issues/${blocked.number}`)).body.issue_dependencies_summary.total_blocked_by,
    ).toBe(49);
    const blocking = await api.get(`${R}/issues/${blockers[1]!.number}/dependencies/blocking`);
    expect(blocking.body.map((i: any) => i.number)).toEqual([blocked.number]);
  });
});
