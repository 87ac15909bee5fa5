import type { Kysely } from 'kysely';
import type { IssueMapping, ProjectLink } from '../../governance/ports/store-github.js';
import type { Database } from './schema.js';

export async function issueMappings(
  db: Kysely<Database>,
  workspace: string,
): Promise<Map<string, IssueMapping>> {
  const rows = await db.selectFrom('github_issues').selectAll().where('workspace', '=', workspace).execute();
  return new Map(
    rows.map((r) => [
      r.item_id,
      {
        workspace: r.workspace,
        itemId: r.item_id,
        repository: r.repository,
        number: Number(r.number),
        issueId: Number(r.issue_id),
        nodeId: r.node_id,
        syncedAt: r.synced_at,
      },
    ]),
  );
}

export async function putIssueMapping(db: Kysely<Database>, m: IssueMapping): Promise<void> {
  const row = {
    workspace: m.workspace,
    item_id: m.itemId,
    repository: m.repository,
    number: m.number,
    issue_id: m.issueId,
    node_id: m.nodeId,
    synced_at: m.syncedAt,
  };
  // A number held by another item of the repository (the issue was remapped) is freed first.
  await db
    .deleteFrom('github_issues')
    .where('repository', '=', m.repository)
    .where('number', '=', m.number)
    .where('item_id', '!=', m.itemId)
    .execute();
  await db
    .insertInto('github_issues')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['workspace', 'item_id']).doUpdateSet({
        repository: row.repository,
        number: row.number,
        issue_id: row.issue_id,
        node_id: row.node_id,
        synced_at: row.synced_at,
      }),
    )
    .execute();
}

export async function projectLink(db: Kysely<Database>, workspace: string): Promise<ProjectLink | undefined> {
  const r = await db
    .selectFrom('github_projects')
    .selectAll()
    .where('workspace', '=', workspace)
    .executeTakeFirst();
  return (
    r && {
      workspace: r.workspace,
      owner: r.owner,
      number: Number(r.number),
      nodeId: r.node_id,
      title: r.title,
      url: r.url,
      linkedAt: r.linked_at,
    }
  );
}

export async function putProjectLink(db: Kysely<Database>, l: ProjectLink): Promise<void> {
  const row = {
    workspace: l.workspace,
    owner: l.owner,
    number: l.number,
    node_id: l.nodeId,
    title: l.title,
    url: l.url,
    linked_at: l.linkedAt,
  };
  const { workspace: _, ...rest } = row;
  await db
    .insertInto('github_projects')
    .values(row)
    .onConflict((oc) => oc.column('workspace').doUpdateSet(rest))
    .execute();
}
