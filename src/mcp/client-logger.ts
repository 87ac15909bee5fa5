import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from './deps.js';

/**
 * A logger that writes to the process log (stderr) and mirrors each entry to the connected client
 * as notifications/message, which the SDK filters by the level the client set with logging/setLevel.
 */
export function clientLogger(base: Logger, server: Server): Logger {
  const send = (level: LoggingLevel, obj: object | string, msg?: string) => {
    if (!server.transport) return;
    const data = typeof obj === 'string' ? obj : { ...sanitize(obj), ...(msg ? { msg } : {}) };
    server.sendLoggingMessage({ level, logger: 'governance-factory', data }).catch(() => undefined);
  };
  return {
    debug: (o, m) => (base.debug(o, m), send('debug', o, m)),
    info: (o, m) => (base.info(o, m), send('info', o, m)),
    warn: (o, m) => (base.warn(o, m), send('warning', o, m)),
    error: (o, m) => (base.error(o, m), send('error', o, m)),
  };
}

/** Errors go to the client as their message only: stacks and internals stay in the server log. */
function sanitize(obj: object): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = v instanceof Error ? v.message : v;
  return out;
}
