/**
 * The Octokit factory, through an injected fetch (STYLE 7): the pinned API version, which failures
 * are retried (only requests safe to repeat), secondary-limit waits, GitHub Enterprise Server's
 * GraphQL URL, GraphQL pagination, GitHub App installation tokens, and the typed errors.
 */
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/governance/errors.js';
import { fromGitHubError } from '../../src/github/errors.js';
import {
  createOctokit,
  GITHUB_API_VERSION,
  isSafeToRepeat,
  WRITE_INTERVAL_MS,
} from '../../src/github/octokit.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  at: number;
}
type Answer = (seen: Seen, n: number) => { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch that answers from `answer` and keeps every request it saw. */
function fakeFetch(answer: Answer) {
  const seen: Seen[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const raw = typeof init?.body === 'string' ? init.body : undefined;
    const s: Seen = {
      method: init?.method ?? 'GET',
      url,
      headers,
      body: raw ? JSON.parse(raw) : undefined,
      at: performance.now(),
    };
    seen.push(s);
    const a = answer(s, seen.length);
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': 'application/json', ...a.headers },
    });
  };
  return { fetch, seen };
}

const client = (fetch: typeof globalThis.fetch, extra: Parameters<typeof createOctokit>[0] = {}) =>
  createOctokit({ token: 'ghp_test', fetch, backoffUnitMs: 1, writeIntervalMs: 0, ...extra });

const codeOf = async (p: Promise<unknown>, what = 'acme/web') => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  const mapped = fromGitHubError(err, { what, access: 'write' });
  return isDomainError(mapped) ? mapped.code : `not a domain error: ${String(err)}`;
};

describe('createOctokit', () => {
  it('pins the API version and sends the token on every request', async () => {
    const { fetch, seen } = fakeFetch(() => ({ status: 200, body: { id: 1 } }));
    await client(fetch).rest.issues.get({ owner: 'acme', repo: 'web', issue_number: 1 });
    await client(fetch).graphql('query { viewer { login } }');
    expect(seen.map((s) => s.headers['x-github-api-version'])).toEqual([
      GITHUB_API_VERSION,
      GITHUB_API_VERSION,
    ]);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['token ghp_test', 'token ghp_test']);
  });

  it.each([
    { name: 'a REST read', call: 'get', calls: 3 },
    { name: 'a REST create', call: 'create', calls: 1 },
    { name: 'a GraphQL query', call: 'query', calls: 3 },
    { name: 'a GraphQL mutation', call: 'mutation', calls: 1 },
  ])('retries a 502 on $name only when it is safe to repeat ($calls call(s))', async ({ call, calls }) => {
    const { fetch, seen } = fakeFetch(() => ({ status: 502, body: { message: 'Bad gateway' } }));
    const o = client(fetch);
    const run =
      call === 'get'
        ? o.rest.issues.get({ owner: 'acme', repo: 'web', issue_number: 1 })
        : call === 'create'
          ? o.rest.issues.create({ owner: 'acme', repo: 'web', title: 'T' })
          : call === 'query'
            ? o.graphql('query { viewer { login } }')
            : o.graphql('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }');
    expect(await codeOf(run)).toBe('GITHUB.UNAVAILABLE');
    expect(seen.length).toBe(calls);
  });

  it('waits out a secondary rate limit on a create and sends it again (GitHub did nothing)', async () => {
    const { fetch, seen } = fakeFetch((_s, n) =>
      n === 1
        ? {
            status: 403,
            body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' },
            headers: { 'retry-after': '1' },
          }
        : { status: 201, body: { id: 7, number: 3 } },
    );
    const r = await client(fetch).rest.issues.create({ owner: 'acme', repo: 'web', title: 'T' });
    expect(r.data).toEqual({ id: 7, number: 3 });
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);
  });

  it('sends GraphQL to /api/graphql on GitHub Enterprise Server', async () => {
    const { fetch, seen } = fakeFetch(() => ({ status: 200, body: { data: { viewer: { login: 'a' } } } }));
    await client(fetch, { baseUrl: 'https://ghe.example/api/v3/' }).graphql('query { viewer { login } }');
    await client(fetch, { baseUrl: 'https://ghe.example/api/v3/' }).rest.issues.get({
      owner: 'acme',
      repo: 'web',
      issue_number: 1,
    });
    expect(seen.map((s) => s.url)).toEqual([
      'https://ghe.example/api/graphql',
      'https://ghe.example/api/v3/repos/acme/web/issues/1',
    ]);
  });

  it('pages a GraphQL connection with graphql.paginate', async () => {
    const { fetch, seen } = fakeFetch((s) => {
      const after = (s.body as { variables?: { cursor?: string | null } }).variables?.cursor;
      const page = after ? [{ number: 3 }] : [{ number: 1 }, { number: 2 }];
      return {
        status: 200,
        body: {
          data: {
            repository: {
              issues: { nodes: page, pageInfo: { hasNextPage: !after, endCursor: after ? 'c2' : 'c1' } },
            },
          },
        },
      };
    });
    const r = await client(fetch).graphql.paginate<{
      repository: { issues: { nodes: { number: number }[] } };
    }>(
      `query ($cursor: String) { repository(owner: "acme", name: "web") {
        issues(first: 2, after: $cursor) { nodes { number } pageInfo { hasNextPage endCursor } } } }`,
    );
    expect(r.repository.issues.nodes.map((n) => n.number)).toEqual([1, 2, 3]);
    expect(seen.length).toBe(2);
  });

  it('authenticates as a GitHub App installation with a token minted from a signed JWT', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const { fetch, seen } = fakeFetch((s) =>
      s.url.endsWith('/app/installations/42/access_tokens')
        ? { status: 201, body: { token: 'ghs_installation', expires_at: '2999-01-01T00:00:00Z' } }
        : { status: 200, body: { id: 1 } },
    );
    const o = client(fetch, { token: undefined, app: { appId: 123, privateKey: pem, installationId: 42 } });
    await o.rest.issues.get({ owner: 'acme', repo: 'web', issue_number: 1 });
    await o.rest.issues.get({ owner: 'acme', repo: 'web', issue_number: 2 });
    // One token minted, then reused.
    expect(seen.map((s) => new URL(s.url).pathname)).toEqual([
      '/app/installations/42/access_tokens',
      '/repos/acme/web/issues/1',
      '/repos/acme/web/issues/2',
    ]);
    const jwt = seen[0]!.headers.authorization!.replace(/^bearer /i, '');
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const ok = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(publicKey, Buffer.from(signature, 'base64url'));
    expect(ok).toBe(true);
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString()).iss).toBe(123);
    expect(seen[1]!.headers.authorization).toBe('token ghs_installation');
  });

  it('refuses to build a client with neither a token nor app credentials', () => {
    expect(() => createOctokit({})).toThrow(/token or GitHub App/);
  });
});

describe('isSafeToRepeat', () => {
  it.each([
    ['GET', '/repos/a/b/issues', undefined, true],
    ['PATCH', '/repos/a/b/issues/1', { title: 'x' }, true],
    ['PUT', '/repos/a/b/issues/1/labels', {}, true],
    ['DELETE', '/repos/a/b/issues/1/sub_issue', {}, true],
    ['POST', '/repos/a/b/issues', { title: 'x' }, false],
    ['POST', '/repos/a/b/issues/1/sub_issues', { sub_issue_id: 2 }, false],
    ['POST', '/graphql', { query: 'query { viewer { login } }' }, true],
    ['POST', '/graphql', { query: '{ viewer { login } }' }, true],
    ['POST', '/graphql', { query: '# add\n mutation { a }' }, false],
    ['POST', '/api/graphql', { query: 'mutation M { a }' }, false],
  ])('%s %s -> %s', (method, path, body, safe) => {
    expect(isSafeToRepeat(method, path, body)).toBe(safe);
  });
});

describe('fromGitHubError', () => {
  const httpError = (status: number, headers: Record<string, string> = {}, data?: unknown) =>
    Object.assign(new Error('x'), { name: 'HttpError', status, response: { headers, data } });

  it('names the permission GitHub says is missing', () => {
    const e = fromGitHubError(httpError(403, { 'x-accepted-github-permissions': 'issues=write' }), {
      what: 'acme/web',
      access: 'write',
    });
    expect(e).toMatchObject({ code: 'GITHUB.FORBIDDEN', details: { permission: 'issues=write' } });
    expect((e as Error).message).toBe('The token may not change acme/web');
  });

  it("passes GitHub's validation message and errors on", () => {
    const data = {
      message: 'Validation Failed',
      errors: [{ resource: 'Issue', field: 'title', code: 'missing' }],
    };
    const e = fromGitHubError(httpError(422, {}, data), { what: 'acme/web', access: 'write' });
    expect(e).toMatchObject({ code: 'GITHUB.VALIDATION', details: { errors: data.errors } });
  });

  it('maps a 404 on a write to GITHUB.NOT_FOUND and GraphQL error types by type', () => {
    expect(fromGitHubError(httpError(404), { what: 'acme/gone', access: 'write' })).toMatchObject({
      code: 'GITHUB.NOT_FOUND',
    });
    const gql = (type: string) =>
      Object.assign(new Error('x'), { name: 'GraphqlResponseError', errors: [{ type, message: 'm' }] });
    expect(fromGitHubError(gql('NOT_FOUND'), 'acme/web')).toMatchObject({ code: 'GITHUB.NOT_FOUND' });
    expect(fromGitHubError(gql('FORBIDDEN'), 'acme/web')).toMatchObject({ code: 'GITHUB.FORBIDDEN' });
    expect(fromGitHubError(gql('RATE_LIMITED'), 'acme/web')).toMatchObject({ code: 'GITHUB.RATE_LIMITED' });
    expect(fromGitHubError(gql('UNPROCESSABLE'), 'acme/web')).toMatchObject({ code: 'GITHUB.VALIDATION' });
  });
});

describe('pacing of content-creating requests', () => {
  it('spaces creates by writeIntervalMs and leaves reads and GraphQL queries unpaced', async () => {
    const { fetch, seen } = fakeFetch(() => ({ status: 200, body: { data: {} } }));
    const o = client(fetch, { writeIntervalMs: 500 });
    await Promise.all([
      ...[1, 2, 3].map(() => o.rest.issues.create({ owner: 'a', repo: 'b', title: 'T' })),
      ...[1, 2, 3].map(() => o.graphql('query { viewer { login } }')),
      ...[1, 2, 3].map(() => o.rest.issues.get({ owner: 'a', repo: 'b', issue_number: 1 })),
    ]);
    expect(seen.length).toBe(9);
    const sent = (creates: boolean) =>
      seen.filter((s) => (s.method === 'POST' && s.url.endsWith('/issues')) === creates).map((s) => s.at);
    const created = sent(true).sort((x, y) => x - y);
    expect(created[1]! - created[0]!).toBeGreaterThanOrEqual(450);
    expect(created[2]! - created[1]!).toBeGreaterThanOrEqual(450);
    // The six reads went out together, not one interval apart.
    const reads = sent(false);
    expect(Math.max(...reads) - Math.min(...reads)).toBeLessThan(500);
  });

  it('keeps under the hourly limit: a write past it waits until the oldest leaves the (scaled) hour', async () => {
    const { fetch, seen } = fakeFetch(() => ({ status: 201, body: { number: 1 } }));
    // An interval of 1/10,000 of GitHub's makes the hour 360 ms; three writes are allowed in it.
    const interval = WRITE_INTERVAL_MS / 10_000;
    const hour = 3_600_000 / 10_000;
    const o = client(fetch, { writeIntervalMs: interval, writesPerHour: 3 });
    await Promise.all([1, 2, 3, 4, 5].map(() => o.rest.issues.create({ owner: 'a', repo: 'b', title: 'T' })));
    const at = seen.map((x) => x.at).sort((x, y) => x - y);
    expect(at[2]! - at[0]!).toBeLessThan(hour / 2);
    // The fourth waits for the first to be an hour old, the fifth for the second.
    expect(at[3]! - at[0]!).toBeGreaterThanOrEqual(hour - 5);
    expect(at[4]! - at[1]!).toBeGreaterThanOrEqual(hour - 5);
  });
});
