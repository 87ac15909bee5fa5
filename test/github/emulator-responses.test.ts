/**
 * The emulator's REST answers match the response schemas GitHub's description declares for each
 * operation and status (Ajv over the plain api.github.com document), so clients built against the
 * emulator parse GitHub's real answers too.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Reply } from './emulator/client.js';
import { normalize } from './emulator/openapi.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv;
const SPEC_ID = 'https://api.github.com/openapi.json';
const R = '/repos/acme/web';

interface Spec {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, any> }>>;
  components: Record<string, Record<string, any>>;
}

let spec: Spec;
let ajv: Ajv;
let gh: GitHubEmulator;
let api: ReturnType<typeof client>;
const made: Record<string, any> = {};

/** The JSON schema an operation declares for a status, following `$ref`s into components/responses. */
function declared(operationId: string, status: string): unknown {
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      if (op.operationId !== operationId) continue;
      let res = op.responses[status];
      if (res?.$ref) res = spec.components.responses![res.$ref.split('/').pop()]!;
      const schema = res?.content?.['application/json']?.schema;
      if (!schema) throw new Error(`${operationId} declares no JSON ${status}`);
      return schema;
    }
  }
  throw new Error(`no operation ${operationId}`);
}

const key = (operationId: string, status: number) => `${operationId.replace('/', '_')}_${status}`;
const validator = (operationId: string, status: number): ValidateFunction =>
  ajv.getSchema(`${SPEC_ID}#/targets/${key(operationId, status)}`)!;

beforeAll(async () => {
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  // One root for every target, so their `#/components/...` references resolve against the description.
  const targets = Object.fromEntries(
    cases.map((c) => [key(c.operationId, c.status), declared(c.operationId, String(c.status))]),
  );
  // GitHub's OpenAPI 3.0 `nullable` beside `oneOf`/`allOf` is rewritten as "or null", as for requests.
  ajv.addSchema(normalize({ $id: SPEC_ID, components: spec.components, targets }) as object);
  gh = await startGitHubEmulator();
  api = client(gh.url);
  made.milestone = (await api.post(`${R}/milestones`, { title: 'R1', due_on: '2030-01-01T00:00:00Z' })).body;
  made.parent = (await api.post(`${R}/issues`, { title: 'P', type: 'Epic', labels: ['epic'] })).body;
  made.a = (
    await api.post(`${R}/issues`, { title: 'A', milestone: made.milestone.number, assignees: ['octocat'] })
  ).body;
  made.b = (await api.post(`${R}/issues`, { title: 'B' })).body;
  await api.post(`${R}/issues/${made.parent.number}/sub_issues`, { sub_issue_id: made.b.id });
  const web = gh.state.repo('acme', 'web');
  made.pull = gh.state.createPullRequest(web, { title: 'Open PR', body: 'Fixes things', draft: true });
  made.merged = gh.state.mergePullRequest(
    gh.state.createPullRequest(web, { title: 'Merged PR', head: 'feature/x', user: 'hubot' }),
  );
});
afterAll(() => gh?.close());

const n = (k: string) => made[k].number as number;
const cases: { operationId: string; status: number; call: () => Promise<Reply> }[] = [
  {
    operationId: 'issues/create',
    status: 201,
    call: () => api.post(`${R}/issues`, { title: 'C', body: 'x' }),
  },
  { operationId: 'issues/get', status: 200, call: () => api.get(`${R}/issues/${n('a')}`) },
  {
    operationId: 'issues/update',
    status: 200,
    call: () => api.patch(`${R}/issues/${n('b')}`, { state: 'closed' }),
  },
  { operationId: 'issues/list-for-repo', status: 200, call: () => api.get(`${R}/issues?state=all`) },
  {
    operationId: 'issues/add-assignees',
    status: 201,
    call: () => api.post(`${R}/issues/${n('b')}/assignees`, { assignees: ['octocat'] }),
  },
  {
    operationId: 'issues/add-labels',
    status: 200,
    call: () => api.post(`${R}/issues/${n('a')}/labels`, { labels: ['task'] }),
  },
  {
    operationId: 'issues/set-labels',
    status: 200,
    call: () => api.call('PUT', `${R}/issues/${n('b')}/labels`, { labels: ['x', 'y'] }),
  },
  {
    operationId: 'issues/remove-label',
    status: 200,
    call: () => api.del(`${R}/issues/${n('b')}/labels/x`),
  },
  {
    operationId: 'issues/remove-assignees',
    status: 200,
    call: () => api.del(`${R}/issues/${n('b')}/assignees`, { assignees: ['octocat'] }),
  },
  {
    operationId: 'issues/create-label',
    status: 201,
    call: () => api.post(`${R}/labels`, { name: 'ui', color: 'ff0000' }),
  },
  { operationId: 'issues/list-labels-for-repo', status: 200, call: () => api.get(`${R}/labels`) },
  {
    operationId: 'issues/update-label',
    status: 200,
    call: () => api.patch(`${R}/labels/epic`, { description: 'big' }),
  },
  {
    operationId: 'issues/create-milestone',
    status: 201,
    call: () => api.post(`${R}/milestones`, { title: 'R2' }),
  },
  { operationId: 'issues/list-milestones', status: 200, call: () => api.get(`${R}/milestones`) },
  {
    operationId: 'issues/update-milestone',
    status: 200,
    call: () => api.patch(`${R}/milestones/1`, { state: 'closed' }),
  },
  { operationId: 'orgs/list-issue-types', status: 200, call: () => api.get('/orgs/acme/issue-types') },
  {
    operationId: 'orgs/create-issue-type',
    status: 200,
    call: () => api.post('/orgs/acme/issue-types', { name: 'Spike', is_enabled: true, color: 'green' }),
  },
  {
    operationId: 'issues/add-sub-issue',
    status: 201,
    call: () => api.post(`${R}/issues/${n('parent')}/sub_issues`, { sub_issue_id: made.a.id }),
  },
  {
    operationId: 'issues/list-sub-issues',
    status: 200,
    call: () => api.get(`${R}/issues/${n('parent')}/sub_issues`),
  },
  {
    operationId: 'issues/reprioritize-sub-issue',
    status: 200,
    call: () =>
      api.patch(`${R}/issues/${n('parent')}/sub_issues/priority`, {
        sub_issue_id: made.a.id,
        before_id: made.b.id,
      }),
  },
  {
    operationId: 'issues/remove-sub-issue',
    status: 200,
    call: () => api.del(`${R}/issues/${n('parent')}/sub_issue`, { sub_issue_id: made.a.id }),
  },
  {
    operationId: 'issues/add-blocked-by-dependency',
    status: 201,
    call: () => api.post(`${R}/issues/${n('a')}/dependencies/blocked_by`, { issue_id: made.b.id }),
  },
  {
    operationId: 'issues/list-dependencies-blocked-by',
    status: 200,
    call: () => api.get(`${R}/issues/${n('a')}/dependencies/blocked_by`),
  },
  {
    operationId: 'issues/list-dependencies-blocking',
    status: 200,
    call: () => api.get(`${R}/issues/${n('b')}/dependencies/blocking`),
  },
  {
    operationId: 'issues/remove-dependency-blocked-by',
    status: 200,
    call: () => api.del(`${R}/issues/${n('a')}/dependencies/blocked_by/${made.b.id}`),
  },
  {
    operationId: 'search/issues-and-pull-requests',
    status: 200,
    call: () => api.get('/search/issues?q=repo:acme/web'),
  },
  { operationId: 'rate-limit/get', status: 200, call: () => api.get('/rate_limit') },
  { operationId: 'issues/get', status: 404, call: () => api.get(`${R}/issues/9999`) },
  { operationId: 'pulls/get', status: 200, call: () => api.get(`${R}/pulls/${n('pull')}`) },
  { operationId: 'pulls/get', status: 200, call: () => api.get(`${R}/pulls/${n('merged')}`) },
  { operationId: 'pulls/get', status: 404, call: () => api.get(`${R}/pulls/9999`) },
  { operationId: 'pulls/get', status: 404, call: () => api.get(`${R}/pulls/${n('a')}`) },
  { operationId: 'issues/get', status: 200, call: () => api.get(`${R}/issues/${n('merged')}`) },
  {
    operationId: 'issues/create',
    status: 422,
    call: () => api.post(`${R}/issues`, { title: 'x', type: 'Nope' }),
  },
  {
    operationId: 'issues/add-sub-issue',
    status: 422,
    call: () => api.post(`${R}/issues/${n('parent')}/sub_issues`, { sub_issue_id: made.parent.id }),
  },
];

describe('GitHub emulator: REST answers match the declared response schemas', () => {
  it.each(cases)('$operationId $status', async ({ operationId, status, call }) => {
    const r = await call();
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    const v = validator(operationId, status);
    expect(v(r.body), JSON.stringify(v.errors?.slice(0, 5))).toBe(true);
  });
});
