/**
 * The store as the composition of one port per aggregate (store-*.ts): a use-case that needs one
 * or two of them takes just those, so a test fakes them without casts.
 */
import type { OutboxStore, OutboxWrites } from './events.js';
import type { AgentRegistryReads, AgentRegistryWrites } from './store-agents.js';
import type { ApprovalReads, ApprovalWrites } from './store-approvals.js';
import type { ComplianceSnapshotReads, ComplianceSnapshotWrites } from './store-compliance.js';
import type { AuditReads, AuditWrites } from './store-audit.js';
import type { ConfigDocReads, ConfigDocWrites } from './store-config-docs.js';
import type { ItemReads, ItemWrites } from './store-items.js';
import type { MilestoneReads, MilestoneWrites } from './store-milestones.js';
import type { IssueMapReads, IssueMapWrites } from './store-github.js';
import type { JobStore } from './store-jobs.js';
import type { WebhookDeliveryReads, WebhookDeliveryWrites } from './store-webhooks.js';
import type { SpecReads, SpecWrites } from './store-specs.js';
import type { WorkspaceReads, WorkspaceWrites } from './store-workspaces.js';

export type { AgentProfile, AgentRegistration } from './store-agents.js';
export type { ApprovalQuery } from './store-approvals.js';
export type { ComplianceSnapshot } from './store-compliance.js';
export type { AuditQuery } from './store-audit.js';
export type { ConfigDoc } from './store-config-docs.js';
export type { ChildStats, TreeQuery } from './store-items.js';
export type { TitleTaken } from './store-milestones.js';
export type { VersionedPut, VersionedUpdate } from './store-results.js';
export type { IssueMapping, ProjectLink } from './store-github.js';
export type { JobQuery } from './store-jobs.js';
export type { WebhookDelivery } from './store-webhooks.js';
export type { SpecQuery } from './store-specs.js';
export type { WorkspaceQuery } from './store-workspaces.js';

/** Reads; outside a transaction they see the latest committed state. */
export interface StoreReader
  extends
    WorkspaceReads,
    ItemReads,
    MilestoneReads,
    AuditReads,
    ConfigDocReads,
    SpecReads,
    IssueMapReads,
    WebhookDeliveryReads,
    ApprovalReads,
    AgentRegistryReads,
    ComplianceSnapshotReads {}

/**
 * One atomic unit of work on one workspace. Writers of the same workspace are serialized
 * (across processes too), so reads inside see a stable state and sequences never collide.
 * Conditional writes report what they found; the use-case raises the domain error.
 */
export interface StoreTx
  extends
    StoreReader,
    WorkspaceWrites,
    ItemWrites,
    MilestoneWrites,
    AuditWrites,
    OutboxWrites,
    ConfigDocWrites,
    SpecWrites,
    IssueMapWrites,
    WebhookDeliveryWrites,
    ApprovalWrites,
    AgentRegistryWrites,
    ComplianceSnapshotWrites {}

export interface GovernanceStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Latest committed state. */
  readonly reader: StoreReader;
  /** Runs `fn` in one transaction holding the workspace's write lock; commits, or rolls back on throw. */
  write<T>(workspace: string, fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** The outbox's delivery state, for the relay (events are added through `StoreTx.addEvent`). */
  readonly outbox: OutboxStore;
  /** Long-running jobs and their leases (not tied to a workspace write). */
  readonly jobs: JobStore;
  /** Cheap liveness check for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
