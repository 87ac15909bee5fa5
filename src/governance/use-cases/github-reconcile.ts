/**
 * Reconcile: what webhooks missed, caught by reading the repository in bulk. For every mapped issue
 * whose item has not changed here since the last sync (a newer local change is the sync's to push,
 * not drift), GitHub's state, title and parent are compared with the item; differences are applied
 * locally as drift (audited with `github.drift`, a `compliance.drift` event), through the same
 * appliers as the webhook. A dry run lists them and writes nothing; a second run finds nothing.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { assertWorkspace } from '../model/workspace.js';
import { isOpen, type WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import { applyIssueFacts, applyParent, type DriftChange, type DriftContext } from './github-drift.js';
import { requireGitHub, type SyncDeps } from './github-sync.js';
import { runWrite } from './write-scope.js';

export interface ReconcileDifference {
  itemId: string;
  number: number;
  field: 'state' | 'title' | 'parent';
  local: string | null;
  github: string | null;
}

export interface ReconcileResult {
  repository: string;
  dryRun: boolean;
  /** Mapped issues compared. */
  compared: number;
  differences: ReconcileDifference[];
  /** Items changed here after the last sync: left for the sync to push. */
  pendingLocal: string[];
  /** Mapped issues GitHub no longer lists (deleted or transferred). */
  missing: { itemId: string; number: number }[];
  /** Changes applied (empty for a dry run). */
  applied: DriftChange[];
}

const PAGE = 500;

async function itemsOf(deps: SyncDeps, workspace: string): Promise<Map<string, WorkItem>> {
  const out = new Map<string, WorkItem>();
  for (let after: string | undefined; ;) {
    const page = await deps.store.reader.treePage(workspace, {
      limit: PAGE,
      ...(after !== undefined && { afterPath: after }),
    });
    for (const i of page) out.set(i.id, i);
    if (page.length < PAGE) return out;
    after = page.at(-1)!.path;
  }
}

export async function reconcileGitHub(
  deps: SyncDeps,
  caller: Caller,
  workspace: string,
  config: Pick<GovernanceConfig, 'labels'>,
  opts: { dryRun: boolean },
): Promise<ReconcileResult> {
  assertWorkspace(workspace);
  const tracker = requireGitHub(deps);
  const [owner, repo] = workspace.split('/') as [string, string];
  const r = deps.store.reader;
  const [session, mappings, items, last] = await Promise.all([
    tracker.open(owner, repo, caller),
    r.issueMappings(workspace),
    itemsOf(deps, workspace),
    r.queryAudit(workspace, { action: 'github.synced', limit: 1 }),
  ]);
  const lastSync = last[0]?.at ?? null;
  const issues = new Map(session.state.issues.map((i) => [i.number, i]));
  const itemOfNumber = new Map([...mappings].map(([itemId, m]) => [m.number, itemId]));
  const out: ReconcileResult = {
    repository: workspace,
    dryRun: opts.dryRun,
    compared: 0,
    differences: [],
    pendingLocal: [],
    missing: [],
    applied: [],
  };
  for (const [itemId, m] of mappings) {
    const item = items.get(itemId);
    if (!item) continue;
    const issue = issues.get(m.number);
    if (!issue) {
      out.missing.push({ itemId, number: m.number });
      continue;
    }
    if (lastSync !== null && item.updatedAt > lastSync) {
      out.pendingLocal.push(itemId);
      continue;
    }
    out.compared++;
    const diff = (field: ReconcileDifference['field'], local: string | null, github: string | null) =>
      out.differences.push({ itemId, number: m.number, field, local, github });
    if (isOpen(item.status) !== (issue.state === 'open'))
      diff('state', item.status, issue.state === 'closed' ? `closed (${issue.stateReason})` : 'open');
    if (issue.title !== item.title) diff('title', item.title, issue.title);
    // A parent GitHub holds that is not one of ours is not a parent here: left alone.
    const parentId = issue.parentNumber === null ? null : (itemOfNumber.get(issue.parentNumber) ?? undefined);
    if (parentId !== undefined && parentId !== item.parentId) diff('parent', item.parentId, parentId);
  }
  if (opts.dryRun || out.differences.length === 0) return out;
  const ctx: DriftContext = {
    source: 'reconcile',
    deliveryId: null,
    actor: caller.actor.id,
    what: 'reconcile',
  };
  const byItem = new Map<string, ReconcileDifference[]>();
  for (const d of out.differences) byItem.set(d.itemId, [...(byItem.get(d.itemId) ?? []), d]);
  for (const [itemId, diffs] of byItem) {
    const issue = issues.get(diffs[0]!.number)!;
    const changes = await runWrite(deps, caller, workspace, async (s) => {
      const made: DriftChange[] = [];
      if (diffs.some((d) => d.field === 'parent')) {
        const p = issue.parentNumber === null ? null : itemOfNumber.get(issue.parentNumber)!;
        made.push(...(await applyParent(s, { ...ctx, what: 'reconcile parent' }, itemId, p)));
      }
      made.push(
        ...(await applyIssueFacts(
          s,
          ctx,
          itemId,
          {
            ...(diffs.some((d) => d.field === 'state') && {
              state: { state: issue.state, reason: issue.stateReason },
            }),
            ...(diffs.some((d) => d.field === 'title') && { title: issue.title }),
          },
          config,
        )),
      );
      return made;
    });
    out.applied.push(...changes);
  }
  return out;
}
