/** Several processes starting at once against an empty database must create the schema once. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS } from '../../src/store/sql/migrations.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { TEST_DATABASE_URL } from '../helpers/store-backends.js';

describe('postgres store opening', () => {
  const schema = `gf_test_open_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
  });

  it('migrates a fresh schema once when stores open concurrently', async () => {
    // Separate pools stand in for separate processes.
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 2 })),
    );
    try {
      const seqs = await Promise.all(
        stores.map((s) => s.write('acme/web', (tx) => tx.nextSeq('acme/web', 'item'))),
      );
      expect([...seqs].sort()).toEqual([1, 2, 3, 4]);

      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query(`select name from "${schema}".gf_migrations`);
        // Each migration exactly once, however many stores raced to apply it.
        expect(rows).toEqual(MIGRATIONS.map((m) => ({ name: m.name })));
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('rejects a schema name it would have to quote', async () => {
    await expect(createPostgresStore({ url: TEST_DATABASE_URL, schema: 'x"; drop' })).rejects.toThrow(
      /schema/,
    );
  });
});
