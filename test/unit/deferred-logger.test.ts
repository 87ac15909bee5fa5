import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { deferredLogger, type LevelLogger } from '../../src/shared/deferred-logger.js';

function collector() {
  const lines: { level: string; obj: unknown; msg?: string }[] = [];
  const mk = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, obj, msg });
  const logger: LevelLogger = { debug: mk('debug'), info: mk('info'), warn: mk('warn'), error: mk('error') };
  return { lines, logger };
}

describe('deferredLogger', () => {
  it('queues entries until loaded, then replays them in order with their time', async () => {
    const c = collector();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const log = deferredLogger(async () => (await gate, c.logger), 0);
    log.info({ a: 1 }, 'first');
    log.debug('second');
    expect(c.lines).toEqual([]);
    release();
    await expect.poll(() => c.lines.length).toBe(2);
    expect(c.lines[0]).toMatchObject({
      level: 'info',
      obj: { a: 1, queuedAt: expect.any(Number) },
      msg: 'first',
    });
    expect(c.lines[1]).toMatchObject({ level: 'debug', obj: { msg: 'second' } });
    log.warn({ b: 2 }, 'direct');
    expect(c.lines[2]).toEqual({ level: 'warn', obj: { b: 2 }, msg: 'direct' });
  });

  it('loads at once on an error, without waiting for the delay', async () => {
    const c = collector();
    const log = deferredLogger(async () => c.logger, 60_000);
    log.error({ err: 'x' }, 'boom');
    await expect.poll(() => c.lines.length).toBe(1);
  });

  it('writes what is still queued to stderr when the process exits first', () => {
    const code = `
      import { deferredLogger } from './src/shared/deferred-logger.ts';
      const log = deferredLogger(() => new Promise(() => {}), 60_000);
      log.info({ step: 'shutdown' }, 'closing');
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr.trim())).toMatchObject({ level: 'info', step: 'shutdown', msg: 'closing' });
  });

  it.each([
    { min: 'warning', written: ['warn', 'error'] },
    { min: 'warn', written: ['warn', 'error'] },
    { min: 'error', written: ['error'] },
    { min: 'silent', written: [] },
  ])('writes only entries at or above the log level ($min) at exit', ({ min, written }) => {
    const code = `
      import { deferredLogger } from './src/shared/deferred-logger.ts';
      import { keeps } from './src/shared/log-levels.ts';
      const log = deferredLogger(() => new Promise(() => {}), 60_000, keeps(${JSON.stringify(min)}));
      log.debug('d'); log.info('i'); log.warn('w'); log.error('e');
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const levels = r.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { level: string }).level);
    expect(levels).toEqual(written);
  });
});
