/**
 * The emulator's GraphQL endpoint over real HTTP: documents are checked against GitHub's schema
 * (plus the fields the schema package lacks), and read and write the same state as REST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './emulator/client.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  gh = await startGitHubEmulator({ limits: { contentPerMinute: 1000 } });
  gh.state.addToken('reader', 'octocat', { issues: 'read', metadata: 'read' });
  api = client(gh.url);
});
afterAll(() => gh?.close());

const ISSUES = `query Issues($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 2, after: $after, states: [OPEN]) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id number databaseId title body state stateReason
        labels(first: 10) { nodes { name } }
        milestone { number title }
        assignees(first: 10) { nodes { login } }
        issueType { name }
        parent { number }
        subIssues(first: 10) { nodes { number } }
        blockedBy(first: 10) { nodes { number } }
      }
    }
  }
}`;

const ids = async () => {
  const r = await api.graphql(`{
    repository(owner: "acme", name: "web") { id labels(first: 10) { nodes { id name } } }
    organization(login: "acme") { issueTypes(first: 10) { nodes { id name } } }
    viewer { id login }
  }`);
  expect(r.body.errors).toBeUndefined();
  const d = r.body.data;
  return {
    repo: d.repository.id as string,
    type: (name: string) => d.organization.issueTypes.nodes.find((t: any) => t.name === name).id as string,
    viewer: d.viewer.id as string,
  };
};

describe('GitHub emulator: GraphQL', () => {
  it('refuses an unknown field with errors and status 200, as GitHub does', async () => {
    const r = await api.graphql(
      '{ repository(owner: "acme", name: "web") { issues(first: 1) { nodes { nope } } } }',
    );
    expect(r.status).toBe(200);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors[0]).toMatchObject({
      message: "Field 'nope' doesn't exist on type 'Issue'",
      extensions: { code: 'undefinedField', typeName: 'Issue', fieldName: 'nope' },
    });
  });

  it('refuses a wrong argument type and a syntax error', async () => {
    const typed = await api.graphql('{ repository(owner: 1, name: "web") { id } }');
    expect(typed.body.errors[0].message).toMatch(/String/);
    expect((await api.graphql('{ repository(')).body.errors[0].message).toMatch(/Syntax Error/);
  });

  it('shows an issue created over REST, with its labels, milestone, assignee, type and relations', async () => {
    const m = await api.post('/repos/acme/web/milestones', { title: 'M1' });
    const parent = (await api.post('/repos/acme/web/issues', { title: 'Epic A', type: 'Epic' })).body;
    const child = (
      await api.post('/repos/acme/web/issues', {
        title: 'Task A',
        body: 'do it',
        labels: ['task'],
        milestone: m.body.number,
        assignees: ['octocat'],
        type: 'Task',
      })
    ).body;
    await api.post(`/repos/acme/web/issues/${parent.number}/sub_issues`, { sub_issue_id: child.id });
    await api.post(`/repos/acme/web/issues/${child.number}/dependencies/blocked_by`, { issue_id: parent.id });
    const r = await api.graphql(ISSUES, { owner: 'acme', name: 'web' });
    expect(r.body.errors).toBeUndefined();
    const nodes = r.body.data.repository.issues.nodes;
    expect(nodes.find((n: any) => n.number === child.number)).toEqual({
      id: child.node_id,
      number: child.number,
      databaseId: child.id,
      title: 'Task A',
      body: 'do it',
      state: 'OPEN',
      stateReason: null,
      labels: { nodes: [{ name: 'task' }] },
      milestone: { number: m.body.number, title: 'M1' },
      assignees: { nodes: [{ login: 'octocat' }] },
      issueType: { name: 'Task' },
      parent: { number: parent.number },
      subIssues: { nodes: [] },
      blockedBy: { nodes: [{ number: parent.number }] },
    });
    const node = await api.graphql('query($id: ID!) { node(id: $id) { ... on Issue { title } } }', {
      id: parent.node_id,
    });
    expect(node.body.data.node.title).toBe('Epic A');
  });

  it('creates under a parent with a type, closes, and counts each mutation of a document', async () => {
    const { repo, type, viewer } = await ids();
    const parent = await api.graphql(
      `mutation Parent($input: CreateIssueInput!) { createIssue(input: $input) { issue { id number issueType { name } } } }`,
      {
        input: {
          repositoryId: repo,
          title: 'Feature F',
          issueTypeId: type('Feature'),
          assigneeIds: [viewer],
        },
      },
    );
    expect(parent.body.errors).toBeUndefined();
    const pid = parent.body.data.createIssue.issue.id;
    const before = gh.requests.length;
    const many = await api.graphql(
      `mutation Three($repo: ID!, $parent: ID!, $task: ID!) {
        a: createIssue(input: { repositoryId: $repo, title: "T1", parentIssueId: $parent, issueTypeId: $task }) { issue { id parent { id } } }
        b: createIssue(input: { repositoryId: $repo, title: "T2", parentIssueId: $parent, issueTypeId: $task }) { issue { id } }
        c: closeIssue(input: { issueId: $parent, stateReason: NOT_PLANNED }) { issue { state stateReason } }
      }`,
      { repo, parent: pid, task: type('Task') },
    );
    expect(many.body.errors).toBeUndefined();
    expect(many.body.data.a.issue.parent.id).toBe(pid);
    expect(many.body.data.c.issue).toEqual({ state: 'CLOSED', stateReason: 'NOT_PLANNED' });
    const logged = gh.requests.slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      route: 'graphql',
      operation: 'Three',
      creates: 3,
      contentCreating: true,
      status: 200,
    });
    const sub = await api.graphql(
      'query($id: ID!) { node(id: $id) { ... on Issue { subIssues(first: 5) { totalCount } } } }',
      { id: pid },
    );
    expect(sub.body.data.node.subIssues.totalCount).toBe(2);
    const reads = gh.requests.at(-1)!;
    expect(reads).toMatchObject({ creates: 0, contentCreating: false });
  });

  it('adds and removes blocked-by and labels, and refuses a write without permission', async () => {
    const { repo } = await ids();
    const make = async (title: string) =>
      (
        await api.graphql(
          `mutation { createIssue(input: { repositoryId: "${repo}", title: "${title}" }) { issue { id } } }`,
        )
      ).body.data.createIssue.issue.id as string;
    const [x, y] = [await make('X'), await make('Y')];
    const add = await api.graphql(
      `mutation { addBlockedBy(input: { issueId: "${x}", blockingIssueId: "${y}" }) { issue { blockedBy(first: 5) { nodes { id } } } } }`,
    );
    expect(add.body.data.addBlockedBy.issue.blockedBy.nodes).toEqual([{ id: y }]);
    const rm = await api.graphql(
      `mutation { removeBlockedBy(input: { issueId: "${x}", blockingIssueId: "${y}" }) { issue { blockedBy(first: 5) { totalCount } } } }`,
    );
    expect(rm.body.data.removeBlockedBy.issue.blockedBy.totalCount).toBe(0);
    const label = gh.state.createLabel(gh.state.repo('acme', 'web'), 'area:ui');
    const lab = await api.graphql(
      `mutation { addLabelsToLabelable(input: { labelableId: "${x}", labelIds: ["${label.nodeId}"] }) { labelable { ... on Issue { labels(first: 5) { nodes { name } } } } } }`,
    );
    expect(lab.body.data.addLabelsToLabelable.labelable.labels.nodes).toEqual([{ name: 'area:ui' }]);
    const denied = await api.graphql(
      `mutation { closeIssue(input: { issueId: "${x}" }) { issue { state } } }`,
      undefined,
      'reader',
    );
    expect(denied.body.errors[0]).toMatchObject({ type: 'FORBIDDEN', path: ['closeIssue'] });
    expect(gh.state.node(x)).toMatchObject({ value: { state: 'open' } });
  });

  it('pages issues with cursors and requires first or last', async () => {
    const page1 = await api.graphql(ISSUES, { owner: 'acme', name: 'web' });
    const { pageInfo } = page1.body.data.repository.issues;
    expect(pageInfo.hasNextPage).toBe(true);
    const page2 = await api.graphql(ISSUES, { owner: 'acme', name: 'web', after: pageInfo.endCursor });
    const numbers = (p: any) => p.body.data.repository.issues.nodes.map((n: any) => n.number);
    expect(numbers(page2).some((n: number) => numbers(page1).includes(n))).toBe(false);
    const unbounded = await api.graphql(
      '{ repository(owner: "acme", name: "web") { issues { totalCount } } }',
    );
    expect(unbounded.body.errors[0].message).toMatch(/must provide a `first` or `last`/);
    const missing = await api.graphql('{ repository(owner: "acme", name: "nope") { id } }');
    expect(missing.body.errors[0]).toMatchObject({ type: 'NOT_FOUND', path: ['repository'] });
  });

  it('reports its rate limit', async () => {
    const r = await api.graphql('{ rateLimit { limit remaining used resetAt cost } }');
    expect(r.body.data.rateLimit).toMatchObject({ limit: 5000, cost: 1 });
    expect(r.headers['x-ratelimit-resource']).toBe('graphql');
  });
});
