/**
 * Compliance rules that need more than one item's fields: the dependency links, the approvals and
 * the audit trail. `dependencies.open`: a done item one of whose blockers is still open.
 * `approvals.missing`: an epic whose creation no applied approval covers while
 * `compliance.approvals.epicCreation` requires one (an epic written by a whole `apply_spec` or an
 * import, or before the rule was set). `github.drift`: an item changed on GitHub outside this server
 * since the workspace's last sync (the change was taken in and audited as `github.drift`; a person
 * should look at it, and the next sync settles it).
 */
import type { GovernanceConfig } from '../config/schema.js';
import type { Violation } from '../compliance/types.js';
import type { StoreReader } from '../ports/store.js';
import { allAudit } from './query-audit.js';

const AUDIT_PAGE = 1000;
/** Links, approvals and drift records read at most (the newest first for audit records). */
const MAX_SCANNED = 50_000;

const auditOf = (reader: StoreReader, workspace: string, action: string, since?: string, itemId?: string) =>
  allAudit(
    reader,
    workspace,
    {
      action,
      ...(since !== undefined && { since }),
      ...(itemId !== undefined && { entityType: 'item' as const, entityId: itemId }),
    },
    MAX_SCANNED,
  );

export interface CrossScope {
  /** Only this item's findings. */
  itemId?: string;
}

/** The findings of the cross-item rules, over the whole workspace or one item. */
export async function workspaceFindings(
  reader: StoreReader,
  workspace: string,
  config: Pick<GovernanceConfig, 'compliance' | 'rules'>,
  scope: CrossScope = {},
): Promise<Violation[]> {
  const out: Violation[] = [];
  const one = scope.itemId;

  const open = new Map<string, string[]>();
  for (const l of await reader.openDependencies(workspace, one))
    open.set(l.blockedId, [...(open.get(l.blockedId) ?? []), l.blockerId]);
  for (const [id, blockers] of open) {
    out.push({
      severity: config.rules.dependencies === 'enforce' ? 'error' : 'warning',
      rule: 'dependencies.open',
      itemId: id,
      message: `${id} is done while it depends on open ${blockers.join(', ')}`,
      fix: `Finish ${blockers.join(', ')}, or reopen ${id} (set_item_status in_progress) until they are done.`,
    });
  }

  if (config.compliance.approvals.epicCreation.required) {
    const approved = new Set<number>();
    for (let after: number | undefined; ;) {
      const page = await reader.listApprovals({
        workspace,
        status: 'applied',
        limit: AUDIT_PAGE,
        now: '9999-12-31T00:00:00.000Z',
        ...(after !== undefined && { afterSeq: after }),
      });
      for (const a of page) if (a.outcome?.ok) for (const seq of a.outcome.auditSeqs) approved.add(seq);
      if (page.length < AUDIT_PAGE) break;
      after = page.at(-1)!.seq;
    }
    for (const r of await auditOf(reader, workspace, 'item.created', undefined, one)) {
      if (r.diff.type?.new !== 'epic' || approved.has(r.seq)) continue;
      out.push({
        severity: 'warning',
        rule: 'approvals.missing',
        itemId: r.entityId,
        message: `Epic ${r.entityId} was created (audit seq ${r.seq}, ${r.tool ?? 'no tool'}) without an approval, which compliance.approvals.epicCreation requires`,
        fix: `Have an approver review ${r.entityId} (query_audit seq ${r.seq}); cancel it if it should not exist. Epics made by a whole apply_spec are held only when compliance.approvals.actions lists apply_spec.`,
      });
    }
  }

  const [lastSync] = await reader.queryAudit(workspace, { action: 'github.synced', limit: 1 });
  if (lastSync) {
    const drifted = new Map<string, Set<string>>();
    for (const r of await auditOf(reader, workspace, 'github.drift', lastSync.at, one)) {
      if (r.entityType !== 'item' || r.seq < lastSync.seq) continue;
      const fields = drifted.get(r.entityId) ?? new Set<string>();
      for (const f of Object.keys(r.diff)) fields.add(f);
      drifted.set(r.entityId, fields);
    }
    for (const [id, fields] of drifted) {
      out.push({
        severity: 'warning',
        rule: 'github.drift',
        itemId: id,
        message: `${id} was changed on GitHub outside this server since the last sync (${[...fields].join(', ')})`,
        fix: `Review the change (query_audit with entityId ${id}, action github.drift), then run plan_github_sync and apply_github_sync.`,
      });
    }
  }
  return out;
}
