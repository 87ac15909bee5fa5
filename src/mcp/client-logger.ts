import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  LoggingLevelSchema,
  SetLevelRequestSchema,
  type LoggingLevel,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { DomainError } from '../governance/errors.js';
import { canonicalLevel } from '../shared/log-levels.js';
import type { Logger } from './deps.js';

const SEVERITY = new Map(LoggingLevelSchema.options.map((l, i) => [l, i]));
/** Until the client picks a level, only warnings and errors are mirrored to it. */
const DEFAULT_LEVEL: LoggingLevel = 'warning';

/** logging/setLevel with the SDK's levels, plus `warn` for `warning` (as --log-level takes it). */
const SetLevelAnySpelling = SetLevelRequestSchema.extend({
  params: SetLevelRequestSchema.shape.params.extend({
    level: z.preprocess((v) => (typeof v === 'string' ? canonicalLevel(v) : v), LoggingLevelSchema),
  }),
});

/**
 * A logger that writes to the process log (stderr) and mirrors entries at or above the level the
 * client set with logging/setLevel to it as notifications/message.
 */
export function clientLogger(base: Logger, server: Server): Logger {
  let min = SEVERITY.get(DEFAULT_LEVEL)!;
  server.setRequestHandler(SetLevelAnySpelling, (req) => {
    min = SEVERITY.get(req.params.level) ?? min;
    return {};
  });
  const send = (level: LoggingLevel, obj: object | string, msg?: string) => {
    if (!server.transport || SEVERITY.get(level)! < min) return;
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

/** Errors reach the client as a code only: messages, stacks and paths stay in the server log. */
function sanitize(obj: object): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v instanceof DomainError ? v.code : v instanceof Error ? 'internal error (see server log)' : v;
  }
  return out;
}
