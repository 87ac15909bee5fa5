import type { Kysely } from 'kysely';
import type { ApprovalRequest, ApprovalStatus } from '../../governance/model/approval.js';
import type { ApprovalQuery } from '../../governance/ports/store-approvals.js';
import type { VersionedUpdate } from '../../governance/ports/store-results.js';
import type { ApprovalTable, Database } from './schema.js';

const toRow = (a: ApprovalRequest): ApprovalTable => ({
  workspace: a.workspace,
  id: a.id,
  seq: a.seq,
  tool: a.tool,
  input: JSON.stringify(a.input),
  rule: a.rule,
  min_approvals: a.minApprovals,
  approvers: JSON.stringify(a.approvers),
  requester: JSON.stringify(a.requester),
  status: a.status,
  decisions: JSON.stringify(a.decisions),
  outcome: a.outcome === null ? null : JSON.stringify(a.outcome),
  created_at: a.createdAt,
  expires_at: a.expiresAt,
  updated_at: a.updatedAt,
  version: a.version,
});

const fromRow = (r: ApprovalTable): ApprovalRequest => ({
  workspace: r.workspace,
  id: r.id,
  seq: Number(r.seq),
  tool: r.tool,
  input: JSON.parse(r.input) as ApprovalRequest['input'],
  rule: r.rule,
  minApprovals: Number(r.min_approvals),
  approvers: JSON.parse(r.approvers) as string[],
  requester: JSON.parse(r.requester) as ApprovalRequest['requester'],
  status: r.status as ApprovalStatus,
  decisions: JSON.parse(r.decisions) as ApprovalRequest['decisions'],
  outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as ApprovalRequest['outcome']),
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  updatedAt: r.updated_at,
  version: Number(r.version),
});

export async function getApproval(
  db: Kysely<Database>,
  workspace: string,
  id: string,
): Promise<ApprovalRequest | undefined> {
  const r = await db
    .selectFrom('approvals')
    .selectAll()
    .where('workspace', '=', workspace)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && fromRow(r);
}

export async function listApprovals(db: Kysely<Database>, q: ApprovalQuery): Promise<ApprovalRequest[]> {
  let query = db
    .selectFrom('approvals')
    .selectAll()
    .where('workspace', '=', q.workspace)
    .where('seq', '>', q.afterSeq ?? 0);
  if (q.status === 'pending') {
    query = query.where('status', '=', 'pending').where('expires_at', '>', q.now);
  } else if (q.status === 'expired') {
    query = query.where((eb) =>
      eb.or([
        eb('status', '=', 'expired'),
        eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', q.now)]),
      ]),
    );
  } else if (q.status) {
    query = query.where('status', '=', q.status);
  }
  const rows = await query.orderBy('seq').limit(q.limit).execute();
  return rows.map(fromRow);
}

export async function lastApprovalSeq(db: Kysely<Database>, workspace: string): Promise<number> {
  const r = await db
    .selectFrom('approvals')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('workspace', '=', workspace)
    .executeTakeFirst();
  return r?.seq == null ? 0 : Number(r.seq);
}

export async function insertApproval(db: Kysely<Database>, a: ApprovalRequest): Promise<void> {
  await db.insertInto('approvals').values(toRow(a)).execute();
}

export async function updateApproval(
  db: Kysely<Database>,
  a: ApprovalRequest,
  expectedVersion: number,
): Promise<VersionedUpdate> {
  const { workspace, id, ...rest } = toRow(a);
  const res = await db
    .updateTable('approvals')
    .set(rest)
    .where('workspace', '=', workspace)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return { ok: true };
  const found = await getApproval(db, workspace, id);
  return found ? { ok: false, found: true, actualVersion: found.version } : { ok: false, found: false };
}
