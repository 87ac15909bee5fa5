import type { AuditRecord, ActorType, AuditEntity } from '../../governance/model/audit.js';
import type { DomainEvent, DomainEventType } from '../../governance/model/events.js';
import type { Milestone, MilestoneState } from '../../governance/model/milestone.js';
import type {
  ItemLink,
  ItemOutline,
  ItemType,
  Priority,
  Status,
  WorkItem,
} from '../../governance/model/work-item.js';
import type { AuditRow, ItemRow, LinkRow, MilestoneRow, OutboxTable } from './schema.js';

// Rows are only ever written by these mappers, so the enum columns are trusted on the way back
// (no per-row validation on hot read paths such as tree pages).

/** Postgres returns COUNT/SUM over integers as strings (int8/numeric); SQLite as numbers. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export function itemToRow(i: WorkItem): ItemRow {
  return {
    workspace: i.workspace,
    id: i.id,
    seq: i.seq,
    type: i.type,
    title: i.title,
    description: i.description,
    status: i.status,
    status_reason: i.statusReason,
    priority: i.priority,
    agent: i.agent,
    estimate_days: i.estimateDays,
    milestone_id: i.milestoneId,
    labels: JSON.stringify(i.labels),
    parent_id: i.parentId,
    path: i.path,
    depth: i.depth,
    progress: i.progress,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    started_at: i.startedAt,
    completed_at: i.completedAt,
    version: i.version,
    source_ref: i.sourceRef ?? null,
    assignee: i.assignee ?? null,
  };
}

/** Nearly every item has no labels: skip JSON.parse for those (a fresh array each time). */
const parseLabels = (labels: string): string[] => (labels === '[]' ? [] : (JSON.parse(labels) as string[]));

export function rowToItem(r: ItemRow): WorkItem {
  const item: WorkItem = {
    workspace: r.workspace,
    id: r.id,
    seq: Number(r.seq),
    type: r.type as ItemType,
    title: r.title,
    description: r.description,
    status: r.status as Status,
    statusReason: r.status_reason,
    priority: r.priority as Priority,
    agent: r.agent,
    estimateDays: r.estimate_days === null ? null : Number(r.estimate_days),
    milestoneId: r.milestone_id,
    labels: parseLabels(r.labels),
    parentId: r.parent_id,
    path: r.path,
    depth: Number(r.depth),
    progress: Number(r.progress),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    version: Number(r.version),
    sourceRef: r.source_ref,
  };
  // Absent when null, as for items written before migration 0011.
  if (r.assignee !== null) item.assignee = r.assignee;
  return item;
}

const ITEM_COLUMNS = [
  'workspace',
  'id',
  'seq',
  'type',
  'title',
  'description',
  'status',
  'status_reason',
  'priority',
  'agent',
  'estimate_days',
  'milestone_id',
  'labels',
  'parent_id',
  'path',
  'depth',
  'progress',
  'created_at',
  'updated_at',
  'started_at',
  'completed_at',
  'version',
  'source_ref',
  'assignee',
] as const satisfies readonly (keyof ItemRow)[];

/**
 * `rowToItem` for rows read as arrays of column values (better-sqlite3's raw mode, which spares
 * building a row object per row), given the statement's column names in order.
 */
export function itemArrayMapper(columns: readonly string[]): (values: unknown[]) => WorkItem {
  const c = {} as Record<keyof ItemRow, number>;
  for (const name of ITEM_COLUMNS) {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`Item query lacks column ${name}`);
    c[name] = i;
  }
  return (v) => {
    const estimate = v[c.estimate_days] as number | null;
    const item: WorkItem = {
      workspace: v[c.workspace] as string,
      id: v[c.id] as string,
      seq: Number(v[c.seq]),
      type: v[c.type] as ItemType,
      title: v[c.title] as string,
      description: v[c.description] as string,
      status: v[c.status] as Status,
      statusReason: v[c.status_reason] as string | null,
      priority: v[c.priority] as Priority,
      agent: v[c.agent] as string | null,
      estimateDays: estimate === null ? null : Number(estimate),
      milestoneId: v[c.milestone_id] as string | null,
      labels: parseLabels(v[c.labels] as string),
      parentId: v[c.parent_id] as string | null,
      path: v[c.path] as string,
      depth: Number(v[c.depth]),
      progress: Number(v[c.progress]),
      createdAt: v[c.created_at] as string,
      updatedAt: v[c.updated_at] as string,
      startedAt: v[c.started_at] as string | null,
      completedAt: v[c.completed_at] as string | null,
      version: Number(v[c.version]),
      sourceRef: v[c.source_ref] as string | null,
    };
    const assignee = v[c.assignee] as string | null;
    if (assignee !== null) item.assignee = assignee;
    return item;
  };
}

/** The columns of an item's outline (ItemOutline), in the order `outlineArrayMapper` expects them. */
export const OUTLINE_COLUMNS = [
  'id',
  'type',
  'title',
  'description',
  'status',
  'agent',
  'estimate_days',
  'milestone_id',
  'labels',
  'parent_id',
  'path',
] as const satisfies readonly (keyof ItemRow)[];

export type OutlineRow = Pick<ItemRow, (typeof OUTLINE_COLUMNS)[number]>;

/** An item's outline from the OUTLINE_COLUMNS values of a row, in that order. */
export function outlineArrayMapper(columns: readonly string[]): (values: unknown[]) => ItemOutline {
  if (columns.join() !== OUTLINE_COLUMNS.join()) throw new Error(`Not an outline query: ${columns.join()}`);
  return (v) => {
    const estimate = v[6] as number | null;
    return {
      id: v[0] as string,
      type: v[1] as ItemType,
      title: v[2] as string,
      description: v[3] as string,
      status: v[4] as Status,
      agent: v[5] as string | null,
      estimateDays: estimate === null ? null : Number(estimate),
      milestoneId: v[7] as string | null,
      labels: parseLabels(v[8] as string),
      parentId: v[9] as string | null,
      path: v[10] as string,
    };
  };
}

export const linkToRow = (l: ItemLink): LinkRow => ({
  workspace: l.workspace,
  blocker_id: l.blockerId,
  blocked_id: l.blockedId,
  created_at: l.createdAt,
});

export const rowToLink = (r: LinkRow): ItemLink => ({
  workspace: r.workspace,
  blockerId: r.blocker_id,
  blockedId: r.blocked_id,
  createdAt: r.created_at,
});

export const milestoneToRow = (m: Milestone): MilestoneRow => ({
  workspace: m.workspace,
  id: m.id,
  title: m.title,
  description: m.description,
  due_on: m.dueOn,
  state: m.state,
  created_at: m.createdAt,
  updated_at: m.updatedAt,
  version: m.version,
});

export const rowToMilestone = (r: MilestoneRow): Milestone => ({
  workspace: r.workspace,
  id: r.id,
  title: r.title,
  description: r.description,
  dueOn: r.due_on,
  state: r.state as MilestoneState,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: Number(r.version),
});

export const auditToRow = (a: AuditRecord): AuditRow => ({
  workspace: a.workspace,
  seq: a.seq,
  at: a.at,
  entity_type: a.entityType,
  entity_id: a.entityId,
  action: a.action,
  diff: JSON.stringify(a.diff),
  actor_type: a.actor.type,
  actor_id: a.actor.id,
  actor_name: a.actor.name,
  client: a.client === null ? null : JSON.stringify(a.client),
  tool: a.tool,
  reason: a.reason,
  correlation_id: a.correlationId,
  prev_hash: a.prevHash,
  hash: a.hash,
});

/** Rebuilds exactly the shape that was hashed, so `hashRecord` recomputes on what we return. */
export const rowToAudit = (r: AuditRow): AuditRecord => ({
  workspace: r.workspace,
  seq: Number(r.seq),
  at: r.at,
  entityType: r.entity_type as AuditEntity,
  entityId: r.entity_id,
  action: r.action,
  diff: JSON.parse(r.diff) as AuditRecord['diff'],
  actor: { type: r.actor_type as ActorType, id: r.actor_id, name: r.actor_name },
  client: r.client === null ? null : (JSON.parse(r.client) as AuditRecord['client']),
  tool: r.tool,
  reason: r.reason,
  correlationId: r.correlation_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

type OutboxRow = Pick<OutboxTable, 'workspace' | 'type' | 'payload' | 'at'> & { id: number };

// The payload is what `emit` wrote for this type, checked against the event map then.
export const rowToEvent = (r: OutboxRow): DomainEvent =>
  ({
    id: Number(r.id),
    workspace: r.workspace,
    type: r.type as DomainEventType,
    payload: JSON.parse(r.payload) as unknown,
    at: r.at,
  }) as DomainEvent;
