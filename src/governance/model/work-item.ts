export const ITEM_TYPES = ['epic', 'feature', 'task'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const STATUSES = ['planning', 'in_progress', 'review', 'done', 'blocked', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The parent type each item type must sit under. */
export const PARENT_TYPE: Record<ItemType, ItemType | null> = {
  epic: null,
  feature: 'epic',
  task: 'feature',
};

export const ID_PREFIX: Record<ItemType, string> = { epic: 'E', feature: 'F', task: 'T' };

/** Limits on free text, enforced by the input schemas and again by the core. */
export const LIMITS = {
  title: 256,
  description: 65_536,
  reason: 2_000,
  label: 50,
  labels: 20,
  agent: 100,
  estimateDays: 365,
} as const;

/** The fields of an item a compliance check reads, and its path (tree order): about half of them. */
export type ItemOutline = Pick<
  WorkItem,
  | 'id'
  | 'type'
  | 'title'
  | 'description'
  | 'status'
  | 'agent'
  | 'estimateDays'
  | 'milestoneId'
  | 'labels'
  | 'parentId'
  | 'path'
>;

export interface WorkItem {
  workspace: string;
  /** Per-workspace id: type prefix and sequence, e.g. `T-42`. */
  id: string;
  /** Per-workspace creation sequence; orders siblings. */
  seq: number;
  type: ItemType;
  title: string;
  description: string;
  status: Status;
  /** Why the item is blocked or cancelled (required for both), else null. */
  statusReason: string | null;
  priority: Priority;
  /** Assigned agent service, e.g. `agent:dev`. */
  agent: string | null;
  estimateDays: number | null;
  milestoneId: string | null;
  labels: string[];
  parentId: string | null;
  /** Materialized path of sequence keys from the root, e.g. `00000001/00000007`; orders the tree. */
  path: string;
  /** 0 for roots. */
  depth: number;
  /** 0..100, rolled up from children (a leaf is 100 when done, else 0). */
  progress: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  version: number;
  /**
   * `<origin>:<plan id>` (e.g. `spec:T-k3xq0m2vba`) when a plan wrote the item, so applying it
   * again updates instead of duplicating; null (or absent) for items made by hand. Unique per workspace.
   */
  sourceRef?: string | null;
  /**
   * The human (GitHub login) the item fell back to when no agent service could take it, or was
   * escalated to; null (or absent) for none.
   */
  assignee?: string | null;
}

/** `blocker` blocks `blocked`; `blocked depends_on blocker` is the same edge. */
export interface ItemLink {
  workspace: string;
  blockerId: string;
  blockedId: string;
  createdAt: string;
}

export const OPEN_STATUSES: readonly Status[] = ['planning', 'in_progress', 'review', 'blocked'];
/** Closed statuses: `done`, and `cancelled`, which counts as neither done nor open in roll-ups. */
export const CLOSED_STATUSES: readonly Status[] = ['done', 'cancelled'];
export const isOpen = (s: Status): boolean => !CLOSED_STATUSES.includes(s);
