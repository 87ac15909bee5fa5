import type { Kysely } from 'kysely';
import type { OverrideScope } from '../../governance/config/override.js';
import type { ConfigDoc, VersionedPut } from '../../governance/ports/store.js';
import type { ConfigVersionTable, Database } from './schema.js';

const rowToDoc = (r: Pick<ConfigVersionTable, 'version' | 'override' | 'updated_at' | 'updated_by'>) => ({
  version: Number(r.version),
  override: JSON.parse(r.override) as unknown,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

const versions = (db: Kysely<Database>, scope: OverrideScope, key: string) =>
  db
    .selectFrom('config_versions')
    .select(['version', 'override', 'updated_at', 'updated_by'])
    .where('scope', '=', scope)
    .where('key', '=', key);

export async function getConfigDoc(
  db: Kysely<Database>,
  scope: OverrideScope,
  key: string,
): Promise<ConfigDoc | undefined> {
  const row = await versions(db, scope, key).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && rowToDoc(row);
}

export async function listConfigVersions(
  db: Kysely<Database>,
  scope: OverrideScope,
  key: string,
  limit: number,
  beforeVersion?: number,
): Promise<ConfigDoc[]> {
  let query = versions(db, scope, key);
  if (beforeVersion !== undefined) query = query.where('version', '<', beforeVersion);
  const rows = await query.orderBy('version', 'desc').limit(limit).execute();
  return rows.map(rowToDoc);
}

async function latestVersion(db: Kysely<Database>, scope: OverrideScope, key: string): Promise<number> {
  const row = await db
    .selectFrom('config_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.v == null ? 0 : Number(row.v);
}

/**
 * Inserts version expectedVersion + 1. The workspace lock does not cover an org key (two
 * repositories of one owner lock separately), so the primary key settles races: the loser's
 * insert does nothing (Postgres waits for the winner to commit first) and reports the version it lost to.
 * DO NOTHING rather than a caught unique violation: on Postgres that would abort the transaction.
 */
export async function putConfigDoc(
  db: Kysely<Database>,
  scope: OverrideScope,
  key: string,
  doc: Omit<ConfigDoc, 'version'>,
  expectedVersion: number,
): Promise<VersionedPut<ConfigDoc>> {
  const current = await latestVersion(db, scope, key);
  if (current !== expectedVersion) return { ok: false, actualVersion: current };
  const stored: ConfigDoc = { ...doc, version: expectedVersion + 1 };
  const res = await db
    .insertInto('config_versions')
    .values({
      scope,
      key,
      version: stored.version,
      override: JSON.stringify(doc.override ?? {}),
      updated_at: doc.updatedAt,
      updated_by: doc.updatedBy,
    })
    .onConflict((oc) => oc.columns(['scope', 'key', 'version']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 0) {
    return { ok: false, actualVersion: await latestVersion(db, scope, key) };
  }
  return {
    ok: true,
    stored: { ...stored, override: JSON.parse(JSON.stringify(doc.override ?? {})) as unknown },
  };
}
