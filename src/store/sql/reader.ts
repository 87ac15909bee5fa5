import { sql } from 'kysely';
import type { Compilable, Kysely, SelectQueryBuilder } from 'kysely';
import type { OverrideScope } from '../../governance/config/override.js';
import type { AuditRecord } from '../../governance/model/audit.js';
import type { AuditCheckpoint } from '../../governance/model/audit-checkpoint.js';
import type { SpecSummary, SpecVersion } from '../../governance/model/spec.js';
import type { Milestone, MilestoneCompletion, MilestoneState } from '../../governance/model/milestone.js';
import {
  OPEN_STATUSES,
  type ItemLink,
  type ItemOutline,
  type WorkItem,
} from '../../governance/model/work-item.js';
import { DEFAULT_POLICY } from '../../governance/model/workspace.js';
import type { WorkspacePolicy, WorkspaceSummary } from '../../governance/model/workspace.js';
import type {
  AuditQuery,
  ChildStats,
  ConfigDoc,
  SpecQuery,
  StoreReader,
  TreeQuery,
  WorkspaceQuery,
} from '../../governance/ports/store.js';
import { lastCheckpoint, listCheckpoints } from './checkpoints.js';
import { getConfigDoc, listConfigVersions } from './config-docs.js';
import {
  itemArrayMapper,
  num,
  OUTLINE_COLUMNS,
  outlineArrayMapper,
  rowToAudit,
  rowToItem,
  rowToLink,
  rowToMilestone,
} from './mappers.js';
import type { OutlineRow } from './mappers.js';
import { getSpec, getSpecText, listSpecs } from './specs.js';
import { issueMappings, projectLink } from './github-issues.js';
import { webhookDelivery } from './webhook-deliveries.js';
import { getApproval, lastApprovalSeq, listApprovals } from './approvals.js';
import { agentRegistrations } from './agents.js';
import { complianceSnapshots, lastComplianceSnapshot } from './compliance-snapshots.js';
import type { ComplianceSnapshot } from '../../governance/ports/store-compliance.js';
import type { AgentRegistration } from '../../governance/ports/store-agents.js';
import type { ApprovalRequest } from '../../governance/model/approval.js';
import type { ApprovalQuery } from '../../governance/ports/store-approvals.js';
import type { WebhookDelivery } from '../../governance/ports/store-webhooks.js';
import type { IssueMapping, ProjectLink } from '../../governance/ports/store-github.js';
import type { SqlDialectName } from './migrations.js';
import type { Database, ItemRow } from './schema.js';
import { hasWorkspace, workspaceSummaries } from './workspaces.js';

/** Keeps IN lists well under SQLite's and Postgres' bound-parameter limits. */
const CHUNK = 500;

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

/**
 * Strict descendants of `path` as a range on the (workspace, path) index: paths are keys joined
 * by '/', and '0' is the character right after '/', so every `path/...` sorts in [path/, path0).
 */
const below = (path: string): [string, string] => [`${path}/`, `${path}0`];

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const done = sql<number>`sum(case when status = 'done' then 1 else 0 end)`;

/** One decimal, rounded, but never 100 before every item is done (nor 0 once one is). */
function completionPercent(done: number, total: number): number {
  if (total === 0 || done === 0) return 0;
  if (done === total) return 100;
  return Math.min(99.9, Math.max(0.1, Math.round((1000 * done) / total) / 10));
}

/** A query over `items` selecting every column, as `SqlReader.items` starts it. */
export type ItemQuery = SelectQueryBuilder<Database, 'items', ItemRow>;
/** A query over `items` selecting OUTLINE_COLUMNS, in that order. */
export type OutlineQuery = SelectQueryBuilder<Database, 'items', OutlineRow>;

/** A mapper of rows read as arrays of column values, made once from the query's column names. */
export type ArrayMapper<T> = (columns: string[]) => (values: unknown[]) => T;

/**
 * How a store runs a query whose rows come back as arrays of column values rather than an object
 * per row (whose properties the driver sets one by one: most of the cost of a large read).
 */
export type ArrayReads = <T>(query: Compilable, mapper: ArrayMapper<T>) => Promise<T[]>;

/** StoreReader over a Kysely handle: the pool/connection, or the connection of a write transaction. */
export class SqlReader implements StoreReader {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly dialect: SqlDialectName,
    /** Item reads as arrays, where the store offers them (not inside a write transaction). */
    private readonly arrays?: ArrayReads,
  ) {}

  async getPolicy(workspace: string): Promise<WorkspacePolicy> {
    const row = await this.db
      .selectFrom('workspaces')
      .select('policy')
      .where('id', '=', workspace)
      .executeTakeFirst();
    // Merged over the default so policies stored before a new field existed still get it.
    if (row?.policy == null) return { ...DEFAULT_POLICY };
    return { ...DEFAULT_POLICY, ...(JSON.parse(row.policy) as Partial<WorkspacePolicy>) };
  }

  async listWorkspaces(limit: number, owner?: string): Promise<string[]> {
    let query = this.db.selectFrom('workspaces').select('id');
    // owner/... is the range [owner/, owner0) on the primary key (see `below`).
    if (owner !== undefined) query = query.where('id', '>=', `${owner}/`).where('id', '<', `${owner}0`);
    const rows = await query.orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  hasWorkspace(workspace: string): Promise<boolean> {
    return hasWorkspace(this.db, workspace);
  }

  workspaceSummaries(query: WorkspaceQuery): Promise<WorkspaceSummary[]> {
    return workspaceSummaries(this.db, query);
  }

  async getItem(workspace: string, id: string): Promise<WorkItem | undefined> {
    const [item] = await this.readItems(this.items(workspace).where('id', '=', id));
    return item;
  }

  /** In the order of `ids`; unknown ids are left out. */
  async getItems(workspace: string, ids: readonly string[]): Promise<WorkItem[]> {
    const byId = new Map<string, WorkItem>();
    for (const part of chunks([...new Set(ids)])) {
      const items = await this.readItems(this.items(workspace).where('id', 'in', part));
      for (const i of items) byId.set(i.id, i);
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Items written from a plan, for the given source refs; unknown refs are left out. */
  async findItemsBySourceRefs(workspace: string, refs: readonly string[]): Promise<WorkItem[]> {
    const out: WorkItem[] = [];
    for (const part of chunks([...new Set(refs)])) {
      out.push(
        ...(await this.readItems(this.items(workspace).where('source_ref', 'in', part).orderBy('seq'))),
      );
    }
    return out;
  }

  async listChildren(workspace: string, parentId: string | null): Promise<WorkItem[]> {
    return this.readItems(
      this.items(workspace)
        .where('parent_id', parentId === null ? 'is' : '=', parentId)
        .orderBy('seq'),
    );
  }

  async childStats(workspace: string, parentId: string): Promise<ChildStats> {
    const row = await this.db
      .selectFrom('items')
      .select((eb) => [
        eb.fn.countAll().as('total'),
        done.as('done'),
        eb.fn.sum('progress').as('progress_sum'),
        sql<number>`sum(case when status <> 'done' then 1 else 0 end)`.as('open'),
        sql<number>`sum(case when status in ('in_progress', 'review') then 1 else 0 end)`.as('started'),
      ])
      .where('workspace', '=', workspace)
      .where('parent_id', '=', parentId)
      // A cancelled child counts as neither done nor open, and not in the parent's progress.
      .where('status', '<>', 'cancelled')
      .executeTakeFirstOrThrow();
    return {
      total: num(row.total),
      done: num(row.done),
      progressSum: num(row.progress_sum),
      open: num(row.open),
      started: num(row.started),
    };
  }

  async listDescendants(workspace: string, pathPrefix: string): Promise<WorkItem[]> {
    const [from, to] = below(pathPrefix);
    return this.readItems(
      this.items(workspace).where('path', '>=', from).where('path', '<', to).orderBy('path'),
    );
  }

  async treePage(workspace: string, q: TreeQuery): Promise<WorkItem[]> {
    const query = await this.tree(workspace, q);
    return query ? this.readItems(query.selectAll()) : [];
  }

  async outlinePage(workspace: string, q: TreeQuery): Promise<ItemOutline[]> {
    const query = await this.tree(workspace, q);
    return query ? this.readOutlines(query.select(OUTLINE_COLUMNS)) : [];
  }

  /**
   * A tree page's query before its columns are chosen; undefined when rootId names no item.
   * Empty filter lists are treated as absent (no filter), not as "match nothing".
   */
  private async tree(workspace: string, q: TreeQuery) {
    let query = this.db.selectFrom('items').where('workspace', '=', workspace);
    if (q.rootId !== undefined) {
      const root = await this.db
        .selectFrom('items')
        .select('path')
        .where('workspace', '=', workspace)
        .where('id', '=', q.rootId)
        .executeTakeFirst();
      if (!root) return undefined;
      // The root itself plus its descendants: [path, path0) (see `below`).
      query = query.where('path', '>=', root.path).where('path', '<', below(root.path)[1]);
    }
    if (q.afterPath !== undefined) query = query.where('path', '>', q.afterPath);
    if (q.types?.length) query = query.where('type', 'in', q.types);
    if (q.statuses?.length) query = query.where('status', 'in', q.statuses);
    if (q.agent !== undefined) query = query.where('agent', '=', q.agent);
    if (q.milestoneId !== undefined) query = query.where('milestone_id', '=', q.milestoneId);
    if (q.maxDepth !== undefined) query = query.where('depth', '<=', q.maxDepth);
    return query.orderBy('path').limit(q.limit);
  }

  async countItems(workspace: string): Promise<number> {
    const row = await this.db
      .selectFrom('items')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace', '=', workspace)
      .executeTakeFirstOrThrow();
    return num(row.n);
  }

  /** Case-insensitive (ids are upper-case, completion input often is not), in creation order. */
  async searchItemIds(workspace: string, prefix: string, limit: number): Promise<string[]> {
    const pattern = `${escapeLike(prefix)}%`;
    const like = this.dialect === 'postgres' ? sql`ilike` : sql`like`;
    const rows = await this.db
      .selectFrom('items')
      .select('id')
      .where('workspace', '=', workspace)
      .where(sql<boolean>`id ${like} ${pattern} escape '\\'`)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async listLinks(workspace: string): Promise<ItemLink[]> {
    const rows = await this.db
      .selectFrom('item_links')
      .selectAll()
      .where('workspace', '=', workspace)
      .orderBy('blocker_id')
      .orderBy('blocked_id')
      .execute();
    return rows.map(rowToLink);
  }

  async linksOf(workspace: string, id: string): Promise<ItemLink[]> {
    const rows = await this.db
      .selectFrom('item_links')
      .selectAll()
      .where('workspace', '=', workspace)
      .where((eb) => eb.or([eb('blocker_id', '=', id), eb('blocked_id', '=', id)]))
      .orderBy('blocker_id')
      .orderBy('blocked_id')
      .execute();
    return rows.map(rowToLink);
  }

  async openDependencies(workspace: string, blockedId?: string): Promise<ItemLink[]> {
    let query = this.db
      .selectFrom('item_links as l')
      .innerJoin('items as d', (j) =>
        j.onRef('d.workspace', '=', 'l.workspace').onRef('d.id', '=', 'l.blocked_id'),
      )
      .innerJoin('items as b', (j) =>
        j.onRef('b.workspace', '=', 'l.workspace').onRef('b.id', '=', 'l.blocker_id'),
      )
      .selectAll('l')
      .where('l.workspace', '=', workspace)
      .where('d.status', '=', 'done')
      .where('b.status', 'in', OPEN_STATUSES);
    if (blockedId !== undefined) query = query.where('l.blocked_id', '=', blockedId);
    const rows = await query.orderBy('l.blocker_id').orderBy('l.blocked_id').execute();
    return rows.map(rowToLink);
  }

  async getMilestone(workspace: string, id: string): Promise<Milestone | undefined> {
    const row = await this.milestones(workspace).where('id', '=', id).executeTakeFirst();
    return row && rowToMilestone(row);
  }

  async findMilestoneByTitle(workspace: string, title: string): Promise<Milestone | undefined> {
    const row = await this.milestones(workspace).where('title', '=', title).executeTakeFirst();
    return row && rowToMilestone(row);
  }

  /** Creation order; ids of equal length compare like their numbers (M-9 before M-10). */
  async listMilestones(workspace: string, state?: MilestoneState): Promise<Milestone[]> {
    let query = this.milestones(workspace);
    if (state !== undefined) query = query.where('state', '=', state);
    const rows = await query
      .orderBy('created_at')
      .orderBy((eb) => eb.fn('length', ['id']))
      .orderBy('id')
      .execute();
    return rows.map(rowToMilestone);
  }

  /**
   * Counts the work under a milestone: the leaves (items without open-or-done children) among the
   * items attached to it and all their descendants, each once, cancelled ones left out. Percent has
   * one decimal and is 100 only when every counted item is done.
   */
  async milestoneCompletion(
    workspace: string,
    ids: readonly string[],
  ): Promise<Map<string, MilestoneCompletion>> {
    const out = new Map<string, MilestoneCompletion>(
      ids.map((id) => [id, { total: 0, done: 0, percent: 0 }]),
    );
    for (const part of chunks([...new Set(ids)])) {
      // The attached items themselves, and their strict descendants through the path range of
      // `below` (an index range per attached item). One join with `i.id = a.id OR <range>` instead
      // cannot use the index: PostgreSQL, once it has statistics, compares every pair of items.
      const attached = this.db
        .selectFrom('items as a')
        .where('a.workspace', '=', workspace)
        .where('a.milestone_id', 'in', part);
      const own = attached.select(['a.milestone_id', 'a.id', 'a.status']);
      const under = attached
        .innerJoin('items as i', (j) =>
          j
            .onRef('i.workspace', '=', 'a.workspace')
            .on('i.path', '>=', sql<string>`a.path || '/'`)
            .on('i.path', '<', sql<string>`a.path || '0'`),
        )
        .select(['a.milestone_id', 'i.id', 'i.status']);
      const rows = await this.db
        .selectFrom(own.unionAll(under).as('x'))
        .where('x.status', '<>', 'cancelled')
        // Leaves only: no child that is not cancelled.
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('items as c')
                .select('c.id')
                .where('c.workspace', '=', workspace)
                .whereRef('c.parent_id', '=', 'x.id')
                .where('c.status', '<>', 'cancelled'),
            ),
          ),
        )
        .select([
          'x.milestone_id',
          sql<number>`count(distinct x.id)`.as('total'),
          sql<number>`count(distinct case when x.status = 'done' then x.id end)`.as('done'),
        ])
        .groupBy('x.milestone_id')
        .execute();
      for (const r of rows) {
        const total = num(r.total);
        const d = num(r.done);
        out.set(r.milestone_id ?? '', { total, done: d, percent: completionPercent(d, total) });
      }
    }
    return out;
  }

  /** Items whose source ref starts with `origin:` (what one plan origin wrote), in seq order. */
  async findItemsByOrigin(workspace: string, origin: string): Promise<WorkItem[]> {
    const [from, to] = [`${origin}:`, `${origin};`]; // ';' is the character after ':'
    return this.readItems(
      this.items(workspace).where('source_ref', '>=', from).where('source_ref', '<', to).orderBy('seq'),
    );
  }

  async queryAudit(workspace: string, q: AuditQuery): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('workspace', '=', workspace);
    if (q.entityType !== undefined) query = query.where('entity_type', '=', q.entityType);
    if (q.entityId !== undefined) query = query.where('entity_id', '=', q.entityId);
    if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
    if (q.actorType !== undefined) query = query.where('actor_type', '=', q.actorType);
    if (q.action !== undefined) query = query.where('action', '=', q.action);
    if (q.since !== undefined) query = query.where('at', '>=', q.since);
    if (q.until !== undefined) query = query.where('at', '<=', q.until);
    if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
    const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.map(rowToAudit);
  }

  async auditRange(workspace: string, afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace', '=', workspace)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(rowToAudit);
  }

  async auditHead(workspace: string): Promise<{ seq: number; hash: string } | undefined> {
    const row = await this.db
      .selectFrom('audit_heads')
      .select(['seq', 'hash'])
      .where('workspace', '=', workspace)
      .executeTakeFirst();
    return row && { seq: Number(row.seq), hash: row.hash };
  }

  auditCheckpoints(workspace: string, afterSeq: number, limit: number): Promise<AuditCheckpoint[]> {
    return listCheckpoints(this.db, workspace, afterSeq, limit);
  }

  lastAuditCheckpoint(workspace: string): Promise<AuditCheckpoint | undefined> {
    return lastCheckpoint(this.db, workspace);
  }

  getConfigDoc(scope: OverrideScope, key: string): Promise<ConfigDoc | undefined> {
    return getConfigDoc(this.db, scope, key);
  }

  listConfigVersions(
    scope: OverrideScope,
    key: string,
    limit: number,
    beforeVersion?: number,
  ): Promise<ConfigDoc[]> {
    return listConfigVersions(this.db, scope, key, limit, beforeVersion);
  }

  getSpec(workspace: string, specId: string, version?: number): Promise<SpecVersion | undefined> {
    return getSpec(this.db, workspace, specId, version);
  }

  getSpecText(workspace: string, specId: string, version: number): Promise<string | undefined> {
    return getSpecText(this.db, workspace, specId, version);
  }

  listSpecs(workspace: string, query: SpecQuery): Promise<SpecSummary[]> {
    return listSpecs(this.db, workspace, query);
  }

  issueMappings(workspace: string): Promise<Map<string, IssueMapping>> {
    return issueMappings(this.db, workspace);
  }

  projectLink(workspace: string): Promise<ProjectLink | undefined> {
    return projectLink(this.db, workspace);
  }

  webhookDelivery(deliveryId: string): Promise<WebhookDelivery | undefined> {
    return webhookDelivery(this.db, deliveryId);
  }

  approval(workspace: string, id: string): Promise<ApprovalRequest | undefined> {
    return getApproval(this.db, workspace, id);
  }

  listApprovals(query: ApprovalQuery): Promise<ApprovalRequest[]> {
    return listApprovals(this.db, query);
  }

  lastApprovalSeq(workspace: string): Promise<number> {
    return lastApprovalSeq(this.db, workspace);
  }

  agentRegistrations(workspace: string): Promise<AgentRegistration[]> {
    return agentRegistrations(this.db, workspace);
  }

  complianceSnapshots(workspace: string, since: string, limit: number): Promise<ComplianceSnapshot[]> {
    return complianceSnapshots(this.db, workspace, since, limit);
  }

  lastComplianceSnapshot(workspace: string): Promise<ComplianceSnapshot | undefined> {
    return lastComplianceSnapshot(this.db, workspace);
  }

  private items(workspace: string): ItemQuery {
    return this.db.selectFrom('items').selectAll().where('workspace', '=', workspace);
  }

  private async readItems(query: ItemQuery): Promise<WorkItem[]> {
    if (this.arrays) return this.arrays(query, itemArrayMapper);
    return (await query.execute()).map(rowToItem);
  }

  private async readOutlines(query: OutlineQuery): Promise<ItemOutline[]> {
    if (this.arrays) return this.arrays(query, outlineArrayMapper);
    const map = outlineArrayMapper(OUTLINE_COLUMNS);
    return (await query.execute()).map((r) => map(OUTLINE_COLUMNS.map((c) => r[c])));
  }

  private milestones(workspace: string) {
    return this.db.selectFrom('milestones').selectAll().where('workspace', '=', workspace);
  }
}
