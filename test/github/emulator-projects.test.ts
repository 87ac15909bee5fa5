/** Projects v2 on the emulator's GraphQL endpoint: a project, a custom field, an issue item and its values. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './emulator/client.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  gh.state.addToken('no-projects', 'octocat', { issues: 'write', metadata: 'read' });
  api = client(gh.url);
});
afterAll(() => gh?.close());

const ok = async (query: string, variables?: Record<string, unknown>) => {
  const r = await api.graphql(query, variables);
  expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
  return r.body.data;
};

describe('GitHub emulator: Projects v2', () => {
  it('creates a project, adds an issue and sets its Status and a custom field', async () => {
    const org = gh.state.org('acme').nodeId;
    const issue = (await api.post('/repos/acme/web/issues', { title: 'Ship it' })).body;
    const made = await ok(
      `mutation($org: ID!) { createProjectV2(input: { ownerId: $org, title: "Roadmap" }) {
        projectV2 { id number fields(first: 10) { nodes { ... on ProjectV2FieldCommon { id name dataType } ... on ProjectV2SingleSelectField { options { id name } } } } } } }`,
      { org },
    );
    const project = made.createProjectV2.projectV2;
    expect(project.number).toBe(1);
    const status = project.fields.nodes.find((f: any) => f.name === 'Status');
    const done = status.options.find((o: any) => o.name === 'Done').id;
    const field = await ok(
      `mutation($p: ID!) { createProjectV2Field(input: { projectId: $p, dataType: NUMBER, name: "Points" }) {
        projectV2Field { ... on ProjectV2Field { id dataType } } } }`,
      { p: project.id },
    );
    const points = field.createProjectV2Field.projectV2Field.id;
    const added = await ok(
      `mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: { projectId: $p, contentId: $c }) { item { id } } }`,
      { p: project.id, c: issue.node_id },
    );
    const item = added.addProjectV2ItemById.item.id;
    await ok(
      `mutation($p: ID!, $i: ID!, $s: ID!, $o: String!, $n: ID!) {
        a: updateProjectV2ItemFieldValue(input: { projectId: $p, itemId: $i, fieldId: $s, value: { singleSelectOptionId: $o } }) { projectV2Item { id } }
        b: updateProjectV2ItemFieldValue(input: { projectId: $p, itemId: $i, fieldId: $n, value: { number: 3 } }) { projectV2Item { id } } }`,
      { p: project.id, i: item, s: status.id, o: done, n: points },
    );
    const read = await ok(
      `{ organization(login: "acme") { projectV2(number: 1) { title items(first: 10) { nodes {
        content { ... on Issue { number } }
        status: fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { name } }
        points: fieldValueByName(name: "Points") { ... on ProjectV2ItemFieldNumberValue { number } } } } } } }`,
    );
    expect(read.organization.projectV2).toEqual({
      title: 'Roadmap',
      items: {
        nodes: [{ content: { number: issue.number }, status: { name: 'Done' }, points: { number: 3 } }],
      },
    });
    expect(gh.requests.at(-2)).toMatchObject({ route: 'graphql', creates: 2 });
  });

  it('refuses a value that does not fit the field, and a token without projects write', async () => {
    const project = gh.state.projects[0]!;
    const item = project.items[0]!;
    const status = project.fields.find((f) => f.name === 'Status')!;
    const bad = await api.graphql(
      `mutation { updateProjectV2ItemFieldValue(input: { projectId: "${project.nodeId}", itemId: "${item.nodeId}", fieldId: "${status.nodeId}", value: { text: "Done" } }) { projectV2Item { id } } }`,
    );
    expect(bad.body.errors[0]).toMatchObject({ type: 'UNPROCESSABLE' });
    const denied = await api.graphql(
      `mutation { createProjectV2(input: { ownerId: "${gh.state.org('acme').nodeId}", title: "No" }) { projectV2 { id } } }`,
      undefined,
      'no-projects',
    );
    expect(denied.body.errors[0]).toMatchObject({ type: 'FORBIDDEN' });
    expect(gh.state.projects).toHaveLength(1);
  });
});
