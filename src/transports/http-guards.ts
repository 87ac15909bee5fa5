import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { HttpConfig } from '../config/config.js';
import { isLoopbackOrigin, isWildcardHost, normalizeOrigin, urlHost } from '../config/net.js';
import type { Logger } from '../mcp/deps.js';

/** JSON-RPC error codes used at the HTTP layer (-32000..-32099 are implementation defined). */
export const RPC = {
  parseError: -32700,
  serverError: -32000,
  sessionNotFound: -32001,
  internal: -32603,
} as const;

/** Every HTTP error on /mcp is a JSON-RPC error body, which MCP clients know how to surface. */
export function rpcError(res: Response, status: number, code: number, message: string): void {
  if (res.headersSent) return;
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

const clip = (v: string) => (v.length > 100 ? `${v.slice(0, 97)}...` : v);

/**
 * Host header allow-list against DNS rebinding: a page on evil.example that resolves its name to
 * 127.0.0.1 still sends `Host: evil.example`. `port()` is read per request: with port 0 it is
 * known only once listening.
 */
export function hostGuard(cfg: HttpConfig, port: () => number): RequestHandler {
  let allowed: Set<string> | undefined;
  return (req, res, next) => {
    allowed ??= new Set([
      `127.0.0.1:${port()}`,
      `localhost:${port()}`,
      `[::1]:${port()}`,
      ...(isWildcardHost(cfg.host) ? [] : [`${urlHost(cfg.host).toLowerCase()}:${port()}`]),
      ...cfg.allowedHosts,
    ]);
    const host = (req.headers.host ?? '').toLowerCase();
    if (allowed.has(host)) return next();
    rpcError(
      res,
      403,
      RPC.serverError,
      `Forbidden host "${clip(host)}": add it to GF_ALLOWED_HOSTS to allow it`,
    );
  };
}

/** Browsers send Origin on cross-site requests; only local pages and configured origins may call. */
export function originGuard(cfg: HttpConfig): RequestHandler {
  const extra = new Set(cfg.allowedOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || isLoopbackOrigin(origin) || extra.has(normalizeOrigin(origin) ?? ''))
      return next();
    rpcError(
      res,
      403,
      RPC.serverError,
      `Forbidden origin ${clip(origin)}: add it to GF_ALLOWED_ORIGINS to allow it`,
    );
  };
}

/**
 * `Authorization: Bearer <token>`, compared in constant time (over digests, so lengths match).
 * The index of the matching token goes to `res.locals.identity`: it picks the actor of the session.
 */
export function bearerGuard(tokens: readonly string[]): RequestHandler {
  const expected = tokens.map((t) => createHash('sha256').update(t).digest());
  return (req, res, next) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const given = createHash('sha256')
      .update(m?.[1] ?? '')
      .digest();
    // Compare against every token so the time taken does not tell which one matched.
    let found = -1;
    expected.forEach((e, i) => {
      if (timingSafeEqual(given, e) && found < 0) found = i;
    });
    if (m && found >= 0) {
      res.locals.identity = found;
      return next();
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="governance-factory"');
    rpcError(res, 401, RPC.serverError, 'Unauthorized: send Authorization: Bearer <token>');
  };
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

/** Body-parser failures and anything else a route threw, as JSON-RPC errors. */
export function errorHandler(cfg: HttpConfig, log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = (err ?? {}) as BodyParserError;
    if (e.type === 'entity.too.large') {
      return rpcError(
        res,
        413,
        RPC.serverError,
        `Request body too large: the limit is ${cfg.maxBodyBytes} bytes (GF_MAX_BODY_BYTES)`,
      );
    }
    if (e.type === 'entity.parse.failed') {
      return rpcError(res, 400, RPC.parseError, 'Parse error: the request body is not valid JSON');
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      return rpcError(res, e.status, RPC.serverError, e.message ?? 'Bad request');
    }
    log.error({ err }, 'HTTP request failed');
    rpcError(res, 500, RPC.internal, 'Internal error; see the server log');
  };
}
