/**
 * Unauthenticated loopback HTTP at GF_MAX_SESSIONS with every session busy: a new initialize gets
 * 503 with Retry-After (nothing to evict), and is admitted again as soon as one session is idle.
 * Sessions are made busy by a tools/call held in the store's write until the test lets it go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpConfig } from '../../src/config/config.js';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import { serveHttp, type HttpHandle } from '../../src/transports/http.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { INITIALIZE, inSession, MCP_HEADERS, rawRequest } from '../helpers/spawn-server.js';

const MAX_SESSIONS = 2;
const createItem = (id: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'create_item', arguments: { workspace: 'acme/busy', type: 'epic', title: `E${id}` } },
  });

describe('HTTP sessions all busy (loopback, no auth)', () => {
  let c: Connected;
  let http: HttpHandle;
  let gate: Promise<void> = Promise.resolve();
  let release: () => void = () => undefined;
  let held = 0;

  beforeAll(async () => {
    c = await connectClient();
    const inner = c.deps.store;
    // Every write waits at the gate: a tools/call that writes stays in flight until release().
    const store: GovernanceStore = {
      kind: inner.kind,
      reader: inner.reader,
      outbox: inner.outbox,
      jobs: inner.jobs,
      ping: () => inner.ping(),
      close: async () => undefined,
      write: async (ws, fn) => {
        held++;
        await gate;
        return inner.write(ws, fn);
      },
    };
    const cfg: HttpConfig = {
      host: '127.0.0.1',
      port: 0,
      authToken: undefined,
      identities: [],
      allowedOrigins: [],
      allowedHosts: [],
      sessionIdleSeconds: 1800,
      maxBodyBytes: 4 * 1024 * 1024,
      maxSessions: MAX_SESSIONS,
    };
    // The configuration service stays the client's to close; a spread would drop the lazy port's methods.
    const config = Object.create(c.deps.config, {
      close: { value: () => undefined },
    }) as typeof c.deps.config;
    const deps = { ...c.deps, store, config };
    http = await serveHttp(deps, {}, cfg, c.logger);
  });
  afterAll(async () => {
    release();
    await http?.close();
    await c?.close();
  });

  const initialize = () => rawRequest(http.url, { headers: MCP_HEADERS, body: INITIALIZE });

  it('answers 503 with Retry-After while every session has a request in flight, then admits again', async () => {
    const sessions: string[] = [];
    for (let i = 0; i < MAX_SESSIONS; i++) {
      const res = await initialize();
      expect(res.status).toBe(200);
      sessions.push(res.headers['mcp-session-id'] as string);
    }
    gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = sessions.map((s, i) =>
      rawRequest(http.url, { headers: inSession(s), body: createItem(10 + i) }),
    );
    await expect.poll(() => held, { timeout: 5_000 }).toBe(MAX_SESSIONS);

    const refused = await initialize();
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.stringify(refused.json)).toContain('are busy');

    release();
    const done = await Promise.all(inFlight);
    expect(done.map((r) => r.status)).toEqual(sessions.map(() => 200));
    // Both writes went through once the gate opened: nothing was lost to the refusal.
    expect(await c.auditSeq('acme/busy')).toBe(MAX_SESSIONS);

    const admitted = await initialize();
    expect(admitted.status).toBe(200);
    expect(admitted.headers['mcp-session-id']).toEqual(expect.any(String));
  });
});
