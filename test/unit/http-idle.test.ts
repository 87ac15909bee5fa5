/**
 * Idle expiry of HTTP sessions, in process over real HTTP, with the deps' test clock: the sweeper
 * reads `deps.clock`, and the handle's `sweep()` runs it at once, so nothing here sleeps.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpConfig } from '../../src/config/config.js';
import { serveHttp, type HttpHandle } from '../../src/transports/http.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { INITIALIZE, inSession, LIST, MCP_HEADERS, rawRequest } from '../helpers/spawn-server.js';

const IDLE_SECONDS = 1800;

describe('HTTP session idle expiry (test clock)', () => {
  let c: Connected;
  let http: HttpHandle;

  beforeAll(async () => {
    c = await connectClient();
    const cfg: HttpConfig = {
      host: '127.0.0.1',
      port: 0,
      authToken: undefined,
      identities: [],
      allowedOrigins: [],
      allowedHosts: [],
      sessionIdleSeconds: IDLE_SECONDS,
      maxBodyBytes: 4 * 1024 * 1024,
      maxSessions: 10,
    };
    // The handle closes the deps on close; the test connection owns (and closes) them.
    const deps = { ...c.deps, close: async () => undefined };
    http = await serveHttp(deps, {}, cfg, c.logger);
  });
  afterAll(async () => {
    await http?.close();
    await c?.close();
  });

  const open = async () => {
    const res = await rawRequest(http.url, { headers: MCP_HEADERS, body: INITIALIZE });
    expect(res.status).toBe(200);
    return res.headers['mcp-session-id'] as string;
  };
  const list = async (session: string) =>
    (await rawRequest(http.url, { headers: inSession(session), body: LIST })).status;

  it('expires a session idle for GF_SESSION_IDLE_SECONDS since its last request: its id then gets 404', async () => {
    const session = await open();
    expect(await list(session)).toBe(200);

    c.clock.advance(IDLE_SECONDS * 1000 - 1);
    expect(http.sweep()).toBe(0);
    expect(await list(session)).toBe(200); // a request: the idle time starts again

    c.clock.advance(IDLE_SECONDS * 1000);
    expect(http.sweep()).toBe(1);
    expect(await list(session)).toBe(404);
    expect(c.logger.entries.map((e) => e.msg)).toContain('session expired');
  });

  it('expires a session that has only its notification stream (GET) open, ending the stream', async () => {
    const session = await open();
    const stream = await new Promise<{ status: number; ended: Promise<void> }>((resolve, reject) => {
      const req = httpRequest(
        http.url,
        { method: 'GET', headers: { ...inSession(session), Accept: 'text/event-stream' } },
        (res) => {
          const ended = new Promise<void>((done) => res.on('close', () => done()));
          res.resume();
          resolve({ status: res.statusCode ?? 0, ended });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(stream.status).toBe(200);

    c.clock.advance(IDLE_SECONDS * 1000);
    expect(http.sweep()).toBe(1);
    await stream.ended;
    expect(await list(session)).toBe(404);
  });
});
