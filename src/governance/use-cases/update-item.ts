import type { Priority, WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { assertKnownAgent } from './agents.js';
import { AUDITED_ITEM_FIELDS } from './create-item.js';
import { requireItem, requireMilestone } from './lookups.js';
import { updateItemAt } from './store-writes.js';
import { assertItemVersion } from './version-conflict.js';
import { diffFields, runWrite } from './write-scope.js';

export interface ItemPatch {
  title?: string;
  description?: string;
  priority?: Priority;
  agent?: string | null;
  estimateDays?: number | null;
  milestoneId?: string | null;
  labels?: string[];
}

export interface UpdateItemCommand {
  workspace: string;
  id: string;
  expectedVersion: number;
  patch: ItemPatch;
  reason?: string;
}

export interface UpdateResult {
  item: WorkItem;
  changed: string[];
}

/** Applies a patch under optimistic concurrency; a patch that changes nothing writes nothing. */
export async function updateItem(
  deps: CoreDeps,
  caller: Caller,
  cmd: UpdateItemCommand,
): Promise<UpdateResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const before = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, before, cmd.expectedVersion);
    const p = cmd.patch;
    if (p.milestoneId) await requireMilestone(s.tx, s.workspace, p.milestoneId);
    if (p.agent !== before.agent) await assertKnownAgent(s.tx, s.workspace, deps, p.agent);
    const after: WorkItem = {
      ...before,
      ...(p.title !== undefined && { title: p.title }),
      ...(p.description !== undefined && { description: p.description }),
      ...(p.priority !== undefined && { priority: p.priority }),
      ...(p.agent !== undefined && { agent: p.agent }),
      ...(p.estimateDays !== undefined && { estimateDays: p.estimateDays }),
      ...(p.milestoneId !== undefined && { milestoneId: p.milestoneId }),
      ...(p.labels !== undefined && { labels: [...new Set(p.labels)] }),
    };
    const diff = diffFields(before, after, AUDITED_ITEM_FIELDS);
    const changed = Object.keys(diff);
    if (changed.length === 0) return { item: before, changed };
    const next = { ...after, updatedAt: s.now, version: before.version + 1 };
    await updateItemAt(s.tx, next, before.version);
    await s.audit({
      entityType: 'item',
      entityId: next.id,
      action: 'item.updated',
      diff,
      reason: cmd.reason ?? null,
    });
    await s.emit('issue.updated', { id: next.id, changed });
    await s.emit('hierarchy.updated', { ids: [next.id] });
    return { item: next, changed };
  });
}
