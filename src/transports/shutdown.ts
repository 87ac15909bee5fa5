import type { Logger } from '../mcp/deps.js';

/**
 * Calls `close` once on SIGINT/SIGTERM (or when the returned trigger is called) and exits 0
 * when it resolves, 1 when it fails. A second signal exits at once: the operator insists.
 */
export function exitOnShutdown(close: () => Promise<void>, log: Logger): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) {
      if (reason.startsWith('SIG')) {
        log.warn({ reason }, 'second signal during shutdown: exiting now');
        process.exit(1);
      }
      return;
    }
    stopping = true;
    log.info({ reason }, 'shutting down');
    close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return stop;
}

/** Resolves when `idle()` is true (re-checked on each `poke`) or after `ms`, whichever comes first. */
export class Drain {
  private waiters: (() => void)[] = [];

  constructor(private readonly idle: () => boolean) {}

  poke(): void {
    if (!this.idle()) return;
    for (const w of this.waiters.splice(0)) w();
  }

  wait(ms: number): Promise<boolean> {
    if (this.idle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
