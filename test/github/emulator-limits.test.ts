/**
 * The emulator's limits and faults over real HTTP: GitHub's secondary limits (content creation per
 * minute and hour, concurrency) on a shrunk clock, armed faults including a write whose answer is
 * lost, and the request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './emulator/client.js';
import { Limits, SECONDARY_MESSAGE } from './emulator/limits.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let api: ReturnType<typeof client>;
const ISSUES = '/repos/acme/web/issues';

beforeAll(async () => {
  // A minute lasts 4 s: long enough for a burst to land inside it on a slow machine, short enough to wait out.
  gh = await startGitHubEmulator({ timeScale: 15, limits: { concurrent: 5 } });
  api = client(gh.url);
});
afterAll(() => gh?.close());

const repoId = () => gh.state.repo('acme', 'web').nodeId;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GitHub emulator: secondary rate limits', () => {
  it('counts each mutation of a document toward 80 content-creating requests a minute, then answers 403 with retry-after', async () => {
    gh.reset();
    const fields = Array.from(
      { length: 80 },
      (_, n) =>
        `m${n}: createIssue(input: { repositoryId: "${repoId()}", title: "burst ${n}" }) { issue { number } }`,
    );
    const burst = await api.graphql(`mutation Burst { ${fields.join('\n')} }`);
    expect(burst.body.errors).toBeUndefined();
    expect(gh.requests.at(-1)).toMatchObject({ operation: 'Burst', creates: 80 });

    const refused = await api.post(ISSUES, { title: 'one more' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(SECONDARY_MESSAGE);
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(4);
    expect(Number(refused.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
    // Reads are not content-creating: they still pass.
    expect((await api.get(ISSUES)).status).toBe(200);

    await sleep(wait * 1000);
    expect((await api.post(ISSUES, { title: 'after the wait' })).status).toBe(201);
  });

  it('holds 500 an hour even when every minute stays under 80', () => {
    // Windows are sliding: 500 writes spread over the last hour leave none for now.
    const limits = new Limits({ contentPerMinute: 1000, contentPerHour: 500 });
    expect(limits.admit(500)).toBeUndefined();
    expect(limits.admit(1)).toBeGreaterThan(60 * 59);
    expect(limits.admit(0)).toBeUndefined();
  });

  it('counts the secondary limits per user: one user at its limit leaves another its own 80', () => {
    const limits = new Limits();
    expect(limits.admit(80, 'alice')).toBeUndefined();
    expect(limits.admit(1, 'alice')).toBeGreaterThan(0);
    expect(limits.admit(80, 'bob')).toBeUndefined();
    expect(limits.admit(1, 'bob')).toBeGreaterThan(0);
  });

  it('refuses more requests in flight than the concurrency limit', async () => {
    gh.reset();
    gh.fault({ kind: 'hang', path: '/rate_limit', times: 5 });
    const hung = Array.from({ length: 5 }, () =>
      fetch(`${gh.url}/rate_limit`, {
        headers: { authorization: 'token test-token' },
        signal: AbortSignal.timeout(4000),
      }).catch((e: unknown) => e),
    );
    await expect.poll(() => gh.limits.inFlight, { timeout: 3000 }).toBe(5);
    const refused = await api.get(ISSUES);
    expect(refused.status).toBe(403);
    expect(refused.headers['retry-after']).toBeDefined();
    gh.reset();
    await gh.close().catch(() => undefined);
    await Promise.all(hung);
    gh = await startGitHubEmulator({ timeScale: 15, limits: { concurrent: 5 } });
    api = client(gh.url);
  });
});

describe('GitHub emulator: faults', () => {
  it('a lost response still applies the write (connection destroyed, or a 502)', async () => {
    gh.reset();
    const count = () => gh.state.repo('acme', 'web').issues.length;
    const before = count();
    gh.fault({ kind: 'lost-response', operation: 'issues/create' });
    await expect(api.post(ISSUES, { title: 'lost' })).rejects.toThrow();
    expect(count()).toBe(before + 1);
    gh.fault({ kind: 'lost-response', method: 'POST', path: ISSUES, status: 502 });
    expect((await api.post(ISSUES, { title: 'lost again' })).status).toBe(502);
    expect(count()).toBe(before + 2);
    const found = await api.get(`/search/issues?q=${encodeURIComponent('lost in:title repo:acme/web')}`);
    expect(found.body.total_count).toBe(2);
  });

  it('answers armed server errors without applying anything, then recovers', async () => {
    gh.reset();
    const before = gh.state.repo('acme', 'web').issues.length;
    gh.fault({ kind: 'error', status: 503, method: 'POST', times: 2 });
    expect((await api.post(ISSUES, { title: 'x' })).status).toBe(503);
    expect((await api.post(ISSUES, { title: 'x' })).status).toBe(503);
    expect((await api.post(ISSUES, { title: 'x' })).status).toBe(201);
    expect(gh.state.repo('acme', 'web').issues.length).toBe(before + 1);
  });

  it('hangs until the client gives up', async () => {
    gh.reset();
    gh.fault({ kind: 'hang', operation: 'issues/list-for-repo' });
    const started = Date.now();
    const err = await fetch(`${gh.url}${ISSUES}`, {
      headers: { authorization: 'token test-token' },
      signal: AbortSignal.timeout(300),
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('is driven over HTTP too: faults armed by POST /_emulator/faults, the log read from GET /_emulator/requests', async () => {
    gh.reset();
    gh.requests.length = 0;
    const armed = await fetch(`${gh.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'secondary-limit', operation: 'createIssue', retryAfter: 7 }),
    });
    expect(armed.status).toBe(201);
    const m = `mutation Make { createIssue(input: { repositoryId: "${repoId()}", title: "t" }) { issue { id } } }`;
    const limited = await api.graphql(m);
    expect(limited.status).toBe(403);
    expect(limited.headers['retry-after']).toBe('7');
    expect((await api.graphql(m)).status).toBe(200);
    await api.get(ISSUES);
    await api.get('/nowhere');
    const log = (await (await fetch(`${gh.url}/_emulator/requests`)).json()) as any[];
    expect(log.map((r) => [r.method, r.route, r.operation ?? null, r.contentCreating, r.status])).toEqual([
      ['POST', 'graphql', 'Make', true, 403],
      ['POST', 'graphql', 'Make', true, 200],
      ['GET', 'issues/list-for-repo', null, false, 200],
      ['GET', 'unknown', null, false, 404],
    ]);
    expect(log.every((r) => typeof r.time === 'string' && typeof r.ms === 'number')).toBe(true);
    expect(gh.contentCreating()).toBe(2);
  });

  it('sends GitHub rate-limit headers on every answer', async () => {
    gh.reset();
    for (const r of [await api.get(ISSUES), await api.get('/nowhere'), await api.get(ISSUES, 'bad')]) {
      expect(r.headers).toMatchObject({
        'x-ratelimit-limit': expect.any(String),
        'x-ratelimit-remaining': expect.any(String),
        'x-ratelimit-used': expect.any(String),
        'x-ratelimit-reset': expect.any(String),
        'x-ratelimit-resource': 'core',
      });
    }
    const search = await api.get('/search/issues?q=x');
    expect(search.headers).toMatchObject({ 'x-ratelimit-resource': 'search', 'x-ratelimit-limit': '30' });
  });
});
