import type { Kysely } from 'kysely';
import type { AuditCheckpoint } from '../../governance/model/audit-checkpoint.js';
import type { Database } from './schema.js';

type Row = Database['audit_checkpoints'];

const toRow = (c: AuditCheckpoint): Row => ({
  workspace: c.workspace,
  seq: c.seq,
  head_seq: c.headSeq,
  head_hash: c.headHash,
  records: c.records,
  at: c.at,
  prev_digest: c.prevDigest,
  key_id: c.keyId,
  digest: c.digest,
  signature: c.signature,
});

const fromRow = (r: Row): AuditCheckpoint => ({
  workspace: r.workspace,
  seq: Number(r.seq),
  headSeq: Number(r.head_seq),
  headHash: r.head_hash,
  records: Number(r.records),
  at: r.at,
  prevDigest: r.prev_digest,
  keyId: r.key_id,
  digest: r.digest,
  signature: r.signature,
});

export async function listCheckpoints(
  db: Kysely<Database>,
  workspace: string,
  afterSeq: number,
  limit: number,
): Promise<AuditCheckpoint[]> {
  const rows = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('workspace', '=', workspace)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

export async function lastCheckpoint(
  db: Kysely<Database>,
  workspace: string,
): Promise<AuditCheckpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('workspace', '=', workspace)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && fromRow(row);
}

export async function insertCheckpoint(db: Kysely<Database>, c: AuditCheckpoint): Promise<void> {
  await db.insertInto('audit_checkpoints').values(toRow(c)).execute();
}
