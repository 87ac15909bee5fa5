import type { WorkItem } from '../model/work-item.js';
import { STARTED } from '../rules/status.js';
import { updateItemAt } from './store-writes.js';
import type { WriteScope } from './write-scope.js';
import { requireItem } from './lookups.js';

export interface RollupChange {
  id: string;
  progress: number;
  status: WorkItem['status'];
  /** The ancestor's version after the roll-up: what the next write to it must expect. */
  version: number;
}

/** The audit action of a roll-up; its reason starts with ROLLUP_REASON and names the cause. */
export const ROLLUP_ACTION = 'item.rolled_up';
export const ROLLUP_REASON = 'roll-up: ';

/**
 * A leaf counts 100 when done; a parent is the mean of its children's progress, cancelled children
 * left out (the store's child stats do not count them).
 */
export function leafProgress(item: Pick<WorkItem, 'status'>): number {
  return item.status === 'done' ? 100 : 0;
}

/**
 * Recomputes progress from the given parents up to the root, and starts ancestors when a child
 * started: a planning (or done) parent moves to in_progress once any child is in progress or in review.
 * Ancestors shared by several branches (a move between siblings) are computed once, deepest first,
 * and only while something below them changed. Every changed ancestor is written and audited as a
 * roll-up of `cause`.
 */
export async function rollUp(
  s: WriteScope,
  parentIds: string | null | readonly (string | null)[],
  cause: string,
): Promise<RollupChange[]> {
  const starts = (Array.isArray(parentIds) ? parentIds : [parentIds]).filter(
    (id): id is string => id !== null,
  );
  const chain = new Map<string, WorkItem>();
  for (let id of starts as (string | null)[]) {
    while (id !== null && !chain.has(id)) {
      const item = await requireItem(s.tx, s.workspace, id);
      chain.set(id, item);
      id = item.parentId;
    }
  }
  const dirty = new Set(starts);
  const changes: RollupChange[] = [];
  for (const parent of [...chain.values()].sort((a, b) => b.depth - a.depth)) {
    if (!dirty.has(parent.id)) continue;
    const change = await recompute(s, parent, cause);
    if (!change) continue;
    changes.push(change);
    if (parent.parentId) dirty.add(parent.parentId);
  }
  return changes;
}

async function recompute(s: WriteScope, parent: WorkItem, cause: string): Promise<RollupChange | undefined> {
  const id = parent.id;
  const stats = await s.tx.childStats(s.workspace, id);
  const progress = stats.total === 0 ? leafProgress(parent) : Math.round(stats.progressSum / stats.total);
  const start = stats.started > 0 && (parent.status === 'planning' || parent.status === 'done');
  const reopen = parent.status === 'done' && stats.open > 0;
  const status = start || reopen ? 'in_progress' : parent.status;
  if (progress === parent.progress && status === parent.status) return undefined;
  const next: WorkItem = {
    ...parent,
    progress,
    status,
    startedAt:
      status !== parent.status && STARTED.includes(status) ? (parent.startedAt ?? s.now) : parent.startedAt,
    completedAt: status === 'done' ? parent.completedAt : null,
    updatedAt: s.now,
    version: parent.version + 1,
  };
  await updateItemAt(s.tx, next, parent.version);
  const diff: Record<string, { old: unknown; new: unknown }> = {};
  if (progress !== parent.progress) diff.progress = { old: parent.progress, new: progress };
  if (status !== parent.status) {
    diff.status = { old: parent.status, new: status };
    await s.emit('issue.status_changed', { id, from: parent.status, to: status, rollup: true });
  }
  await s.audit({
    entityType: 'item',
    entityId: id,
    action: ROLLUP_ACTION,
    diff,
    reason: `${ROLLUP_REASON}${cause}`,
  });
  return { id, progress, status, version: next.version };
}
