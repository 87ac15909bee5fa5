import type { WorkItem } from '../model/work-item.js';
import { STARTED } from '../rules/status.js';
import type { WriteScope } from './write-scope.js';
import { requireItem } from './lookups.js';

export interface RollupChange {
  id: string;
  progress: number;
  status: WorkItem['status'];
}

/** A leaf counts 100 when done; a parent is the mean of its children's progress. */
export function leafProgress(item: Pick<WorkItem, 'status'>): number {
  return item.status === 'done' ? 100 : 0;
}

/**
 * Recomputes progress from `parentId` up to the root and starts ancestors when a child started:
 * a planning (or done) parent moves to in_progress once any child is in progress or in review.
 * Every changed ancestor is written and audited as a roll-up of `cause`.
 */
export async function rollUp(s: WriteScope, parentId: string | null, cause: string): Promise<RollupChange[]> {
  const changes: RollupChange[] = [];
  for (let id = parentId; id !== null;) {
    const parent = await requireItem(s.tx, s.workspace, id);
    const stats = await s.tx.childStats(s.workspace, id);
    const progress = stats.total === 0 ? leafProgress(parent) : Math.round(stats.progressSum / stats.total);
    const start = stats.started > 0 && (parent.status === 'planning' || parent.status === 'done');
    const reopen = parent.status === 'done' && stats.open > 0;
    const status = start || reopen ? 'in_progress' : parent.status;
    if (progress === parent.progress && status === parent.status) break;
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
    await s.tx.updateItem(next, parent.version);
    const diff: Record<string, { old: unknown; new: unknown }> = {};
    if (progress !== parent.progress) diff.progress = { old: parent.progress, new: progress };
    if (status !== parent.status) {
      diff.status = { old: parent.status, new: status };
      await s.emit('issue.status_changed', { id, from: parent.status, to: status, rollup: true });
    }
    await s.audit({
      entityType: 'item',
      entityId: id,
      action: 'item.rolled_up',
      diff,
      reason: `roll-up: ${cause}`,
    });
    changes.push({ id, progress, status });
    id = parent.parentId;
  }
  return changes;
}
