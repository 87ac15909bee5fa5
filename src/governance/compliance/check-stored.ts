/**
 * Streams a stored hierarchy (the whole workspace or one subtree) through the validator a tree
 * page at a time (the outline of each item, the next page read while one is checked): memory
 * holds two pages and the open branch, not the workspace.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { assertWorkspace } from '../model/workspace.js';
import type { ItemOutline } from '../model/work-item.js';
import type { StoreReader } from '../ports/store.js';
import { requireItem } from '../use-cases/lookups.js';
import { requireWorkspace } from '../use-cases/workspaces.js';
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
  /** After an item's own violations: none of it comes later. Not called for every item. */
  onSettled?(itemId: string): void;
  /** Each page of items as it is read. */
  onItems?(items: readonly ItemOutline[]): void;
  /** After each page: items checked so far and, for a whole workspace, how many there are. */
  onProgress?(done: number, total?: number): Promise<void>;
  signal?: AbortSignal;
  /** Items per page; default STORED_PAGE_SIZE. */
  pageSize?: number;
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
  const size = req.pageSize ?? STORED_PAGE_SIZE;
  const read = (afterPath?: string) => {
    const page = reader.outlinePage(req.workspace, {
      ...(req.rootId && { rootId: req.rootId }),
      ...(afterPath !== undefined && { afterPath }),
      limit: size,
    });
    page.catch(() => undefined); // awaited below unless the check stops first
    return page;
  };
  let done = 0;
  let next = read();
  for (;;) {
    req.signal?.throwIfAborted();
    const page = await next;
    if (done === 0 && page.length === 0) await requireWorkspace(reader, req.workspace);
    const last = page.length === size ? page[page.length - 1]!.path : undefined;
    // The store reads the next page while this one is checked.
    if (last !== undefined) next = read(last);
    req.onItems?.(page);
    for (const item of page) {
      const node = nodeFromItem(item, refs);
      req.onViolations(validator.push(node));
      if (req.onSettled && validator.settles(node)) req.onSettled(node.id);
    }
    done += page.length;
    await req.onProgress?.(done, total);
    if (last === undefined) break;
  }
  req.onViolations(validator.finish());
  return done;
}
