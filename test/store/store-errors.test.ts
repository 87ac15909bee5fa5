/** Driver failures that leave the store as domain errors: STORE.BUSY and STORE.UNAVAILABLE. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

describe('store errors', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('reports STORE.BUSY when another process keeps the SQLite write lock past the timeout', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gf-busy-'));
    dirs.push(dataDir);
    // Two stores on one directory stand in for two processes: each has its own connection.
    const holder = await createSqliteStore({ dataDir });
    const waiter = await createSqliteStore({ dataDir, busyTimeoutMs: 50 });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = holder.write('acme/web', async (tx) => {
        await tx.nextSeq('acme/web', 'item');
        locked();
        await held;
      });
      await isLocked;
      await expect(waiter.write('acme/web', (tx) => tx.nextSeq('acme/web', 'item'))).rejects.toMatchObject({
        code: 'STORE.BUSY',
        hint: expect.stringMatching(/retry/i),
      });
      // Reads never wait for the writer in WAL mode.
      expect(await waiter.reader.countItems('acme/web')).toBe(0);
      release();
      await holding;
      expect(await waiter.write('acme/web', (tx) => tx.nextSeq('acme/web', 'item'))).toBe(2);
    } finally {
      await holder.close();
      await waiter.close();
    }
  });

  it('reports STORE.UNAVAILABLE when Postgres refuses the connection', async () => {
    await expect(createPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toMatchObject({
      code: 'STORE.UNAVAILABLE',
      hint: expect.stringContaining('DATABASE_URL'),
    });
  });
});
