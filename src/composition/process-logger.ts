import type { LogLevel } from '../config/config.js';
import type { Logger } from '../mcp/deps.js';
import { deferredLogger, type LevelLogger } from '../shared/deferred-logger.js';
import { keeps } from '../shared/log-levels.js';

/**
 * The process log: pino on stderr only (under stdio, stdout belongs to the protocol), loaded just
 * after start-up so cold start does not pay for it.
 */
export function processLogger(name: string, logLevel: LogLevel): Logger {
  // pino spells the warning level `warn`.
  const level = logLevel === 'warning' ? 'warn' : logLevel;
  return deferredLogger(
    async () => {
      const { default: pino } = await import('pino');
      const p = pino({ name, level }, pino.destination(2));
      // A plain object: pino's type has a string index (custom levels), which TS reads as a thenable.
      return {
        debug: (o, m) => p.debug(o, m),
        info: (o, m) => p.info(o, m),
        warn: (o, m) => p.warn(o, m),
        error: (o, m) => p.error(o, m),
      } satisfies LevelLogger;
    },
    undefined,
    keeps(logLevel),
  );
}
