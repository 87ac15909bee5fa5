import type { Kysely } from 'kysely';
import type { SpecItemRef, SpecStatus, SpecSummary, SpecVersion } from '../../governance/model/spec.js';
import type { SpecQuery, VersionedPut } from '../../governance/ports/store.js';
import type { GenerationMeta } from '../../governance/use-cases/model-json.js';
import type { Database, SpecTable } from './schema.js';

/** Every column but the text: reads of a version never pay for up to 1 MiB they do not show. */
const COLUMNS = [
  'workspace',
  'spec_id',
  'version',
  'title',
  'text_hash',
  'bytes',
  'lines',
  'status',
  'generation',
  'items',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
] as const;

type SpecRow = Pick<SpecTable, (typeof COLUMNS)[number]>;

const rowToSpec = (r: SpecRow): SpecVersion => ({
  workspace: r.workspace,
  specId: r.spec_id,
  version: Number(r.version),
  title: r.title,
  textHash: r.text_hash,
  bytes: Number(r.bytes),
  lines: Number(r.lines),
  status: JSON.parse(r.status) as SpecStatus,
  generation: JSON.parse(r.generation) as GenerationMeta,
  items: JSON.parse(r.items) as SpecItemRef[],
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

const versions = (db: Kysely<Database>, workspace: string, specId: string) =>
  db.selectFrom('specs').where('workspace', '=', workspace).where('spec_id', '=', specId);

export async function getSpec(
  db: Kysely<Database>,
  workspace: string,
  specId: string,
  version?: number,
): Promise<SpecVersion | undefined> {
  let query = versions(db, workspace, specId).select(COLUMNS);
  if (version !== undefined) query = query.where('version', '=', version);
  const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && rowToSpec(row);
}

export async function getSpecText(
  db: Kysely<Database>,
  workspace: string,
  specId: string,
  version: number,
): Promise<string | undefined> {
  const row = await versions(db, workspace, specId)
    .select('text')
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.text;
}

/**
 * Latest version of each spec, by spec id. Spec ids are letters of any script, digits and '-',
 * all of which sort before U+10FFFF in UTF-8, so a prefix is the key range [prefix, prefix+U+10FFFF)
 * on both back-ends' byte-wise collation.
 */
export async function listSpecs(
  db: Kysely<Database>,
  workspace: string,
  q: SpecQuery,
): Promise<SpecSummary[]> {
  let query = db
    .selectFrom('specs as s')
    .select(['s.spec_id', 's.version', 's.title', 's.status', 's.updated_at'])
    .where('s.workspace', '=', workspace)
    .where('s.version', '=', (eb) =>
      eb
        .selectFrom('specs as t')
        .select((e) => e.fn.max('t.version').as('v'))
        .whereRef('t.workspace', '=', 's.workspace')
        .whereRef('t.spec_id', '=', 's.spec_id'),
    );
  if (q.after !== undefined) query = query.where('s.spec_id', '>', q.after);
  if (q.prefix)
    query = query.where('s.spec_id', '>=', q.prefix).where('s.spec_id', '<', `${q.prefix}\u{10ffff}`);
  const rows = await query.orderBy('s.spec_id').limit(q.limit).execute();
  return rows.map((r) => ({
    specId: r.spec_id,
    version: Number(r.version),
    title: r.title,
    status: JSON.parse(r.status) as SpecStatus,
    updatedAt: r.updated_at,
  }));
}

async function latestVersion(db: Kysely<Database>, workspace: string, specId: string): Promise<number> {
  const row = await versions(db, workspace, specId)
    .select((eb) => eb.fn.max('version').as('v'))
    .executeTakeFirst();
  return row?.v == null ? 0 : Number(row.v);
}

/** DO NOTHING rather than a caught unique violation: on Postgres that would abort the transaction. */
export async function putSpecVersion(
  db: Kysely<Database>,
  spec: Omit<SpecVersion, 'version'> & { text: string },
  expectedVersion: number,
): Promise<VersionedPut<SpecVersion>> {
  const { text, ...stored } = spec;
  const version = expectedVersion + 1;
  let current = await latestVersion(db, spec.workspace, spec.specId);
  if (current === expectedVersion) {
    const res = await db
      .insertInto('specs')
      .values({
        workspace: spec.workspace,
        spec_id: spec.specId,
        version,
        title: spec.title,
        text,
        text_hash: spec.textHash,
        bytes: spec.bytes,
        lines: spec.lines,
        status: JSON.stringify(spec.status),
        generation: JSON.stringify(spec.generation),
        items: JSON.stringify(spec.items),
        item_count: spec.items.length,
        created_at: spec.createdAt,
        created_by: spec.createdBy,
        updated_at: spec.updatedAt,
        updated_by: spec.updatedBy,
      })
      .onConflict((oc) => oc.columns(['workspace', 'spec_id', 'version']).doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) return { ok: true, stored: { ...stored, version } };
    current = await latestVersion(db, spec.workspace, spec.specId);
  }
  return { ok: false, actualVersion: current };
}

export async function updateSpecStatus(
  db: Kysely<Database>,
  workspace: string,
  specId: string,
  version: number,
  status: SpecStatus,
  change: { updatedAt: string; updatedBy: string },
): Promise<boolean> {
  const res = await db
    .updateTable('specs')
    .set({ status: JSON.stringify(status), updated_at: change.updatedAt, updated_by: change.updatedBy })
    .where('workspace', '=', workspace)
    .where('spec_id', '=', specId)
    .where('version', '=', version)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}
