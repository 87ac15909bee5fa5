import type { OverrideScope } from '../config/override.js';
import type { AuditRecord, AuditEntity, ActorType } from '../model/audit.js';
import type { AuditCheckpoint } from '../model/audit-checkpoint.js';
import type { DomainEvent } from '../model/events.js';
import type { OutboxStore } from './events.js';
import type { Milestone, MilestoneCompletion, MilestoneState } from '../model/milestone.js';
import type { SpecStatus, SpecSummary, SpecVersion } from '../model/spec.js';
import type { ItemLink, ItemType, Status, WorkItem } from '../model/work-item.js';
import type { WorkspacePolicy, WorkspaceSummary } from '../model/workspace.js';

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

export interface AuditQuery {
  entityType?: AuditEntity;
  entityId?: string;
  actorId?: string;
  actorType?: ActorType;
  action?: string;
  /** Inclusive ISO time bounds. */
  since?: string;
  until?: string;
  /** Records with seq < beforeSeq (newest first paging). */
  beforeSeq?: number;
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

/**
 * One stored version of a configuration override. Scope `org` is keyed by the owner (`acme`),
 * scope `repo` by the workspace (`acme/web`). The override is stored as given (validated by the
 * use-case before it gets here); versions start at 1 and every update adds one.
 */
export interface ConfigDoc {
  version: number;
  override: unknown;
  updatedAt: string;
  /** Actor id of the caller that stored this version. */
  updatedBy: string;
}

/** A page of stored specs (latest versions), in spec id order. */
export interface SpecQuery {
  limit: number;
  /** Exclusive lower bound on the spec id: the last id of the previous page. */
  after?: string;
  /** Only spec ids starting with this (argument completion). */
  prefix?: string;
}

/** A page of known workspaces. */
export interface WorkspaceQuery {
  limit: number;
  /** Exclusive lower bound on the workspace id: the last id of the previous page. */
  after?: string;
  owner?: string;
}

/** Reads; outside a transaction they see the latest committed state. */
export interface StoreReader {
  getPolicy(workspace: string): Promise<WorkspacePolicy>;
  /** Known workspaces in id order; only `owner/...` ones when `owner` is given. */
  listWorkspaces(limit: number, owner?: string): Promise<string[]>;
  /** Whether anything was ever written to the workspace (see WorkspaceSummary). */
  hasWorkspace(workspace: string): Promise<boolean>;
  /** Known workspaces in id order after `after` (only `owner/...` ones when `owner` is given), with counts. */
  workspaceSummaries(query: WorkspaceQuery): Promise<WorkspaceSummary[]>;

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
  countItems(workspace: string): Promise<number>;
  /** Search item ids by prefix (argument completion). */
  searchItemIds(workspace: string, prefix: string, limit: number): Promise<string[]>;

  listLinks(workspace: string): Promise<ItemLink[]>;
  /** Links where the item is blocker or blocked. */
  linksOf(workspace: string, id: string): Promise<ItemLink[]>;

  getMilestone(workspace: string, id: string): Promise<Milestone | undefined>;
  findMilestoneByTitle(workspace: string, title: string): Promise<Milestone | undefined>;
  listMilestones(workspace: string, state?: MilestoneState): Promise<Milestone[]>;
  /**
   * Completion for each milestone id given, over the leaves under the items attached to it
   * (cancelled ones left out); ids with no items get total 0.
   */
  milestoneCompletion(workspace: string, ids: readonly string[]): Promise<Map<string, MilestoneCompletion>>;

  queryAudit(workspace: string, query: AuditQuery): Promise<AuditRecord[]>;
  /** Records with seq > afterSeq, ascending, at most `limit` (for chain verification). */
  auditRange(workspace: string, afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** The head the store recorded with the last append, or undefined for an empty chain. */
  auditHead(workspace: string): Promise<{ seq: number; hash: string } | undefined>;
  /** Signed checkpoints with seq > afterSeq, ascending, at most `limit`. */
  auditCheckpoints(workspace: string, afterSeq: number, limit: number): Promise<AuditCheckpoint[]>;
  /** The latest checkpoint, or undefined when none was written. */
  lastAuditCheckpoint(workspace: string): Promise<AuditCheckpoint | undefined>;

  /** The latest version of a configuration override, or undefined when none was ever stored. */
  getConfigDoc(scope: OverrideScope, key: string): Promise<ConfigDoc | undefined>;
  /** Stored versions, newest first, at most `limit`; only those below `beforeVersion` when given. */
  listConfigVersions(
    scope: OverrideScope,
    key: string,
    limit: number,
    beforeVersion?: number,
  ): Promise<ConfigDoc[]>;

  /** One version of a stored spec (the latest when `version` is omitted), without its text. */
  getSpec(workspace: string, specId: string, version?: number): Promise<SpecVersion | undefined>;
  /** The text of one stored version. */
  getSpecText(workspace: string, specId: string, version: number): Promise<string | undefined>;
  /** The latest version of each stored spec. */
  listSpecs(workspace: string, query: SpecQuery): Promise<SpecSummary[]>;
}

/**
 * One atomic unit of work on one workspace. Writers of the same workspace are serialized
 * (across processes too), so reads inside see a stable state and sequences never collide.
 */
export interface StoreTx extends StoreReader {
  /** Next value of a per-workspace counter, starting at 1. Creates the workspace row if needed. */
  nextSeq(workspace: string, counter: 'item' | 'milestone'): Promise<number>;
  setPolicy(workspace: string, policy: WorkspacePolicy): Promise<void>;

  insertItem(item: WorkItem): Promise<void>;
  /** Replaces the stored row; fails with ITEM.VERSION_CONFLICT when the stored version is not `expectedVersion`. */
  updateItem(item: WorkItem, expectedVersion: number): Promise<void>;

  insertLink(link: ItemLink): Promise<void>;
  /** Returns false when no such link existed. */
  deleteLink(workspace: string, blockerId: string, blockedId: string): Promise<boolean>;

  insertMilestone(m: Milestone): Promise<void>;
  updateMilestone(m: Milestone, expectedVersion: number): Promise<void>;

  /** Appends a fully formed (hashed) record and moves the workspace's audit head to it. */
  appendAudit(record: AuditRecord): Promise<void>;
  /** Stores a signed checkpoint of the workspace's audit head (its seq must be the next one). */
  appendAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  /** Writes an event to the outbox; returns its id. */
  addEvent(event: DomainEvent): Promise<number>;

  /**
   * Stores `doc` as version `expectedVersion + 1` of the override (0: none stored yet), keeping
   * every older version. Fails with CONFIG.VERSION_CONFLICT when the latest stored version is not
   * `expectedVersion`, concurrent writers of the same key included. The key must belong to the
   * transaction's workspace: the workspace itself (repo) or its owner (org).
   */
  putConfigDoc(
    scope: OverrideScope,
    key: string,
    doc: Omit<ConfigDoc, 'version'>,
    expectedVersion: number,
  ): Promise<ConfigDoc>;

  /**
   * Stores `spec` with its text as version `expectedVersion + 1` (0: a new spec), keeping every
   * older version. A stale `expectedVersion` fails with INTERNAL: the workspace lock covers specs,
   * so only a caller that did not read the latest version first can get it wrong.
   */
  putSpecVersion(
    spec: Omit<SpecVersion, 'version'> & { text: string },
    expectedVersion: number,
  ): Promise<SpecVersion>;
  /** Replaces the status of one stored version; SPEC.NOT_FOUND when there is no such version. */
  updateSpecStatus(
    workspace: string,
    specId: string,
    version: number,
    status: SpecStatus,
    change: { updatedAt: string; updatedBy: string },
  ): Promise<void>;
}

export interface GovernanceStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Latest committed state. */
  readonly reader: StoreReader;
  /** Runs `fn` in one transaction holding the workspace's write lock; commits, or rolls back on throw. */
  write<T>(workspace: string, fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** The outbox's delivery state, for the relay (events are added through `StoreTx.addEvent`). */
  readonly outbox: OutboxStore;
  /** Cheap liveness check for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
