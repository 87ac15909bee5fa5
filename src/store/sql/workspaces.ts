import type { Kysely } from 'kysely';
import type { WorkspaceSummary } from '../../governance/model/workspace.js';
import type { WorkspaceQuery } from '../../governance/ports/store.js';
import { num } from './mappers.js';
import type { Database } from './schema.js';

/** Every write registers its workspace (ensureWorkspace), so the workspaces table is the list. */
export async function hasWorkspace(db: Kysely<Database>, workspace: string): Promise<boolean> {
  const row = await db.selectFrom('workspaces').select('id').where('id', '=', workspace).executeTakeFirst();
  return row !== undefined;
}

/**
 * One page of workspaces with their counts. The last change is the time of the audit head's
 * record (a primary-key lookup) rather than max(at) over the whole log.
 */
export async function workspaceSummaries(
  db: Kysely<Database>,
  q: WorkspaceQuery,
): Promise<WorkspaceSummary[]> {
  let query = db
    .selectFrom('workspaces as w')
    .leftJoin('audit_heads as h', 'h.workspace', 'w.id')
    .leftJoin('audit_log as a', (j) =>
      j.onRef('a.workspace', '=', 'h.workspace').onRef('a.seq', '=', 'h.seq'),
    )
    .select((eb) => [
      'w.id as id',
      'h.seq as audit_seq',
      'a.at as last_at',
      eb
        .selectFrom('items')
        .select(eb.fn.countAll().as('n'))
        .whereRef('items.workspace', '=', 'w.id')
        .as('items'),
      eb
        .selectFrom('milestones')
        .select(eb.fn.countAll().as('n'))
        .whereRef('milestones.workspace', '=', 'w.id')
        .as('milestones'),
      eb
        .selectFrom('specs')
        .select((sb) => sb.fn.count('specs.spec_id').distinct().as('n'))
        .whereRef('specs.workspace', '=', 'w.id')
        .as('specs'),
    ]);
  // owner/... is the range [owner/, owner0) on the primary key ('0' follows '/').
  if (q.owner !== undefined)
    query = query.where('w.id', '>=', `${q.owner}/`).where('w.id', '<', `${q.owner}0`);
  if (q.after !== undefined) query = query.where('w.id', '>', q.after);
  const rows = await query.orderBy('w.id').limit(q.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    items: num(r.items),
    milestones: num(r.milestones),
    specs: num(r.specs),
    auditRecords: r.audit_seq == null ? 0 : Number(r.audit_seq),
    lastChangeAt: r.last_at ?? null,
  }));
}
