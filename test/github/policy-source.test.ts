/** The GitHub policy source against the emulator, over real HTTP through the real Octokit stack. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_POLICY_BYTES, POLICY_FILE_PATH } from '../../src/governance/config/policy-file.js';
import { DomainError } from '../../src/governance/errors.js';
import { createOctokit, type GitHubClientOptions } from '../../src/github/octokit.js';
import { createGitHubPolicySource, RAW_MEDIA_TYPE } from '../../src/github/policy-source.js';
import { blobSha } from './emulator/contents.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const TOKEN = 'ghp_emulated';
const POLICY = 'generation:\n  maxFeaturesPerEpic: 5\n';
let gh: GitHubEmulator;

/** Retries and rate-limit waits take milliseconds instead of seconds. */
const source = (opts: Partial<GitHubClientOptions> = {}) =>
  createGitHubPolicySource(createOctokit({ token: TOKEN, baseUrl: gh.url, backoffUnitMs: 1, ...opts }));

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: [TOKEN, 'ghp_limited'] });
});
afterAll(() => gh.close());
afterEach(() => gh.reset());

describe('GitHub policy source', () => {
  it('reads the raw file with the token, a user agent and the raw media type', async () => {
    gh.putFile('acme/raw', POLICY_FILE_PATH, POLICY);
    const before = gh.requests.length;
    expect(await source().read('acme/raw')).toEqual({
      text: POLICY,
      origin: { kind: 'github', location: `${gh.url}/acme/raw/blob/HEAD/${POLICY_FILE_PATH}` },
    });
    const sent = gh.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      path: `/repos/acme/raw/contents/${POLICY_FILE_PATH}`,
      query: {},
      headers: { accept: RAW_MEDIA_TYPE, authorization: `token ${TOKEN}` },
      status: 200,
    });
    expect(sent[0]!.headers['user-agent']).toMatch(/^governance-factory /);
  });

  it('decodes the base64 JSON form when the server ignores the raw media type, keeping the blob sha', async () => {
    const text = `# é ✓\n${POLICY}`;
    gh.putFile('acme/json', POLICY_FILE_PATH, text);
    gh.ignoreRawMediaType = true;
    expect(await source().read('acme/json')).toEqual({
      text,
      origin: expect.objectContaining({ sha: blobSha(Buffer.from(text)) }),
    });
  });

  it('passes the ref through and reads that version', async () => {
    gh.putFile('acme/refs', POLICY_FILE_PATH, 'labels: {}\n');
    gh.putFile('acme/refs', POLICY_FILE_PATH, POLICY, 'release/1.2');
    const before = gh.requests.length;
    const got = await source().read('acme/refs', 'release/1.2');
    expect(got?.text).toBe(POLICY);
    expect(got?.origin).toMatchObject({
      ref: 'release/1.2',
      location: expect.stringContaining('/blob/release/1.2/'),
    });
    expect(gh.requests[before]?.query).toEqual({ ref: 'release/1.2' });
  });

  it.each([
    { name: 'no such repository', workspace: 'nobody/nothing', ref: undefined },
    { name: 'no policy file', workspace: 'acme/empty', ref: undefined },
    { name: 'no such ref', workspace: 'acme/refs', ref: 'gone' },
  ])('answers undefined for $name (404)', async ({ workspace, ref }) => {
    gh.putFile('acme/empty', 'README.md', '# hi\n');
    expect(await source().read(workspace, ref)).toBeUndefined();
  });

  it.each([
    { name: 'a bad token', token: 'ghp_wrong', code: 'GITHUB.UNAUTHORIZED', hint: /GITHUB_TOKEN/ },
    {
      name: 'a token without access',
      token: 'ghp_limited',
      code: 'GITHUB.FORBIDDEN',
      hint: /Contents: read/,
    },
  ])('maps $name to $code without retrying', async ({ token, code, hint }) => {
    gh.putFile('acme/private', POLICY_FILE_PATH, POLICY);
    gh.deny('acme/private', 'ghp_limited');
    const before = gh.requests.length;
    const err = await failure(source({ token }).read('acme/private'));
    expect({ code: err.code, hint: err.hint }).toEqual({ code, hint: expect.stringMatching(hint) });
    expect(gh.requests.length - before).toBe(1);
  });

  it('reports an exhausted rate limit with its reset time instead of waiting an hour', async () => {
    gh.putFile('acme/busy', POLICY_FILE_PATH, POLICY);
    const reset = Math.floor(Date.now() / 1000) + 1800;
    gh.rateLimit = { limit: 60, remaining: 0, reset };
    const before = gh.requests.length;
    const err = await failure(source().read('acme/busy'));
    expect(err.code).toBe('GITHUB.RATE_LIMITED');
    expect(err.details).toMatchObject({ resetAt: new Date(reset * 1000).toISOString(), resource: 'core' });
    expect(err.details!.retryAfterSeconds).toBeGreaterThan(1700);
    expect(gh.requests.length - before).toBe(1);
  });

  it.each([
    { name: 'a transient server error is retried', failures: 1, code: undefined, requests: 2 },
    {
      name: 'a persistent one becomes GITHUB.UNAVAILABLE',
      failures: 5,
      code: 'GITHUB.UNAVAILABLE',
      requests: 3,
    },
  ])('$name', async ({ failures, code, requests }) => {
    gh.putFile('acme/flaky', POLICY_FILE_PATH, POLICY);
    const before = gh.requests.length;
    gh.failNext(502, failures);
    const read = source({ retries: 2 }).read('acme/flaky');
    if (code) expect((await failure(read)).code).toBe(code);
    else expect((await read)?.text).toBe(POLICY);
    expect(gh.requests.length - before).toBe(requests);
  });

  it.each([
    { name: 'raw, over the limit', bytes: MAX_POLICY_BYTES + 1, json: false, reported: MAX_POLICY_BYTES + 1 },
    { name: 'JSON form, base64', bytes: MAX_POLICY_BYTES + 10, json: true, reported: MAX_POLICY_BYTES + 10 },
    {
      name: 'JSON form over 1 MB, no content',
      bytes: 2 * 1024 * 1024,
      json: true,
      reported: 2 * 1024 * 1024,
    },
    { name: 'raw, 2 MB', bytes: 2 * 1024 * 1024, json: false, reported: 2 * 1024 * 1024 },
    {
      name: 'raw, chunked: cut off while reading',
      bytes: 2 * 1024 * 1024,
      chunked: true,
      reported: undefined,
    },
  ])('refuses a big file ($name) as POLICY.TOO_LARGE', async ({ bytes, json, chunked, reported }) => {
    gh.putFile('acme/big', POLICY_FILE_PATH, `#${'x'.repeat(bytes - 2)}\n`);
    gh.ignoreRawMediaType = json ?? false;
    gh.chunked = chunked ?? false;
    const err = await failure(source().read('acme/big'));
    expect(err.code).toBe('POLICY.TOO_LARGE');
    expect([err.details?.limit, err.details?.bytes]).toEqual([MAX_POLICY_BYTES, reported]);
  });

  it.each([
    {
      name: 'a file that is not UTF-8',
      put: [POLICY_FILE_PATH, Buffer.from([0x61, 0xff, 0xfe])],
      reason: 'encoding',
    },
    { name: 'a directory', put: [`${POLICY_FILE_PATH}/x.yml`, POLICY], reason: 'not_a_file' },
  ] as const)('refuses $name as POLICY.UNREADABLE', async ({ put, reason }) => {
    const workspace = `acme/${reason.replace('_', '-')}`;
    gh.putFile(workspace, put[0], put[1]);
    const err = await failure(source().read(workspace));
    expect({ code: err.code, reason: err.details?.reason }).toEqual({ code: 'POLICY.UNREADABLE', reason });
  });

  it('maps an unreachable API to GITHUB.UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const err = await failure(source({ baseUrl: `http://127.0.0.1:${port}`, retries: 0 }).read('acme/web'));
    expect(err.code).toBe('GITHUB.UNAVAILABLE');
  });
});

describe('GitHub policy source with an injected fetch', () => {
  const calls: string[] = [];
  const fetchWith =
    (status: number, body: string, headers: Record<string, string>): typeof fetch =>
    async (input) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return new Response(body, { status, headers });
    };

  it.each([
    { name: 'github.com', baseUrl: undefined, api: 'https://api.github.com', web: 'https://github.com' },
    {
      name: 'GitHub Enterprise Server',
      baseUrl: 'https://ghe.example.com/api/v3/',
      api: 'https://ghe.example.com/api/v3',
      web: 'https://ghe.example.com',
    },
  ])('calls the API of $name and points at its web page', async ({ baseUrl, api, web }) => {
    calls.length = 0;
    const fetch = fetchWith(200, POLICY, { 'content-type': 'application/vnd.github.raw' });
    const got = await createGitHubPolicySource(
      createOctokit({ token: TOKEN, fetch, ...(baseUrl && { baseUrl }) }),
    ).read('acme/web');
    expect(got?.origin.location).toBe(`${web}/acme/web/blob/HEAD/${POLICY_FILE_PATH}`);
    expect(calls).toEqual([`${api}/repos/acme/web/contents/.github%2Fgovernance.yml`]);
  });

  it('maps a 429 with retry-after to GITHUB.RATE_LIMITED', async () => {
    const fetch = fetchWith(429, '{"message":"Too Many Requests"}', {
      'content-type': 'application/json',
      'retry-after': '120',
    });
    const err = await failure(
      createGitHubPolicySource(createOctokit({ token: TOKEN, fetch })).read('acme/web'),
    );
    expect(err.code).toBe('GITHUB.RATE_LIMITED');
    expect(err.details!.retryAfterSeconds).toBeGreaterThanOrEqual(119);
  });
});
