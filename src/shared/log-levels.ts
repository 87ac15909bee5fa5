/**
 * One spelling for the warning level everywhere a user names a level: MCP's `warning` (what
 * `logging/setLevel` and the README say). `warn`, pino's and many tools' spelling, is accepted as
 * the same level wherever a level is read (--log-level, GF_LOG_LEVEL, logging/setLevel).
 */
const ALIASES: Readonly<Record<string, string>> = { warn: 'warning' };

/** The canonical spelling of a level name; anything that is not an alias comes back unchanged. */
export const canonicalLevel = (level: string): string => ALIASES[level] ?? level;

/** Process log levels from the most verbose; `silent` keeps nothing. */
const RANK: Readonly<Record<string, number>> = {
  trace: 0,
  debug: 1,
  info: 2,
  warning: 3,
  error: 4,
  fatal: 5,
  silent: 6,
};

/** Whether an entry at `level` is kept by a log set to `min` (either spelling of warning). */
export const keeps =
  (min: string) =>
  (level: string): boolean =>
    (RANK[canonicalLevel(level)] ?? RANK.fatal!) >= (RANK[canonicalLevel(min)] ?? 0);
