import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Compilable } from 'kysely';
import type { GovernanceStore } from '../../governance/ports/store.js';
import { withErrorMapping } from '../sql/errors.js';
import { migrate } from '../sql/migrate.js';
import { sqlJobs } from '../sql/jobs.js';
import { sqlOutbox } from '../sql/outbox.js';
import { SqlReader } from '../sql/reader.js';
import type { ArrayMapper, ArrayReads } from '../sql/reader.js';
import type { Database } from '../sql/schema.js';
import { SqlTx } from '../sql/writer.js';
import { isBusy, mapSqliteError } from './errors.js';
import { WriteQueue } from './write-queue.js';

export interface SqliteStoreOptions {
  /** Created if missing. Several server processes may share it. */
  dataDir: string;
  /** Default `governance.db`. */
  fileName?: string;
  /** How long a writer waits for another process's write lock before STORE.BUSY. Default 10 s. */
  busyTimeoutMs?: number;
}

const now = (): string => new Date().toISOString();

async function openDatabase(file: string, busyTimeoutMs: number): Promise<BetterSqlite3.Database> {
  const raw = new BetterSqlite3(file);
  try {
    raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    await enableWal(raw, Date.now() + busyTimeoutMs);
    raw.pragma('synchronous = NORMAL');
    // Checkpoints move WAL pages into the database file and fsync it: tens of milliseconds that
    // SQLite would otherwise spend inside whichever commit crosses its threshold. We run them
    // ourselves when the store goes idle (see `checkpointer`).
    raw.pragma('wal_autocheckpoint = 0');
    raw.pragma('foreign_keys = ON');
    return raw;
  } catch (e) {
    raw.close();
    throw e;
  }
}

/**
 * Switching a fresh file to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once
 * (without the busy handler) when a sibling process opening the same directory holds any lock.
 * So retry with jitter until the busy timeout. The mode is persistent: later opens are no-ops.
 */
async function enableWal(raw: BetterSqlite3.Database, deadline: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      raw.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if (!isBusy(e) || Date.now() >= deadline) throw e;
      await setTimeout(Math.random() * Math.min(100, 5 * 2 ** attempt));
    }
  }
}

/** Checkpoint after this long without a commit... */
const CHECKPOINT_IDLE_MS = 250;
/** ...or after this many commits, so a store that never idles still bounds its WAL. */
const CHECKPOINT_EVERY = 500;

function checkpointer(raw: BetterSqlite3.Database, queue: WriteQueue) {
  let commits = 0;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    clearTimeout(timer);
    timer = undefined;
    commits = 0;
    // PASSIVE never waits for other processes' readers or writers; what it cannot copy now, a
    // later checkpoint will. Serialized with our own transactions through the write queue.
    void queue.run(async () => raw.pragma('wal_checkpoint(PASSIVE)')).catch(() => undefined);
  };
  return {
    committed() {
      if (++commits >= CHECKPOINT_EVERY) return run();
      if (timer) timer.refresh();
      else timer = globalThis.setTimeout(run, CHECKPOINT_IDLE_MS).unref();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Distinct item statements kept prepared; past this the cache starts over. */
const STATEMENT_CACHE = 64;

/**
 * Item reads in better-sqlite3's raw mode: a row as an array of values rather than an object
 * whose 24 properties the driver sets one by one through the V8 API, which is most of the cost
 * of a large read (about 100 ms for 10,000 items, a third of that as arrays). The query is still
 * built by Kysely and run while holding Kysely's single connection, so it waits for a write
 * transaction in progress exactly like the other reads. Statements stay prepared, each with the
 * row mapper made from its columns (a statement text always selects the same ones).
 */
function rawReads(db: Kysely<Database>, raw: BetterSqlite3.Database): ArrayReads {
  const statements = new Map<string, { stmt: Statement; map: (values: unknown[]) => unknown }>();
  return <T>(query: Compilable, mapper: ArrayMapper<T>) => {
    const { sql: text, parameters } = query.compile();
    return db.connection().execute(async () => {
      let entry = statements.get(text);
      if (entry === undefined) {
        const stmt = raw.prepare<unknown[], unknown[]>(text).raw(true);
        entry = { stmt, map: mapper(stmt.columns().map((c) => c.name)) };
        if (statements.size >= STATEMENT_CACHE) statements.clear();
        statements.set(text, entry);
      }
      return entry.stmt.all(parameters).map(entry.map) as T[];
    });
  };
}

type Statement = BetterSqlite3.Statement<unknown[], unknown[]>;

/**
 * Embedded store: one SQLite file in WAL mode, safe to share between server processes.
 *
 * Every write is `BEGIN IMMEDIATE ... COMMIT`: the write lock is taken up front, where SQLite
 * waits for it through busy_timeout. A deferred transaction that reads first and then writes
 * can fail at once with SQLITE_BUSY in WAL mode, because its read snapshot may be stale.
 * Inside `write()`, use only the `tx` handed to `fn` (the reader would wait for the connection
 * that the transaction holds).
 */
export async function createSqliteStore(opts: SqliteStoreOptions): Promise<GovernanceStore> {
  await mkdir(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, opts.fileName ?? 'governance.db');
  const raw = await openDatabase(file, opts.busyTimeoutMs ?? 10_000).catch((e: unknown) => {
    throw mapSqliteError(e);
  });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const queue = new WriteQueue();
  const checkpoints = checkpointer(raw, queue);

  const immediate = <T>(fn: (conn: Kysely<Database>) => Promise<T>): Promise<T> =>
    queue.run(() =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          checkpoints.committed();
          return result;
        } catch (e) {
          // SQLite may already have rolled back (e.g. on SQLITE_FULL); then this one fails too.
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw e;
        }
      }),
    );

  try {
    // Under the write lock, so processes opening a fresh directory together migrate once.
    await immediate((conn) => migrate(conn, 'sqlite', now()));
  } catch (e) {
    await db.destroy();
    throw mapSqliteError(e);
  }

  const store: GovernanceStore = {
    kind: 'sqlite',
    reader: withErrorMapping(new SqlReader(db, 'sqlite', rawReads(db, raw)), mapSqliteError),
    write: (workspace, fn) => immediate((conn) => fn(new SqlTx(conn, 'sqlite', workspace))),
    // Claims run under the write lock, so two processes on one file never claim the same event.
    outbox: withErrorMapping(sqlOutbox(db, 'sqlite', immediate), mapSqliteError),
    jobs: withErrorMapping(sqlJobs(db, 'sqlite', immediate), mapSqliteError),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      checkpoints.stop();
      await queue.idle();
      await db.destroy();
    },
  };
  return withErrorMapping(store, mapSqliteError);
}
