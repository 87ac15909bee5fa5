import { isOpen, type WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { assertParent, childPath } from '../rules/hierarchy.js';
import { hierarchyPolicy } from './config-effective.js';
import { requireItem } from './lookups.js';
import { updateItemAt } from './store-writes.js';
import { assertItemVersion } from './version-conflict.js';
import { rollUp, type RollupChange } from './rollup.js';
import { runWrite } from './write-scope.js';

export interface MoveItemCommand {
  workspace: string;
  id: string;
  /** New parent, or null for the root (epics; tasks only where policy allows). */
  parentId: string | null;
  expectedVersion: number;
  reason?: string;
}

export interface MoveResult {
  item: WorkItem;
  moved: boolean;
  /** Descendants whose position moved along with the item. */
  descendants: number;
  rolledUp: RollupChange[];
}

/** Reparents an item with its subtree, then rolls progress up both the old and the new branch. */
export async function moveItem(deps: CoreDeps, caller: Caller, cmd: MoveItemCommand): Promise<MoveResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const item = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, item, cmd.expectedVersion);
    const parent = cmd.parentId ? await requireItem(s.tx, s.workspace, cmd.parentId) : undefined;
    assertParent(item.type, parent, await hierarchyPolicy(s.tx, s.workspace, deps), {
      childOpen: isOpen(item.status),
    });
    if ((parent?.id ?? null) === item.parentId) return { item, moved: false, descendants: 0, rolledUp: [] };

    const path = childPath(parent, item.seq);
    const depth = parent ? parent.depth + 1 : 0;
    const next: WorkItem = {
      ...item,
      parentId: parent?.id ?? null,
      path,
      depth,
      updatedAt: s.now,
      version: item.version + 1,
    };
    await updateItemAt(s.tx, next, item.version);
    // Positions are internal: descendants keep their version, so their readers' versions stay valid.
    const descendants = await s.tx.listDescendants(s.workspace, item.path);
    for (const d of descendants) {
      await updateItemAt(
        s.tx,
        { ...d, path: path + d.path.slice(item.path.length), depth: d.depth - item.depth + depth },
        d.version,
      );
    }
    await s.audit({
      entityType: 'item',
      entityId: item.id,
      action: 'item.moved',
      diff: { parentId: { old: item.parentId, new: next.parentId } },
      reason: cmd.reason ?? null,
    });
    await s.emit('issue.moved', { id: item.id, from: item.parentId, to: next.parentId });
    const rolledUp = await rollUp(s, [item.parentId, next.parentId], `${item.id} moved`);
    await s.emit('hierarchy.updated', { ids: [item.id] });
    return { item: next, moved: true, descendants: descendants.length, rolledUp };
  });
}
