/**
 * The emulator cannot drift from the real API: its answers are validated against GitHub's published
 * OpenAPI description (@octokit/openapi, api.github.com), and the requests our adapter sends are
 * checked against the operation's declared path and parameters.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_FILE_PATH } from '../../src/governance/config/policy-file.js';
import { createOctokit } from '../../src/github/octokit.js';
import { createGitHubPolicySource, RAW_MEDIA_TYPE } from '../../src/github/policy-source.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

// A CommonJS module whose default export TypeScript types as the namespace; at run time it is the plugin.
const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv;

const ROUTE = '/repos/{owner}/{repo}/contents/{path}';
const SPEC_ID = 'https://api.github.com/openapi.json';
const TOKEN = 'ghp_conformance';

interface Operation {
  description: string;
  parameters: ({ $ref: string } | { name: string; in: string })[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: {
    responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    parameters: Record<string, { name: string; in: string }>;
    headers: Record<string, { schema: unknown }>;
  };
}

let spec: Spec;
let op: Operation;
let validators: Record<'ok' | '401' | '403' | '404' | 'rateLimitHeader', ValidateFunction>;
let gh: GitHubEmulator;
let loadMs = 0;

/** A response of the operation, following a `$ref` to components/responses. */
function response(status: string): { content?: Record<string, { schema: unknown }> } {
  const r = op.responses[status] ?? {};
  return r.$ref ? spec.components.responses[r.$ref.split('/').pop()!]! : r;
}

beforeAll(async () => {
  const started = performance.now();
  // The plain description (13 MB, $refs kept), not the dereferenced one (73 MB): parsed once here.
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
  op = spec.paths[ROUTE]!.get!;
  // OpenAPI 3.0 schemas: `nullable`, `example` and `discriminator` are not JSON Schema keywords.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('timestamp', /^\d+$/);
  // Targets under one root, so their `#/components/...` references resolve against the description.
  ajv.addSchema({
    $id: SPEC_ID,
    components: spec.components,
    targets: {
      ok: response('200').content!['application/json']!.schema,
      401: spec.components.responses.requires_authentication!.content['application/json']!.schema,
      403: response('403').content!['application/json']!.schema,
      404: response('404').content!['application/json']!.schema,
      rateLimitHeader: {
        type: 'object',
        properties: {
          'x-ratelimit-limit': spec.components.headers['x-rate-limit-limit']!.schema,
          'x-ratelimit-remaining': spec.components.headers['x-rate-limit-remaining']!.schema,
          'x-ratelimit-reset': spec.components.headers['x-rate-limit-reset']!.schema,
        },
        required: ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      },
    },
  });
  const compile = (name: string) => ajv.getSchema(`${SPEC_ID}#/targets/${name}`)!;
  validators = {
    ok: compile('ok'),
    401: compile('401'),
    403: compile('403'),
    404: compile('404'),
    rateLimitHeader: compile('rateLimitHeader'),
  };
  loadMs = performance.now() - started;

  gh = await startGitHubEmulator({ tokens: [TOKEN, 'ghp_no_access'] });
  gh.putFile('acme/web', POLICY_FILE_PATH, 'generation:\n  maxFeaturesPerEpic: 5\n');
  gh.putFile('acme/web', '.github/CODEOWNERS', '* @acme/core\n');
  gh.putFile('acme/web', POLICY_FILE_PATH, 'labels: {}\n', 'v1.0.0');
  gh.putFile('acme/web', 'huge.yml', Buffer.alloc(1024 * 1024 + 1, 0x61));
  gh.deny('acme/web', 'ghp_no_access');
});
afterAll(() => gh?.close());

async function get(path: string, opts: { token?: string; accept?: string } = {}) {
  const res = await fetch(`${gh.url}${path}`, {
    headers: {
      authorization: `token ${opts.token ?? TOKEN}`,
      accept: opts.accept ?? 'application/vnd.github+json',
    },
  });
  const type = res.headers.get('content-type') ?? '';
  const headers = Object.fromEntries(res.headers);
  const body: any = type.startsWith('application/json') ? await res.json() : await res.text();
  return { status: res.status, type, headers, body };
}

const errorsOf = (v: ValidateFunction): unknown => v.errors?.map((e) => `${e.instancePath} ${e.message}`);

describe('GitHub emulator conformance (api.github.com OpenAPI)', () => {
  it('loads the description in reasonable time', () => {
    expect(op.description).toContain('Get');
    expect(loadMs).toBeLessThan(20_000);
  });

  it.each([
    { name: 'a file without its sha', change: (b: any) => ({ ...b, sha: undefined }) },
    { name: 'a size given as text', change: (b: any) => ({ ...b, size: String(b.size) }) },
    { name: 'an unknown type', change: (b: any) => ({ ...b, type: 'blob' }) },
    { name: 'a relative url', change: (b: any) => ({ ...b, url: '/repos/acme/web' }) },
  ])('the schema is live: it rejects $name', async ({ change }) => {
    const r = await get(`/repos/acme/web/contents/${POLICY_FILE_PATH}`);
    expect(validators.ok(r.body)).toBe(true);
    expect(validators.ok(JSON.parse(JSON.stringify(change(r.body))))).toBe(false);
  });

  it.each([
    { name: 'a file', path: `/repos/acme/web/contents/${POLICY_FILE_PATH}` },
    { name: 'a file at a ref', path: `/repos/acme/web/contents/${POLICY_FILE_PATH}?ref=v1.0.0` },
    { name: 'a directory', path: '/repos/acme/web/contents/.github' },
    { name: 'a file over 1 MB (no content)', path: '/repos/acme/web/contents/huge.yml' },
  ])('200 for $name matches the JSON response schema', async ({ path }) => {
    const r = await get(path);
    expect(r.status).toBe(200);
    expect(Object.keys(response('200').content!)).toContain(r.type.split(';')[0]);
    expect(validators.ok(r.body), JSON.stringify(errorsOf(validators.ok))).toBe(true);
    expect(
      validators.rateLimitHeader(numeric(r.headers)),
      JSON.stringify(errorsOf(validators.rateLimitHeader)),
    ).toBe(true);
  });

  it.each([
    { name: 'no such repository', path: '/repos/acme/nope/contents/x', status: 404, token: TOKEN },
    { name: 'no such file', path: '/repos/acme/web/contents/missing.yml', status: 404, token: TOKEN },
    {
      name: 'no such ref',
      path: `/repos/acme/web/contents/${POLICY_FILE_PATH}?ref=gone`,
      status: 404,
      token: TOKEN,
    },
    {
      name: 'no access',
      path: `/repos/acme/web/contents/${POLICY_FILE_PATH}`,
      status: 403,
      token: 'ghp_no_access',
    },
    {
      name: 'bad credentials',
      path: `/repos/acme/web/contents/${POLICY_FILE_PATH}`,
      status: 401,
      token: 'nope',
    },
  ] as const)('$status for $name matches the declared error schema', async ({ path, status, token }) => {
    const r = await get(path, { token });
    expect(r.status).toBe(status);
    // 401 is not listed per operation: GitHub documents it for every authenticated endpoint.
    if (status !== 401) expect(Object.keys(op.responses)).toContain(String(status));
    const v = validators[status];
    expect(v(r.body), JSON.stringify(errorsOf(v))).toBe(true);
    expect(r.body).toMatchObject({ message: expect.any(String), status: String(status) });
  });

  it('answers an exhausted rate limit as GitHub does: 403, remaining 0, a reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    gh.rateLimit = { limit: 60, remaining: 0, reset };
    try {
      const r = await get(`/repos/acme/web/contents/${POLICY_FILE_PATH}`);
      expect(r.status).toBe(403);
      expect(validators[403](r.body)).toBe(true);
      expect(validators.rateLimitHeader(numeric(r.headers))).toBe(true);
      expect(r.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
      expect(r.body.message).toMatch(/rate limit exceeded/i);
    } finally {
      gh.reset();
    }
  });

  it('serves the raw media type the description documents, with the bytes of the JSON content', async () => {
    expect(op.description).toContain(`**\`${RAW_MEDIA_TYPE}\`**`);
    const json = await get(`/repos/acme/web/contents/${POLICY_FILE_PATH}`);
    const raw = await get(`/repos/acme/web/contents/${POLICY_FILE_PATH}`, { accept: RAW_MEDIA_TYPE });
    expect(raw.status).toBe(200);
    expect(raw.body).toBe(Buffer.from(json.body.content, 'base64').toString('utf8'));
  });

  it('is called by the adapter only with declared paths and parameters', async () => {
    const before = gh.requests.length;
    const source = createGitHubPolicySource(createOctokit({ token: TOKEN, baseUrl: gh.url }));
    await source.read('acme/web');
    await source.read('acme/web', 'v1.0.0');
    const sent = gh.requests.slice(before);
    expect(sent).toHaveLength(2);
    const declared = op.parameters.map((p) =>
      '$ref' in p ? spec.components.parameters[p.$ref.split('/').pop()!]! : p,
    );
    const query = declared.filter((p) => p.in === 'query').map((p) => p.name);
    const pathParams = declared.filter((p) => p.in === 'path').map((p) => p.name);
    expect(pathParams.sort()).toEqual(['owner', 'path', 'repo']);
    const route = new RegExp(`^${ROUTE.replace(/\{path\}/, '.+').replace(/\{\w+\}/g, '[^/]+')}$`);
    for (const r of sent) {
      expect(r.path).toMatch(route);
      expect(Object.keys(r.query).every((k) => query.includes(k))).toBe(true);
    }
    expect(sent[1]!.query).toEqual({ ref: 'v1.0.0' });
  });
});

/** Header values are strings on the wire; the description types them as integers. */
const numeric = (headers: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v]));
