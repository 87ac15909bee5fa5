import type { Kysely } from 'kysely';
import type { ComplianceSnapshot } from '../../governance/ports/store-compliance.js';
import type { ComplianceSnapshotTable, Database } from './schema.js';

const fromRow = (r: ComplianceSnapshotTable): ComplianceSnapshot => ({
  workspace: r.workspace,
  at: r.at,
  checked: Number(r.checked),
  complianceRate: Number(r.compliance_rate),
  meanScore: Number(r.mean_score),
  errors: Number(r.errors),
  warnings: Number(r.warnings),
  infos: Number(r.infos),
  byRule: JSON.parse(r.by_rule) as Record<string, number>,
  byCategory: JSON.parse(r.by_category) as Record<string, number>,
});

export async function complianceSnapshots(
  db: Kysely<Database>,
  workspace: string,
  since: string,
  limit: number,
): Promise<ComplianceSnapshot[]> {
  const rows = await db
    .selectFrom('compliance_snapshots')
    .selectAll()
    .where('workspace', '=', workspace)
    .where('at', '>=', since)
    .orderBy('at')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

export async function lastComplianceSnapshot(
  db: Kysely<Database>,
  workspace: string,
): Promise<ComplianceSnapshot | undefined> {
  const row = await db
    .selectFrom('compliance_snapshots')
    .selectAll()
    .where('workspace', '=', workspace)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && fromRow(row);
}

export async function putComplianceSnapshot(db: Kysely<Database>, s: ComplianceSnapshot): Promise<void> {
  const rest = {
    checked: s.checked,
    compliance_rate: s.complianceRate,
    mean_score: s.meanScore,
    errors: s.errors,
    warnings: s.warnings,
    infos: s.infos,
    by_rule: JSON.stringify(s.byRule),
    by_category: JSON.stringify(s.byCategory),
  };
  await db
    .insertInto('compliance_snapshots')
    .values({ workspace: s.workspace, at: s.at, ...rest })
    .onConflict((oc) => oc.columns(['workspace', 'at']).doUpdateSet(rest))
    .execute();
}
