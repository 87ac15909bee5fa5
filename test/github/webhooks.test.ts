/**
 * POST /webhooks/github in process over real HTTP: a signed `issues.closed` for a mapped issue
 * closes the item once, audited as drift by the GitHub sender; a replay changes nothing; a bad
 * signature is refused with 401 and changes nothing.
 */
import { Webhooks } from '@octokit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpConfig } from '../../src/config/config.js';
import { serveHttp, type HttpHandle } from '../../src/transports/http.js';
import { connectClient, WS, type Connected } from '../helpers/mcp.js';

const SECRET = 'a-webhook-secret-of-some-length';
let c: Connected;
let http: HttpHandle;
let hook: string;

beforeAll(async () => {
  c = await connectClient();
  const cfg: HttpConfig = {
    host: '127.0.0.1',
    port: 0,
    authToken: 'mcp-bearer-token',
    identities: [],
    allowedOrigins: [],
    allowedHosts: [],
    sessionIdleSeconds: 1800,
    maxBodyBytes: 1024 * 1024,
    maxSessions: 10,
    webhookSecret: SECRET,
  };
  http = await serveHttp({ ...c.deps, close: async () => undefined }, {}, cfg, c.logger);
  hook = http.url.replace(/\/mcp$/, '/webhooks/github');
});
afterAll(async () => {
  await http?.close();
  await c?.close();
});

const post = async (body: string, delivery: string, signature?: string) => {
  const sig = signature ?? (await new Webhooks({ secret: SECRET }).sign(body));
  const res = await fetch(hook, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': sig,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as { outcome?: string } };
};

describe('GitHub webhooks', () => {
  it('applies a signed close once, as drift by the GitHub sender; refuses a bad signature', async () => {
    const { item } = await c.ok<{ item: { id: string } }>('create_item', {
      workspace: WS,
      type: 'epic',
      title: 'E',
    });
    await c.deps.store.write(WS, (tx) =>
      tx.putIssueMapping({
        workspace: WS,
        itemId: item.id,
        repository: WS,
        number: 7,
        issueId: 700,
        nodeId: 'I_7',
        syncedAt: '2025-01-15T10:00:00.000Z',
      }),
    );
    const body = JSON.stringify({
      action: 'closed',
      issue: { number: 7, title: 'E', body: null, state: 'closed', state_reason: 'completed' },
      repository: { full_name: WS },
      sender: { login: 'octocat' },
    });
    expect((await post(body, 'bad-1', 'sha256=' + '0'.repeat(64))).status).toBe(401);
    expect((await c.deps.store.reader.getItem(WS, item.id))?.status).toBe('planning');

    expect(await post(body, 'd-1')).toEqual({
      status: 200,
      body: expect.objectContaining({ outcome: 'applied' }),
    });
    expect((await c.deps.store.reader.getItem(WS, item.id))?.status).toBe('done');
    expect((await post(body, 'd-1')).body.outcome).toBe('duplicate');
    const drift = await c.deps.store.reader.queryAudit(WS, { action: 'github.drift', limit: 10 });
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ actor: { id: 'github:octocat' }, correlationId: 'd-1' });
    // The drift record sits next to the item's own records: the chain and the replay still agree.
    expect((await c.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });
});
