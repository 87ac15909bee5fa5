import { DomainError } from '../errors.js';
import { ID_PREFIX, PARENT_TYPE, type ItemType, type WorkItem } from '../model/work-item.js';
import type { WorkspacePolicy } from '../model/workspace.js';

/** Checks that an item of `type` may sit under `parent` (undefined = at the root). */
export function assertParent(
  type: ItemType,
  parent: WorkItem | undefined,
  policy: WorkspacePolicy,
  opts: { childOpen: boolean },
): void {
  const expected = PARENT_TYPE[type];
  if (!parent) {
    if (expected === null) return;
    if (type === 'task' && policy.allowUnparentedTasks) return;
    throw new DomainError(
      'HIERARCHY.PARENT_REQUIRED',
      `A ${type} must sit under a ${expected}`,
      `Pass parentId of a ${expected}${type === 'task' ? ' (this workspace does not allow unparented tasks)' : ''}.`,
    );
  }
  if (parent.type !== expected) {
    throw new DomainError(
      'HIERARCHY.INVALID_PARENT',
      expected === null
        ? `An epic cannot have a parent (got ${parent.id})`
        : `A ${type} must sit under a ${expected}, not under ${parent.type} ${parent.id}`,
      expected === null ? 'Omit parentId for epics.' : `Choose a ${expected} as the parent.`,
    );
  }
  if (opts.childOpen && parent.status === 'done') {
    throw new DomainError(
      'HIERARCHY.INVALID_PARENT',
      `${parent.id} is done and cannot take an open child`,
      `Reopen ${parent.id} first (set_item_status to in_progress), or choose another parent.`,
    );
  }
}

export const SEQ_WIDTH = 8;

export function pathSegment(seq: number): string {
  return String(seq).padStart(SEQ_WIDTH, '0');
}

export function childPath(parent: WorkItem | undefined, seq: number): string {
  return parent ? `${parent.path}/${pathSegment(seq)}` : pathSegment(seq);
}

/** Where a new item of `type` with sequence `seq` lands under `parent` (undefined: the root). */
export function placement(
  type: ItemType,
  parent: WorkItem | undefined,
  seq: number,
  now: string,
): Pick<WorkItem, 'id' | 'seq' | 'parentId' | 'path' | 'depth' | 'createdAt' | 'updatedAt'> {
  return {
    id: `${ID_PREFIX[type]}-${seq}`,
    seq,
    parentId: parent?.id ?? null,
    path: childPath(parent, seq),
    depth: parent ? parent.depth + 1 : 0,
    createdAt: now,
    updatedAt: now,
  };
}
