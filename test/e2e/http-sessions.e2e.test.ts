/**
 * Session limits on the built server: each token has its own GF_MAX_SESSIONS, so one token's
 * flood of abandoned initializes never refuses another's; without authentication the least
 * recently used idle session makes room, even one holding a notification stream open.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectHttp,
  INITIALIZE,
  inSession,
  LIST,
  MCP_HEADERS,
  rawRequest,
  requireBuild,
  startHttp,
  tempDir,
  type HttpServerProcess,
} from '../helpers/spawn-server.js';

const MAX = 3;

const bearer = (token?: string): Record<string, string> =>
  token ? { Authorization: `Bearer ${token}` } : {};

/** A raw initialize that is never used again; returns the status and the session id. */
async function abandon(
  url: string,
  token?: string,
): Promise<{ status: number; session?: string; json: any }> {
  const res = await rawRequest(url, { headers: { ...MCP_HEADERS, ...bearer(token) }, body: INITIALIZE });
  return { status: res.status, session: res.headers['mcp-session-id'] as string | undefined, json: res.json };
}

/** Opens the session's notification stream (GET); resolves once the server answered its headers. */
function openStream(url: string, session: string): Promise<{ status: number; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'GET', headers: { ...inSession(session), Accept: 'text/event-stream' } },
      (res) => {
        const ended = new Promise<void>((done) => {
          res.on('close', () => done());
          res.on('error', () => done());
        });
        res.resume();
        resolve({ status: res.statusCode ?? 0, ended });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('built server over HTTP with GF_AUTH_TOKENS and GF_MAX_SESSIONS', () => {
  const FLOODER = 'e2e-flood-token-0123456789';
  const OTHER = 'e2e-other-token-0123456789';
  let data: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpServerProcess;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    server = await startHttp({
      env: {
        GF_DATA_DIR: data.dir,
        GF_MAX_SESSIONS: String(MAX),
        GF_AUTH_TOKENS: `${FLOODER}=agent_service|agent:flood; ${OTHER}=user|alice`,
      },
    });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await data?.cleanup();
  });

  it("one token's flood of abandoned sessions is refused (429) and never refuses another token", async () => {
    const flood = [];
    for (let i = 0; i < MAX; i++) flood.push(await abandon(server.url, FLOODER));
    expect(flood.map((r) => r.status)).toEqual(Array(MAX).fill(200));

    const refused = await abandon(server.url, FLOODER);
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({
      jsonrpc: '2.0',
      error: { message: expect.stringContaining(`the limit is ${MAX} (GF_MAX_SESSIONS)`) },
    });
    // The flooder's own sessions were not evicted to make room.
    const first = await rawRequest(server.url, {
      headers: inSession(flood[0]!.session!, FLOODER),
      body: LIST,
    });
    expect(first.status).toBe(200);

    const other = await connectHttp(server.url, bearer(OTHER), 'other-client');
    try {
      expect((await other.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
    await expect
      .poll(() => server.stderr(), { timeout: 10_000 })
      .toContain('initialize refused: token at its session limit');
  });
});

describe('built server over unauthenticated loopback HTTP with GF_MAX_SESSIONS', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpServerProcess;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    server = await startHttp({ env: { GF_DATA_DIR: data.dir, GF_MAX_SESSIONS: String(MAX) } });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await data?.cleanup();
  });

  it('evicts the least recently used idle session, even one holding a GET stream, to let a new client in', async () => {
    const opened = [];
    for (let i = 0; i < MAX; i++) opened.push((await abandon(server.url)).session!);
    const [oldest, ...rest] = opened as [string, ...string[]];
    // The oldest keeps a notification stream open: that alone does not keep it.
    const stream = await openStream(server.url, oldest);
    expect(stream.status).toBe(200);
    for (const s of rest) {
      expect((await rawRequest(server.url, { headers: inSession(s), body: LIST })).status).toBe(200);
    }

    const client = await connectHttp(server.url, {}, 'newcomer');
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await stream.ended;
      expect((await rawRequest(server.url, { headers: inSession(oldest), body: LIST })).status).toBe(404);
      for (const s of rest) {
        expect((await rawRequest(server.url, { headers: inSession(s), body: LIST })).status).toBe(200);
      }
    } finally {
      await client.close();
    }
    // The process logger writes asynchronously (pino loads after start-up): wait for the line.
    await expect
      .poll(() => server.stderr(), { timeout: 10_000 })
      .toContain('"msg":"session evicted (least recently used)"');
  });
});
