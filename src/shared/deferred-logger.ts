import { writeSync } from 'node:fs';

type Level = 'debug' | 'info' | 'warn' | 'error';
type Entry = [Level, object | string, string | undefined, number];

export interface LevelLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/**
 * A logger whose implementation loads after start-up: entries made before it is loaded are queued
 * (with the time they were made) and replayed in order. Loading starts after `delayMs`, or at once
 * on a warning or error. Whatever is still queued when the process exits is written to stderr as
 * plain JSON lines, so nothing the log level keeps is lost. This keeps the logging library off the cold-start path.
 */
export function deferredLogger(
  load: () => Promise<LevelLogger>,
  delayMs = 300,
  /** The level filter for what the exit hook writes (the loaded logger applies its own). */
  keep: (level: Level) => boolean = () => true,
): LevelLogger {
  let real: LevelLogger | undefined;
  let loading: Promise<void> | undefined;
  const queue: Entry[] = [];
  const start = () =>
    (loading ??= load().then(
      (l) => {
        real = l;
        for (const [level, obj, msg, at] of queue.splice(0)) {
          l[level](typeof obj === 'string' ? { queuedAt: at, msg: obj } : { ...obj, queuedAt: at }, msg);
        }
      },
      () => undefined, // keep queueing; the exit hook writes the entries
    ));
  setTimeout(start, delayMs).unref();
  process.once('exit', () => {
    for (const [level, obj, msg, at] of queue.splice(0)) {
      if (!keep(level)) continue;
      const body = typeof obj === 'string' ? { msg: obj } : { ...obj, ...(msg ? { msg } : {}) };
      writeSync(2, `${JSON.stringify({ level, time: at, ...body }, errorReplacer)}\n`);
    }
  });
  const log = (level: Level) => (obj: object | string, msg?: string) => {
    if (real) return real[level](obj, msg);
    queue.push([level, obj, msg, Date.now()]);
    if (level === 'warn' || level === 'error') void start();
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;
}
