/**
 * One spelling for the warning level everywhere a user names a level: MCP's `warning` (what
 * `logging/setLevel` and the README say). `warn`, pino's and many tools' spelling, is accepted as
 * the same level wherever a level is read (--log-level, GF_LOG_LEVEL, logging/setLevel).
 */
const ALIASES: Readonly<Record<string, string>> = { warn: 'warning' };

/** The canonical spelling of a level name; anything that is not an alias comes back unchanged. */
export const canonicalLevel = (level: string): string => ALIASES[level] ?? level;
