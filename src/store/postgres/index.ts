import { createHash } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import type { Compilable } from 'kysely';
import pg from 'pg';
import type { GovernanceStore } from '../../governance/ports/store.js';
import { withErrorMapping } from '../sql/errors.js';
import { migrate } from '../sql/migrate.js';
import { sqlJobs } from '../sql/jobs.js';
import { sqlOutbox } from '../sql/outbox.js';
import { SqlReader } from '../sql/reader.js';
import type { ArrayMapper, ArrayReads } from '../sql/reader.js';
import type { Database } from '../sql/schema.js';
import { SqlTx } from '../sql/writer.js';
import { mapPostgresError } from './errors.js';

export interface PostgresStoreOptions {
  /** postgres:// connection string (Supabase ones included). */
  url: string;
  /** Schema holding the tables; created if missing. Default `governance_factory`. */
  schema?: string;
  /** Default 10. */
  poolSize?: number;
}

const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Waiting longer than this for a workspace lock reports STORE.BUSY, like SQLite's busy_timeout. */
const LOCK_TIMEOUT_MS = 10_000;

const now = (): string => new Date().toISOString();

/**
 * No JIT compilation: it pays off for long analytical queries, and ours are short. A plan whose
 * estimate crosses jit_above_cost (a range join over a few thousand items does) would otherwise
 * spend most of a second compiling for a query that runs in a tenth of that. A server built
 * without JIT accepts the setting too.
 */
const NO_JIT = 'set jit = off';

/**
 * 64-bit advisory lock key. The schema is part of it so that stores in different schemas of
 * one database (tests, staging) never wait on each other. 'gf:migrate' cannot clash with a
 * workspace: those are owner/repo.
 */
function advisoryKey(schema: string, name: string): string {
  return createHash('sha256').update(`${schema}\0${name}`).digest().readBigInt64BE(0).toString();
}

const lock = (key: string) => sql`select pg_advisory_xact_lock(${key}::bigint)`;

/**
 * Item reads in node-postgres's array row mode, sparing an object per row, through the same pool.
 * The query is still built by Kysely, schema-qualified, so the connection's search_path does not
 * matter. Each mapper keeps the row mapper made for the columns it last saw.
 */
function arrayReads(pool: pg.Pool): ArrayReads {
  const made = new Map<unknown, { columns: string; map: (values: unknown[]) => unknown }>();
  // Clients this reader has prepared (the pool's other users prepare theirs in onCreateConnection).
  const prepared = new WeakSet<pg.PoolClient>();
  return async <T>(query: Compilable, mapper: ArrayMapper<T>) => {
    const { sql: text, parameters } = query.compile();
    const client = await pool.connect();
    let res;
    try {
      if (!prepared.has(client)) {
        await client.query(NO_JIT);
        prepared.add(client);
      }
      res = await client.query<unknown[]>({ text, values: [...parameters], rowMode: 'array' });
    } finally {
      client.release();
    }
    const names = res.fields.map((f) => f.name);
    const columns = names.join();
    let entry = made.get(mapper);
    if (entry?.columns !== columns) made.set(mapper, (entry = { columns, map: mapper(names) }));
    return res.rows.map(entry.map) as T[];
  };
}

/**
 * Shared store on PostgreSQL. Writers of one workspace serialize on a transaction-scoped
 * advisory lock, across processes; readers never block. Queries name the schema explicitly
 * (withSchema) and search_path is set as well, which keeps working behind transaction poolers
 * that do not preserve session settings.
 */
export async function createPostgresStore(opts: PostgresStoreOptions): Promise<GovernanceStore> {
  const schema = opts.schema ?? 'governance_factory';
  if (!SCHEMA_RE.test(schema)) throw new Error(`Invalid Postgres schema name "${schema}"`);

  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client whose server connection drops emits 'error' on the pool; unhandled, that would
  // kill the process. The pool discards the client and the next query connects afresh.
  pool.on('error', () => undefined);

  const base = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
        await conn.executeQuery(CompiledQuery.raw(`set lock_timeout = ${LOCK_TIMEOUT_MS}`));
        await conn.executeQuery(CompiledQuery.raw(NO_JIT));
      },
    }),
  });
  const db = base.withSchema(schema);

  try {
    await base.transaction().execute(async (trx) => {
      // One migrator at a time; checking for the schema first spares the CREATE privilege
      // (which CREATE SCHEMA IF NOT EXISTS demands) when it already exists.
      await lock(advisoryKey(schema, 'gf:migrate')).execute(trx);
      const found = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(trx);
      if (found.rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(trx);
      await migrate(trx.withSchema(schema), 'postgres', now());
    });
  } catch (e) {
    await base.destroy();
    throw mapPostgresError(e);
  }

  const store: GovernanceStore = {
    kind: 'postgres',
    reader: withErrorMapping(new SqlReader(db, 'postgres', arrayReads(pool)), mapPostgresError),
    write: (workspace, fn) =>
      db.transaction().execute(async (trx) => {
        await lock(advisoryKey(schema, workspace)).execute(trx);
        return fn(new SqlTx(trx, 'postgres', workspace));
      }),
    // Claims lock their rows FOR UPDATE SKIP LOCKED: concurrent relays take disjoint events.
    outbox: withErrorMapping(
      sqlOutbox(db, 'postgres', (fn) => db.transaction().execute(fn)),
      mapPostgresError,
    ),
    jobs: withErrorMapping(
      sqlJobs(db, 'postgres', (fn) => db.transaction().execute(fn)),
      mapPostgresError,
    ),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => base.destroy(),
  };
  return withErrorMapping(store, mapPostgresError);
}
