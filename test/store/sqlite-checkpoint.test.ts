/** The embedded store checkpoints its WAL when idle rather than inside a commit. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { makeItem } from '../contract/store-fixtures.js';

describe('sqlite checkpoints', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('leaves commits in the WAL while busy and moves them into the database once idle', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gf-ckpt-'));
    dirs.push(dataDir);
    const file = join(dataDir, 'governance.db');
    const store = await createSqliteStore({ dataDir });
    try {
      await new Promise((r) => setTimeout(r, 400)); // let the migration's checkpoint happen
      const before = (await stat(file)).size;
      const ws = 'acme/ckpt';
      for (let i = 1; i <= 200; i++) {
        await store.write(ws, async (tx) => {
          const seq = await tx.nextSeq(ws, 'item');
          await tx.insertItem(makeItem(ws, [seq], { description: 'x'.repeat(2000) }));
        });
      }
      // 200 commits with ~2 KB each: all still in the WAL, none written through by a commit.
      expect((await stat(file)).size).toBe(before);
      await expect
        .poll(async () => (await stat(file)).size, { timeout: 3000 })
        .toBeGreaterThan(before + 200 * 2000);
      expect(await store.reader.countItems(ws)).toBe(200);
    } finally {
      await store.close();
    }
  });
});
