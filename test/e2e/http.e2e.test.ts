import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callOk,
  connectHttp,
  INITIALIZE,
  MCP_HEADERS,
  rawRequest,
  requireBuild,
  startHttp,
  tempDir,
  type HttpServerProcess,
} from '../helpers/spawn-server.js';

const WS = 'acme/web';
const MAX_BODY = 2048;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('built server over streamable HTTP', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpServerProcess;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    server = await startHttp({ env: { GF_DATA_DIR: data.dir, GF_MAX_BODY_BYTES: String(MAX_BODY) } });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await data?.cleanup();
  });

  it('prints the connection banner on stdout and serves /healthz and /readyz', async () => {
    expect(server.stdout()).toContain(server.url);
    expect(server.stdout()).toContain('"mcpServers"');
    expect(server.stdout()).toContain('.vscode/mcp.json');
    expect(await (await fetch(`${server.base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.base}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('serves tools to an SDK client', async () => {
    const client = await connectHttp(server.url);
    try {
      const { item } = await callOk(client, 'create_item', {
        workspace: WS,
        type: 'epic',
        title: 'Over HTTP',
      });
      expect(item).toMatchObject({ id: expect.stringMatching(/^E-\d+$/), status: 'planning' });
      const { items } = await callOk(client, 'get_item_tree', { workspace: WS });
      expect(items.map((i: { id: string }) => i.id)).toContain(item.id);
    } finally {
      await client.close();
    }
  });

  it.each([
    {
      name: 'a foreign Origin',
      headers: { ...MCP_HEADERS, Origin: 'http://evil.example' },
      body: INITIALIZE,
      status: 403,
      code: -32000,
      message: /Forbidden origin http:\/\/evil\.example/,
    },
    {
      name: 'a foreign Host header',
      headers: { ...MCP_HEADERS, Host: 'evil.example:80' },
      body: INITIALIZE,
      status: 403,
      code: -32000,
      message: /Forbidden host/,
    },
    {
      name: 'a body over GF_MAX_BODY_BYTES',
      headers: MCP_HEADERS,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'ping',
        params: { pad: 'x'.repeat(MAX_BODY * 2) },
      }),
      status: 413,
      code: -32000,
      message: new RegExp(`limit is ${MAX_BODY} bytes`),
    },
    {
      name: 'malformed JSON',
      headers: MCP_HEADERS,
      body: '{"jsonrpc": "2.0", ',
      status: 400,
      code: -32700,
      message: /Parse error/,
    },
    {
      name: 'an unknown session',
      headers: { ...MCP_HEADERS, 'mcp-session-id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      status: 404,
      code: -32001,
      message: /Session not found/,
    },
  ])(
    'refuses $name with HTTP $status and a JSON-RPC error',
    async ({ headers, body, status, code, message }) => {
      const res = await rawRequest(server.url, { headers, body });
      expect(res.status).toBe(status);
      expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code } });
      expect(res.json.error.message).toMatch(message);
    },
  );

  it('accepts a local browser Origin (e.g. the MCP Inspector)', async () => {
    const res = await rawRequest(server.url, {
      headers: { ...MCP_HEADERS, Origin: 'http://localhost:6274' },
      body: INITIALIZE,
    });
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toEqual(expect.any(String));
  });

  it('notifies a subscribed session when another session changes the resource', async () => {
    const a = await connectHttp(server.url, {}, 'client-a');
    const b = await connectHttp(server.url, {}, 'client-b');
    try {
      const uri = `governance://${WS}/tree`;
      const updated = new Promise<string>((resolve) =>
        a.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri)),
      );
      await a.subscribeResource({ uri });

      // A's notification stream (GET /mcp) opens asynchronously after initialize: repeat the change
      // until one lands rather than guess how long that takes.
      let got: string | undefined;
      for (let i = 0; i < 20 && got === undefined; i++) {
        await callOk(b, 'create_item', { workspace: WS, type: 'epic', title: `From B ${i}` });
        got = await Promise.race([updated, sleep(250).then(() => undefined)]);
      }
      expect(got).toBe(uri);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('exits 0 on SIGTERM, closing open sessions', async () => {
    const client = await connectHttp(server.url);
    await client.listTools();
    const t0 = Date.now();
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(server.stderr()).toContain('"msg":"stopped"');
    await client.close().catch(() => undefined);
  });
});

describe('built server over HTTP with GF_AUTH_TOKEN', () => {
  const TOKEN = 'e2e-secret-token-0123456789';
  let data: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpServerProcess;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    server = await startHttp({ env: { GF_DATA_DIR: data.dir, GF_AUTH_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await data?.cleanup();
  });

  it.each([
    { name: 'no token', headers: MCP_HEADERS },
    { name: 'a wrong token', headers: { ...MCP_HEADERS, Authorization: 'Bearer not-the-token' } },
    { name: 'another scheme', headers: { ...MCP_HEADERS, Authorization: `Basic ${TOKEN}` } },
  ])('answers 401 to $name', async ({ headers }) => {
    const res = await rawRequest(server.url, { headers, body: INITIALIZE });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
  });

  it('serves a client that sends the bearer token', async () => {
    const client = await connectHttp(server.url, { Authorization: `Bearer ${TOKEN}` });
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe('built server over HTTP with GF_AUTH_TOKENS (one actor per token)', () => {
  const DEV = 'e2e-dev-token-0123456789';
  const ALICE = 'e2e-alice-token-0123456789';
  let data: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpServerProcess;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    server = await startHttp({
      env: {
        GF_DATA_DIR: data.dir,
        GF_AUTH_TOKENS: `${DEV}=agent_service|agent:dev|Dev agent; ${ALICE}=user|alice|Alice`,
      },
    });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await data?.cleanup();
  });

  it("records each token's actor on the audit trail and keeps sessions to their token", async () => {
    const dev = await connectHttp(server.url, { Authorization: `Bearer ${DEV}` }, 'dev-agent');
    const alice = await connectHttp(server.url, { Authorization: `Bearer ${ALICE}` }, 'alice-desktop');
    try {
      const { item: epic } = await callOk(alice, 'create_item', {
        workspace: 'acme/ids',
        type: 'epic',
        title: 'E',
      });
      await callOk(dev, 'create_item', {
        workspace: 'acme/ids',
        type: 'feature',
        title: 'F',
        parentId: epic.id,
      });
      const { records } = await callOk(alice, 'query_audit', { workspace: 'acme/ids' });
      expect(
        records.map((r: { actor: unknown; client: { name: string } }) => [r.actor, r.client.name]),
      ).toEqual([
        [{ type: 'agent_service', id: 'agent:dev', name: 'Dev agent' }, 'dev-agent'],
        [{ type: 'user', id: 'alice', name: 'Alice' }, 'alice-desktop'],
      ]);

      // Alice's token on the dev agent's session: refused.
      const session = (dev.transport as { sessionId?: string } | undefined)?.sessionId;
      expect(session).toEqual(expect.any(String));
      const res = await rawRequest(server.url, {
        headers: {
          ...MCP_HEADERS,
          Authorization: `Bearer ${ALICE}`,
          'mcp-session-id': session!,
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { message: expect.stringContaining('another token') } });
    } finally {
      await dev.close();
      await alice.close();
    }
  });
});

// Idle expiry runs on the deps' clock: test/unit/http-idle.test.ts moves it instead of sleeping here.
