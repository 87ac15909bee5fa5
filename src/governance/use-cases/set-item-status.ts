import { DomainError } from '../errors.js';
import { isOpen, type Status, type WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { NEEDS_REASON, STARTED, assertTransition } from '../rules/status.js';
import { checkDependencies, type StatusWarning } from './dependency-rule.js';
import { requireItem } from './lookups.js';
import { leafProgress, rollUp, type RollupChange } from './rollup.js';
import { updateItemAt } from './store-writes.js';
import { assertItemVersion } from './version-conflict.js';
import { runWrite, type WriteScope } from './write-scope.js';

export interface SetStatusCommand {
  workspace: string;
  id: string;
  status: Status;
  reason?: string;
  expectedVersion?: number;
}

export interface SetStatusResult {
  item: WorkItem;
  changed: boolean;
  /** Ancestors whose progress or status changed as a consequence, with their new versions. */
  rolledUp: RollupChange[];
  /** Done while an item it depends on is open (when rules.dependencies is warn). */
  warnings: StatusWarning[];
}

export async function setItemStatus(
  deps: CoreDeps,
  caller: Caller,
  cmd: SetStatusCommand,
): Promise<SetStatusResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const item = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, item, cmd.expectedVersion);
    const reason = cmd.reason?.trim() || null;
    if (item.status === cmd.status) {
      // Re-blocking (or re-cancelling) with a new reason records the new reason; anything else is a no-op.
      if (!NEEDS_REASON.includes(cmd.status) || !reason || reason === item.statusReason)
        return { item, changed: false, rolledUp: [], warnings: [] };
      const next = { ...item, statusReason: reason, updatedAt: s.now, version: item.version + 1 };
      await updateItemAt(s.tx, next, item.version);
      await s.audit({
        entityType: 'item',
        entityId: item.id,
        action: 'item.updated',
        diff: { statusReason: { old: item.statusReason, new: reason } },
        reason,
      });
      await s.emit('issue.updated', { id: item.id, changed: ['statusReason'] });
      return { item: next, changed: true, rolledUp: [], warnings: [] };
    }
    // Checked before the move so that an enforced refusal writes nothing.
    const warnings = cmd.status === 'done' && item.status !== 'done' ? await checkDependencies(s, item) : [];
    return { ...(await transitionItem(s, item, cmd.status, reason)), changed: true, warnings };
  });
}

/**
 * Moves `item` one legal step to `status` inside an open write, audits it and rolls the change up
 * its ancestors. Refuses `done` while a child is open.
 */
export async function transitionItem(
  s: WriteScope,
  item: WorkItem,
  status: Status,
  reason: string | null,
): Promise<{ item: WorkItem; rolledUp: RollupChange[] }> {
  assertTransition(item.id, item.status, status, reason);
  const stats = await s.tx.childStats(s.workspace, item.id);
  if (status === 'done' && stats.open > 0) {
    const open = (await s.tx.listChildren(s.workspace, item.id))
      .filter((c) => isOpen(c.status))
      .map((c) => c.id);
    throw new DomainError(
      'STATUS.CHILDREN_OPEN',
      `${item.id} has ${stats.open} open child item(s)`,
      `Finish or move the open children first: ${open.slice(0, 10).join(', ')}.`,
      { open },
    );
  }
  const next: WorkItem = {
    ...item,
    status,
    statusReason: NEEDS_REASON.includes(status) ? reason : null,
    startedAt: STARTED.includes(status) ? (item.startedAt ?? s.now) : item.startedAt,
    completedAt: status === 'done' ? s.now : null,
    updatedAt: s.now,
    version: item.version + 1,
  };
  // A leaf is 100 once done and 0 when reopened; in between it keeps the progress its service reported.
  next.progress =
    stats.total > 0
      ? item.progress
      : status === 'done' || item.status === 'done'
        ? leafProgress(next)
        : item.progress;
  await updateItemAt(s.tx, next, item.version);
  const diff: Record<string, { old: unknown; new: unknown }> = {
    status: { old: item.status, new: next.status },
  };
  if (next.statusReason !== item.statusReason)
    diff.statusReason = { old: item.statusReason, new: next.statusReason };
  if (next.progress !== item.progress) diff.progress = { old: item.progress, new: next.progress };
  await s.audit({ entityType: 'item', entityId: item.id, action: 'item.status_changed', diff, reason });
  await s.emit('issue.status_changed', { id: item.id, from: item.status, to: next.status });
  const rolledUp = await rollUp(s, item.parentId, `${item.id} ${item.status} -> ${next.status}`);
  await s.emit('hierarchy.updated', { ids: [item.id, ...rolledUp.map((r) => r.id)] });
  return { item: next, rolledUp };
}
