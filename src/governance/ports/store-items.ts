import type { ItemLink, ItemOutline, ItemType, Status, WorkItem } from '../model/work-item.js';
import type { VersionedUpdate } from './store-results.js';

/** Filters for a tree page. Items come in tree (path) order. */
export interface TreeQuery {
  /** Only the subtree under (and including) this item. */
  rootId?: string;
  types?: ItemType[];
  statuses?: Status[];
  agent?: string;
  milestoneId?: string;
  /** Maximum depth relative to the workspace root (0 = roots only). */
  maxDepth?: number;
  /** Exclusive lower bound on `path`: the last path of the previous page. */
  afterPath?: string;
  /** Page size (the store returns at most this many). */
  limit: number;
}

/** Over the children that are not cancelled: a cancelled child counts as neither done nor open. */
export interface ChildStats {
  total: number;
  done: number;
  /** Sum of the children's progress values. */
  progressSum: number;
  /** Children whose status is open (neither done nor cancelled). */
  open: number;
  /** Children whose status is in_progress or review. */
  started: number;
}

/** Work items and the links between them. */
export interface ItemReads {
  getItem(workspace: string, id: string): Promise<WorkItem | undefined>;
  getItems(workspace: string, ids: readonly string[]): Promise<WorkItem[]>;
  /** Items whose `sourceRef` is one of `refs` (unknown refs are left out), in no promised order. */
  findItemsBySourceRefs(workspace: string, refs: readonly string[]): Promise<WorkItem[]>;
  /** Items whose `sourceRef` starts with `origin + ':'` (everything one plan origin wrote), in seq order. */
  findItemsByOrigin(workspace: string, origin: string): Promise<WorkItem[]>;
  /** Children of `parentId` (null: the roots) in seq order. */
  listChildren(workspace: string, parentId: string | null): Promise<WorkItem[]>;
  childStats(workspace: string, parentId: string): Promise<ChildStats>;
  /** Every item whose path starts with `pathPrefix + '/'` (strict descendants), in path order. */
  listDescendants(workspace: string, pathPrefix: string): Promise<WorkItem[]>;
  treePage(workspace: string, query: TreeQuery): Promise<WorkItem[]>;
  /** `treePage` reading only the outline of each item (a whole compliance check reads every item). */
  outlinePage(workspace: string, query: TreeQuery): Promise<ItemOutline[]>;
  countItems(workspace: string): Promise<number>;
  /** Search item ids by prefix (argument completion). */
  searchItemIds(workspace: string, prefix: string, limit: number): Promise<string[]>;

  listLinks(workspace: string): Promise<ItemLink[]>;
  /** Links where the item is blocker or blocked. */
  linksOf(workspace: string, id: string): Promise<ItemLink[]>;
  /**
   * Links whose blocked item is done while its blocker is open (planning, in_progress, review or
   * blocked), read without the items; with `blockedId`, that item's only. In blocker, blocked order.
   */
  openDependencies(workspace: string, blockedId?: string): Promise<ItemLink[]>;
}

export interface ItemWrites {
  insertItem(item: WorkItem): Promise<void>;
  /** Replaces the stored row if it is at `expectedVersion`; otherwise changes nothing and says why. */
  updateItem(item: WorkItem, expectedVersion: number): Promise<VersionedUpdate>;

  /** Returns false, changing nothing, when the link already existed. */
  insertLink(link: ItemLink): Promise<boolean>;
  /** Returns false when no such link existed. */
  deleteLink(workspace: string, blockerId: string, blockedId: string): Promise<boolean>;
}
