import type { Kysely } from 'kysely';
import { MIGRATIONS } from './migrations.js';
import type { Migration, SqlDialectName } from './migrations.js';
import type { Database } from './schema.js';

/**
 * Applies pending migrations on `db`, which MUST be a handle inside a transaction that already
 * holds the store's exclusive lock (SQLite: BEGIN IMMEDIATE; Postgres: an advisory xact lock).
 *
 * Why not Kysely's Migrator: its SQLite adapter's migration lock is a no-op, so two server
 * processes opening a fresh data directory at the same time would both run `0001_init` and one
 * would crash on "table already exists". Here the caller's lock makes check-and-apply atomic,
 * and DDL is transactional on both engines, so a failed migration leaves nothing behind.
 */
export async function migrate(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  now: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  await db.schema
    .createTable('gf_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();

  const rows = await db.selectFrom('gf_migrations').select('name').execute();
  const applied = new Set(rows.map((r) => r.name));
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    await m.up(db, dialect);
    await db.insertInto('gf_migrations').values({ name: m.name, applied_at: now }).execute();
    ran.push(m.name);
  }
  return ran;
}
