/**
 * Every GovernanceStore back-end, each opened fresh and isolated, for suites that must pass on
 * all of them: `describe.each(storeBackends)('$name', (backend) => ...)`.
 *
 * - sqlite: a new temp directory per open, removed by cleanup.
 * - postgres: the PostgreSQL chosen for the run by test/helpers/postgres-setup.ts (TEST_DATABASE_URL
 *   when it answers, else an embedded PGlite outside CI), a new random schema per open, dropped
 *   with CASCADE by cleanup.
 *
 * Always call cleanup (it closes the store too), e.g. in afterEach/afterAll.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { inject } from 'vitest';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

export interface OpenedStore {
  store: GovernanceStore;
  /** Closes the store and deletes its data. Safe to call once. */
  cleanup(): Promise<void>;
  /** Runs one statement on the store's database behind its back (tamper tests). `?` marks parameters. */
  exec(sql: string, params?: unknown[]): Promise<number>;
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedStore>;
}

const TEST_POSTGRES = inject('postgres');
export const TEST_DATABASE_URL = TEST_POSTGRES.url;
/**
 * Set when the run's PostgreSQL is the embedded PGlite: one session that the socket server shares
 * between connections, so session-level behaviour (locks held by another connection, blocking
 * waits) is not PostgreSQL's. Skip such a test with `it.skipIf(ON_PGLITE)` and say why.
 */
export const ON_PGLITE = TEST_POSTGRES.kind === 'pglite';

export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  async open() {
    const dataDir = await mkdtemp(join(tmpdir(), 'gf-store-'));
    const store = await createSqliteStore({ dataDir });
    return {
      store,
      async cleanup() {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
      async exec(sql, params = []) {
        const db = new BetterSqlite3(join(dataDir, 'governance.db'));
        try {
          return db.prepare(sql).run(...params).changes;
        } finally {
          db.close();
        }
      },
    };
  },
};

export const postgresBackend: StoreBackend = {
  name: 'postgres',
  async open() {
    const schema = `gf_test_${randomBytes(6).toString('hex')}`;
    const store = await createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 5 });
    const withClient = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    };
    return {
      store,
      async cleanup() {
        await store.close();
        await withClient((client) => client.query(`drop schema if exists "${schema}" cascade`));
      },
      async exec(sql, params = []) {
        let n = 0;
        const text = sql.replace(/\?/g, () => `$${++n}`);
        // `set local` in a transaction: on PGlite's shared session a plain `set` could be
        // overtaken by another connection's before the statement runs.
        return withClient(async (client) => {
          await client.query('begin');
          try {
            await client.query(`set local search_path to "${schema}"`);
            const changed = (await client.query(text, params)).rowCount ?? 0;
            await client.query('commit');
            return changed;
          } catch (e) {
            await client.query('rollback');
            throw e;
          }
        });
      },
    };
  },
};

export const storeBackends: readonly StoreBackend[] = [sqliteBackend, postgresBackend];
