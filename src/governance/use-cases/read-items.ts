import { DomainError } from '../errors.js';
import type { ItemType, Status, WorkItem } from '../model/work-item.js';
import { assertWorkspace } from '../model/workspace.js';
import type { ItemReads, TreeQuery } from '../ports/store-items.js';
import type { WorkspaceReads } from '../ports/store-workspaces.js';
import { requireItem } from './lookups.js';
import { requireWorkspace } from './workspaces.js';

export interface ItemView {
  item: WorkItem;
  /** Items this one blocks. */
  blocks: string[];
  /** Items this one depends on (they block it). */
  dependsOn: string[];
  childIds: string[];
}

export async function getItemView(
  r: ItemReads & WorkspaceReads,
  workspace: string,
  id: string,
): Promise<ItemView> {
  assertWorkspace(workspace);
  const item = await requireItem(r, workspace, id);
  const [links, children] = await Promise.all([r.linksOf(workspace, id), r.listChildren(workspace, id)]);
  return {
    item,
    blocks: links.filter((l) => l.blockerId === id).map((l) => l.blockedId),
    dependsOn: links.filter((l) => l.blockedId === id).map((l) => l.blockerId),
    childIds: children.map((c) => c.id),
  };
}

const ALL_PAGE = 5000;

/**
 * Every item the query matches (the whole workspace without one) in tree order, read a page of
 * 5,000 at a time (few round trips).
 */
export async function allItems(
  r: Pick<ItemReads, 'treePage'>,
  workspace: string,
  query: Omit<TreeQuery, 'limit' | 'afterPath'> = {},
): Promise<WorkItem[]> {
  const out: WorkItem[] = [];
  for (let after: string | undefined; ;) {
    const page = await r.treePage(workspace, {
      ...query,
      limit: ALL_PAGE,
      ...(after !== undefined && { afterPath: after }),
    });
    out.push(...page);
    if (page.length < ALL_PAGE) return out;
    after = page.at(-1)!.path;
  }
}

export interface TreeRequest {
  workspace: string;
  rootId?: string;
  types?: ItemType[];
  statuses?: Status[];
  agent?: string;
  milestoneId?: string;
  /** Levels below the root item (or below the workspace roots): 0 = only the roots. */
  depth?: number;
  cursor?: string;
  limit: number;
}

export interface TreePage {
  items: WorkItem[];
  nextCursor: string | null;
}

const encodeCursor = (path: string) => Buffer.from(JSON.stringify({ p: path })).toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p?: unknown };
    if (typeof v.p === 'string' && /^[0-9/]+$/.test(v.p)) return v.p;
  } catch {
    // fall through
  }
  throw new DomainError(
    'INPUT.INVALID',
    'The cursor is not one this server issued',
    'Pass nextCursor from the previous page, or omit it.',
  );
}

/** One page of the tree in depth-first order; filters keep the order, so parents may be absent. */
export async function treePage(r: ItemReads & WorkspaceReads, req: TreeRequest): Promise<TreePage> {
  assertWorkspace(req.workspace);
  const root = req.rootId ? await requireItem(r, req.workspace, req.rootId) : undefined;
  const items = await r.treePage(req.workspace, {
    rootId: req.rootId,
    types: req.types,
    statuses: req.statuses,
    agent: req.agent,
    milestoneId: req.milestoneId,
    maxDepth: req.depth === undefined ? undefined : (root?.depth ?? 0) + req.depth,
    afterPath: req.cursor ? decodeCursor(req.cursor) : undefined,
    limit: req.limit + 1,
  });
  // An empty page is an answer only for a workspace that exists.
  if (items.length === 0) await requireWorkspace(r, req.workspace);
  const more = items.length > req.limit;
  const page = more ? items.slice(0, req.limit) : items;
  return { items: page, nextCursor: more ? encodeCursor(page[page.length - 1]!.path) : null };
}
