import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import type { HttpConfig } from '../config/config.js';
import { isWildcardHost, urlHost } from '../config/net.js';
import type { ClosableDeps, Logger } from '../mcp/deps.js';
import { buildServer, type ServerOptions } from '../server.js';
import { githubWebhookHandler, WEBHOOK_PATH } from './github-webhook.js';
import { bearerGuard, errorHandler, hostGuard, originGuard, RPC, rpcError } from './http-guards.js';
import { Drain, exitOnShutdown } from './shutdown.js';

export interface HttpHandle {
  /** The MCP endpoint, e.g. http://127.0.0.1:8787/mcp. */
  url: string;
  /** Graceful stop: refuse new requests, finish running ones (10 s at most), close sessions and the deps. */
  close(): Promise<void>;
  /** Closes sessions idle for GF_SESSION_IDLE_SECONDS by `deps.clock` now (the timer does it too); returns how many. */
  sweep(): number;
}

interface Session {
  server: McpServer;
  /** Index of the bearer token that opened the session; -1 without authentication. */
  identity: number;
  transport: StreamableHTTPServerTransport;
  /** When a request last arrived or ended, by `deps.clock`. */
  lastSeen: number;
  /**
   * Requests being answered. The notification stream (GET) is not one: a session with only that
   * open still goes idle, so an abandoned client cannot hold a session (and its memory) forever.
   */
  active: number;
}

const identityOf = (res: Response): number =>
  typeof res.locals.identity === 'number' ? res.locals.identity : -1;

const DRAIN_MS = 10_000;
const READY_TIMEOUT_MS = 5_000;

/**
 * Streamable HTTP at /mcp, stateful: each session (initialize -> DELETE or idle expiry) gets its
 * own MCP server over the shared deps. Also /healthz (process up) and /readyz (store reachable).
 */
export async function serveHttp(
  deps: ClosableDeps,
  options: ServerOptions,
  cfg: HttpConfig,
  log: Logger,
): Promise<HttpHandle> {
  const { default: express } = await import('express');
  const sessions = new Map<string, Session>();
  /** Sessions by the identity that opened them, those still initializing included (they count). */
  const owned = new Map<number, Set<Session>>();
  const now = () => Date.parse(deps.clock.now());
  let shuttingDown = false;
  let inFlight = 0;
  const drain = new Drain(() => inFlight === 0);

  /** Counts the request until its response is done; `work` excludes notification streams from draining. */
  const track = (res: Response, session: Session, work: boolean) => {
    session.lastSeen = now();
    if (!work) return;
    inFlight++;
    session.active++;
    res.once('close', () => {
      inFlight--;
      session.active--;
      session.lastSeen = now();
      drain.poke();
    });
  };

  /** Forgets the session at once (so it no longer counts) and closes it. */
  const closeSession = (s: Session) => {
    forget(s);
    return s.server.close().catch((err: unknown) => log.warn({ err }, 'closing a session failed'));
  };
  const forget = (s: Session) => {
    const id = s.transport.sessionId;
    owned.get(s.identity)?.delete(s);
    if (id && sessions.get(id) === s) {
      sessions.delete(id);
      log.info({ session: id, sessions: sessions.size }, 'session closed');
    }
  };

  // Each bearer token acts as its own actor; GF_AUTH_TOKEN acts as the configured one.
  const identities = [
    ...(cfg.authToken ? [{ token: cfg.authToken, actor: deps.actor }] : []),
    ...cfg.identities,
  ];
  const newSession = async (identity: number): Promise<Session> => {
    const actor = identities[identity]?.actor ?? deps.actor;
    const server = buildServer({ ...deps, actor }, options);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, session);
        log.info({ session: id, sessions: sessions.size }, 'session started');
      },
    });
    // Set before connect(): the protocol chains its own handler after ours. Runs for DELETE,
    // expiry and shutdown alike; closing the transport also detaches the server from the bus.
    transport.onclose = () => forget(session);
    const session: Session = { server, transport, identity, lastSeen: now(), active: 0 };
    let mine = owned.get(identity);
    if (!mine) owned.set(identity, (mine = new Set()));
    mine.add(session);
    await server.connect(transport);
    return session;
  };

  /**
   * Whether `identity` may open one more session. Each token has its own GF_MAX_SESSIONS, so one
   * token's flood never refuses another's. Without authentication everyone is one identity: there
   * the least recently used idle session is closed to make room, and only a table of busy sessions
   * refuses.
   */
  const admit = (identity: number): 'ok' | 'token-full' | 'busy' => {
    const mine = owned.get(identity);
    if (!mine || mine.size < cfg.maxSessions) return 'ok';
    if (identities.length > 0) return 'token-full';
    let lru: Session | undefined;
    for (const s of mine) {
      if (s.active === 0 && s.transport.sessionId && (!lru || s.lastSeen < lru.lastSeen)) lru = s;
    }
    if (!lru) return 'busy';
    log.info(
      { session: lru.transport.sessionId, maxSessions: cfg.maxSessions },
      'session evicted (least recently used)',
    );
    void closeSession(lru);
    return 'ok';
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(deps.store.ping(), READY_TIMEOUT_MS, 'store ping timed out');
      res.json({ status: 'ready', store: deps.store.kind });
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      const reason = typeof e.message === 'string' ? e.message : String(err);
      res
        .status(503)
        .json({ status: 'unavailable', store: deps.store.kind, reason, ...(e.code ? { code: e.code } : {}) });
    }
  });

  // GitHub signs its deliveries instead of sending our bearer token, so the route sits outside /mcp's
  // guards; without GITHUB_WEBHOOK_SECRET it does not exist (404 below).
  if (cfg.webhookSecret) {
    app.post(
      WEBHOOK_PATH,
      (_req, res, next) => {
        if (shuttingDown) {
          res.setHeader('Connection', 'close');
          res.status(503).json({ error: 'shutting down' });
          return;
        }
        // A delivery being applied is finished before shutdown closes the store.
        inFlight++;
        res.once('close', () => {
          inFlight--;
          drain.poke();
        });
        next();
      },
      express.raw({ type: () => true, limit: cfg.maxBodyBytes }),
      githubWebhookHandler(deps, cfg.webhookSecret, log),
    );
  }

  let port = cfg.port;
  app.use('/mcp', (_req, res, next) => {
    if (!shuttingDown) return next();
    res.setHeader('Connection', 'close');
    rpcError(res, 503, RPC.serverError, 'Server is shutting down');
  });
  app.use(
    '/mcp',
    hostGuard(cfg, () => port),
  );
  app.use('/mcp', originGuard(cfg));
  // Before the body parser: an unauthenticated caller must not make us read a megabyte.
  if (identities.length > 0) app.use('/mcp', bearerGuard(identities.map((i) => i.token)));
  app.use('/mcp', express.json({ limit: cfg.maxBodyBytes }));

  const sessionOf = (req: Request, res: Response): Session | undefined => {
    const id = req.headers['mcp-session-id'];
    if (typeof id !== 'string') {
      rpcError(
        res,
        400,
        RPC.serverError,
        'Bad Request: no mcp-session-id header; start with an initialize request',
      );
      return undefined;
    }
    const s = sessions.get(id);
    // 404 tells the client to initialize a new session (MCP streamable HTTP).
    if (!s) rpcError(res, 404, RPC.sessionNotFound, 'Session not found or expired; initialize a new session');
    else if (s.identity !== identityOf(res)) {
      // A session acts for the token that opened it; another token may not borrow it.
      rpcError(res, 403, RPC.serverError, 'Forbidden: this session belongs to another token');
      return undefined;
    }
    return s;
  };

  app.post('/mcp', async (req, res) => {
    // Without a JSON content type the parser leaves the body alone and the SDK would read it unbounded.
    if (req.body === undefined) {
      return rpcError(
        res,
        415,
        RPC.serverError,
        'Unsupported Media Type: send Content-Type: application/json',
      );
    }
    if (req.headers['mcp-session-id'] === undefined && isInitializeRequest(req.body)) {
      const admitted = admit(identityOf(res));
      if (admitted === 'token-full') {
        log.warn(
          { identity: identityOf(res), maxSessions: cfg.maxSessions },
          'initialize refused: token at its session limit',
        );
        return rpcError(
          res,
          429,
          RPC.serverError,
          `Too many sessions for this token: the limit is ${cfg.maxSessions} (GF_MAX_SESSIONS); ` +
            `end unused ones with DELETE or let them expire (${cfg.sessionIdleSeconds} s idle)`,
        );
      }
      if (admitted === 'busy') {
        res.setHeader('Retry-After', '1');
        return rpcError(
          res,
          503,
          RPC.serverError,
          `Too many sessions: all ${cfg.maxSessions} (GF_MAX_SESSIONS) are busy; retry shortly`,
        );
      }
      const s = await newSession(identityOf(res));
      track(res, s, true);
      await s.transport.handleRequest(req, res, req.body);
      // A failed initialize leaves a server nobody can reach: release it (and its bus subscription).
      if (!s.transport.sessionId || !sessions.has(s.transport.sessionId)) await closeSession(s);
      return;
    }
    const s = sessionOf(req, res);
    if (!s) return;
    track(res, s, true);
    await s.transport.handleRequest(req, res, req.body);
  });
  app.get('/mcp', async (req, res) => {
    const s = sessionOf(req, res);
    if (!s) return;
    track(res, s, false);
    await s.transport.handleRequest(req, res);
  });
  app.delete('/mcp', async (req, res) => {
    const s = sessionOf(req, res);
    if (!s) return;
    track(res, s, true);
    await s.transport.handleRequest(req, res);
  });
  app.all('/mcp', (_req, res) => {
    res.setHeader('Allow', 'GET, POST, DELETE');
    rpcError(res, 405, RPC.serverError, 'Method not allowed');
  });
  app.use((_req, res) => {
    const endpoints = ['/mcp', '/healthz', '/readyz', ...(cfg.webhookSecret ? [WEBHOOK_PATH] : [])];
    res.status(404).json({ error: 'not found', endpoints });
  });
  app.use(errorHandler(cfg, log));

  const httpServer = await listen(createServer(app), cfg.host, cfg.port);
  port = (httpServer.address() as AddressInfo).port;

  const idleMs = cfg.sessionIdleSeconds * 1000;
  const sweep = () => {
    const t = now();
    let expired = 0;
    for (const [id, s] of sessions) {
      if (s.active === 0 && t - s.lastSeen >= idleMs) {
        log.info({ session: id, idleSeconds: cfg.sessionIdleSeconds }, 'session expired');
        void closeSession(s);
        expired++;
      }
    }
    return expired;
  };
  const sweeper = setInterval(sweep, Math.min(60_000, Math.max(250, idleMs / 4)));
  sweeper.unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      if (!(await drain.wait(DRAIN_MS)))
        log.warn({ inFlight }, 'requests still running after 10 s; closing anyway');
      await Promise.all([...sessions.values()].map(closeSession));
      httpServer.closeAllConnections();
      await stopped;
      await deps.close();
    })());
  exitOnShutdown(close, log);

  const shownHost = isWildcardHost(cfg.host) ? '127.0.0.1' : urlHost(cfg.host);
  const url = `http://${shownHost}:${port}/mcp`;
  log.info(
    {
      transport: 'http',
      url,
      auth: identities.length > 0,
      identities: identities.length,
      readOnly: options.readOnly ?? false,
    },
    'listening',
  );
  return { url, close, sweep };
}

function listen(server: HttpServer, host: string, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
