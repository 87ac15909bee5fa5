/**
 * Streams a stored hierarchy (the whole workspace or one subtree) through the validator a tree
 * page at a time: memory holds one page and the open branch, not the workspace.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { assertWorkspace } from '../model/workspace.js';
import type { WorkItem } from '../model/work-item.js';
import type { StoreReader } from '../ports/store.js';
import { requireItem } from '../use-cases/lookups.js';
import { treePage } from '../use-cases/read-items.js';
import { milestoneRef, nodeFromItem } from './nodes.js';
import type { Violation } from './types.js';
import { createValidator } from './validate-hierarchy.js';

export const STORED_PAGE_SIZE = 2000;

export interface StoredCheck {
  workspace: string;
  /** Only this item and its descendants. */
  rootId?: string;
  config: GovernanceConfig;
  today: string;
  onViolations(vs: readonly Violation[]): void;
  /** Each page of items as it is read. */
  onItems?(items: readonly WorkItem[]): void;
  /** After each page: items checked so far and, for a whole workspace, how many there are. */
  onProgress?(done: number, total?: number): Promise<void>;
  signal?: AbortSignal;
}

/** Returns the number of items checked. ITEM.NOT_FOUND when rootId names no item. */
export async function checkStoredHierarchy(reader: StoreReader, req: StoredCheck): Promise<number> {
  assertWorkspace(req.workspace);
  const root = req.rootId ? await requireItem(reader, req.workspace, req.rootId) : undefined;
  const parent = root?.parentId ? await reader.getItem(req.workspace, root.parentId) : undefined;
  const [milestones, total] = await Promise.all([
    reader.listMilestones(req.workspace),
    root ? Promise.resolve(undefined) : reader.countItems(req.workspace),
  ]);
  const refs = new Map(milestones.map((m) => [m.id, milestoneRef(m)]));
  const validator = createValidator(req.config, {
    today: req.today,
    ...(parent && { externalParents: { [parent.id]: parent.type } }),
    milestones: new Map(milestones.map((m) => [m.title.toLowerCase(), milestoneRef(m)])),
  });
  let done = 0;
  let cursor: string | undefined;
  do {
    req.signal?.throwIfAborted();
    const page = await treePage(reader, {
      workspace: req.workspace,
      ...(req.rootId && { rootId: req.rootId }),
      ...(cursor && { cursor }),
      limit: STORED_PAGE_SIZE,
    });
    req.onItems?.(page.items);
    for (const item of page.items) req.onViolations(validator.push(nodeFromItem(item, refs)));
    done += page.items.length;
    cursor = page.nextCursor ?? undefined;
    await req.onProgress?.(done, total);
  } while (cursor);
  req.onViolations(validator.finish());
  return done;
}
