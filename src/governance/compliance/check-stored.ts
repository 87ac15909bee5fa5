/**
 * Streams a stored hierarchy (the whole workspace or one subtree) through the validator a tree
 * page at a time (the outline of each item, the next page read while one is checked): memory
 * holds two pages and the open branch, not the workspace.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { assertWorkspace } from '../model/workspace.js';
import type { StoreReader } from '../ports/store.js';
import { requireItem } from '../use-cases/lookups.js';
import { requireWorkspace } from '../use-cases/workspaces.js';
import { milestoneRef, nodeFromItem } from './nodes.js';
import type { Violation } from './types.js';
import { createValidator } from './validate-hierarchy.js';

export const STORED_PAGE_SIZE = 2000;
/** The first page is short, so the check starts while the store reads the next. */
export const FIRST_PAGE_SIZE = 250;

export interface StoredCheck {
  workspace: string;
  /** Only this item and its descendants. */
  rootId?: string;
  config: GovernanceConfig;
  today: string;
  /**
   * Violations as they are found. `settled`: the id of the item just checked, when none of its
   * violations comes later (its own are in `vs`); absent for an item whose subtree is still open.
   */
  onViolations(vs: readonly Violation[], settled?: string): void;
  /** After each page: items checked so far and, for a whole workspace, how many there are. */
  onProgress?(done: number, total?: number): Promise<void>;
  signal?: AbortSignal;
  /** Items per page; default STORED_PAGE_SIZE. */
  pageSize?: number;
  /** Awaited once the first page is asked for, before any item is checked: the caller's reads run meanwhile. */
  before?: Promise<void>;
}

/** Returns the number of items checked. ITEM.NOT_FOUND when rootId names no item. */
export async function checkStoredHierarchy(reader: StoreReader, req: StoredCheck): Promise<number> {
  assertWorkspace(req.workspace);
  const root = req.rootId ? await requireItem(reader, req.workspace, req.rootId) : undefined;
  const parent = root?.parentId ? await reader.getItem(req.workspace, root.parentId) : undefined;
  const size = req.pageSize ?? STORED_PAGE_SIZE;
  const read = (limit: number, afterPath?: string) => {
    const page = reader.outlinePage(req.workspace, {
      ...(req.rootId && { rootId: req.rootId }),
      ...(afterPath !== undefined && { afterPath }),
      limit,
    });
    page.catch(() => undefined); // awaited below unless the check stops first
    return page;
  };
  let limit = Math.min(size, FIRST_PAGE_SIZE);
  let next = read(limit);
  const [milestones, total] = await Promise.all([
    reader.listMilestones(req.workspace),
    root ? Promise.resolve(undefined) : reader.countItems(req.workspace),
    req.before,
  ]);
  const refs = new Map(milestones.map((m) => [m.id, milestoneRef(m)]));
  const validator = createValidator(req.config, {
    today: req.today,
    ...(parent && { externalParents: { [parent.id]: parent.type } }),
    milestones: new Map(milestones.map((m) => [m.title.toLowerCase(), milestoneRef(m)])),
  });
  let done = 0;
  for (;;) {
    req.signal?.throwIfAborted();
    const page = await next;
    if (done === 0 && page.length === 0) await requireWorkspace(reader, req.workspace);
    const last = page.length === limit ? page[page.length - 1]!.path : undefined;
    // The store reads the next page while this one is checked.
    if (last !== undefined) next = read((limit = size), last);
    for (const item of page) {
      const node = nodeFromItem(item, refs);
      const found = validator.push(node);
      if (validator.settles(node)) req.onViolations(found, node.id);
      else req.onViolations(found);
    }
    done += page.length;
    await req.onProgress?.(done, total);
    if (last === undefined) break;
  }
  req.onViolations(validator.finish());
  return done;
}
