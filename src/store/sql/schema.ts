import type { Generated } from 'kysely';

/**
 * Table types shared by the SQL back-ends. JSON values are TEXT and timestamps ISO-8601 TEXT,
 * so both dialects store the same bytes and ISO strings sort as they compare.
 */
export interface Database {
  gf_migrations: MigrationTable;
  workspaces: WorkspaceTable;
  items: ItemTable;
  item_links: ItemLinkTable;
  milestones: MilestoneTable;
  audit_log: AuditTable;
  audit_heads: AuditHeadTable;
  audit_checkpoints: AuditCheckpointTable;
  outbox: OutboxTable;
  config_versions: ConfigVersionTable;
  specs: SpecTable;
  github_issues: GitHubIssueTable;
  jobs: JobTable;
  webhook_deliveries: WebhookDeliveryTable;
  github_projects: GitHubProjectTable;
  approvals: ApprovalTable;
  agent_registry: AgentRegistryTable;
  compliance_snapshots: ComplianceSnapshotTable;
}

export interface MigrationTable {
  name: string;
  applied_at: string;
}

export interface WorkspaceTable {
  id: string;
  /** JSON WorkspacePolicy; null until set (the default policy applies). */
  policy: string | null;
  item_seq: number;
  milestone_seq: number;
  created_at: string;
}

export interface ItemTable {
  workspace: string;
  id: string;
  seq: number;
  type: string;
  title: string;
  description: string;
  status: string;
  status_reason: string | null;
  priority: string;
  agent: string | null;
  estimate_days: number | null;
  milestone_id: string | null;
  /** JSON string[]. */
  labels: string;
  parent_id: string | null;
  path: string;
  depth: number;
  progress: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  version: number;
  /** `<origin>:<plan id>` when a plan wrote the item (migration 0003), else null. */
  source_ref: string | null;
  /** Human fallback assignee, a GitHub login (migration 0011), else null. */
  assignee: string | null;
}

export interface ItemLinkTable {
  workspace: string;
  blocker_id: string;
  blocked_id: string;
  created_at: string;
}

export interface MilestoneTable {
  workspace: string;
  id: string;
  title: string;
  description: string;
  due_on: string | null;
  state: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface AuditTable {
  workspace: string;
  seq: number;
  at: string;
  entity_type: string;
  entity_id: string;
  action: string;
  /** JSON AuditDiff. */
  diff: string;
  actor_type: string;
  actor_id: string;
  actor_name: string;
  /** JSON ClientInfo, or null. */
  client: string | null;
  tool: string | null;
  reason: string | null;
  correlation_id: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  workspace: string;
  seq: number;
  hash: string;
}

/** Signed checkpoints of a workspace's audit head (migration 0005); rows are never updated. */
export interface AuditCheckpointTable {
  workspace: string;
  seq: number;
  head_seq: number;
  head_hash: string;
  records: number;
  at: string;
  prev_digest: string;
  key_id: string;
  digest: string;
  /** Base64 Ed25519 signature. */
  signature: string;
}

export interface OutboxTable {
  id: Generated<number>;
  workspace: string;
  type: string;
  /** JSON payload. */
  payload: string;
  at: string;
  /** When the relay published it (the event's subscribers all acknowledged). */
  dispatched_at: string | null;
  /** The relay holding the lease (see OutboxStore). */
  claimed_by: string | null;
  lease_until: string | null;
  /** Failed publications. */
  attempts: Generated<number>;
  next_attempt_at: string | null;
  last_error: string | null;
}

export interface ConfigVersionTable {
  /** 'org' | 'repo'. */
  scope: string;
  /** Owner for org, owner/repo for repo. */
  key: string;
  version: number;
  /** JSON override. */
  override: string;
  updated_at: string;
  updated_by: string;
}

/** One applied version of a spec (migration 0004); only `status` and `updated_*` ever change. */
export interface SpecTable {
  workspace: string;
  spec_id: string;
  version: number;
  title: string;
  /** The full text of this version, so any two versions can be compared later. */
  text: string;
  /** SHA-256 hex of the UTF-8 text. */
  text_hash: string;
  bytes: number;
  lines: number;
  /** JSON SpecStatus. */
  status: string;
  /** JSON GenerationMeta. */
  generation: string;
  /** JSON SpecItemRef[]. */
  items: string;
  item_count: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** The GitHub issue an item is materialized as (migration 0007). */
export interface GitHubIssueTable {
  workspace: string;
  item_id: string;
  repository: string;
  number: number;
  /** REST id; bigint, which pg returns as a string. */
  issue_id: number | string;
  node_id: string;
  synced_at: string;
}

/** The GitHub Project a workspace's issues are placed on (migration 0010). */
export interface GitHubProjectTable {
  workspace: string;
  owner: string;
  number: number;
  node_id: string;
  title: string;
  url: string;
  linked_at: string;
}

/** A GitHub webhook delivery already handled (migration 0009). */
export interface WebhookDeliveryTable {
  delivery_id: string;
  workspace: string;
  event: string;
  action: string;
  outcome: string;
  received_at: string;
}

/** A durable job (migration 0008); JSON columns as text. */
export interface JobTable {
  id: string;
  workspace: string;
  kind: string;
  status: string;
  input: string;
  /** JSON JobStep[]. */
  steps: string;
  /** JSON JobProgress. */
  progress: string;
  /** JSON JobError, or null. */
  error: string | null;
  cancel_requested: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  lease_holder: string | null;
  lease_until: string | null;
  heartbeat_at: string | null;
  attempts: number;
}

/** An approval request (migration 0013); JSON columns as text. */
export interface ApprovalTable {
  workspace: string;
  id: string;
  seq: number;
  tool: string;
  input: string;
  rule: string;
  min_approvals: number;
  approvers: string;
  requester: string;
  status: string;
  decisions: string;
  outcome: string | null;
  created_at: string;
  expires_at: string;
  updated_at: string;
  version: number;
}

export type ItemRow = ItemTable;
export type MilestoneRow = MilestoneTable;
export type AuditRow = AuditTable;
export type LinkRow = ItemLinkTable;

/** Agent services registered at run time (migration 0011); one row per service, replaced on re-registration. */
export interface AgentRegistryTable {
  workspace: string;
  id: string;
  /** JSON string[]. */
  capabilities: string;
  /** JSON string[]. */
  specializations: string;
  assignment_priority: number;
  max_concurrent_tasks: number;
  escalate_after_days_overdue: number;
  fallback_assignee: string | null;
  heartbeat_timeout_minutes: number | null;
  registered_at: string;
  last_heartbeat_at: string;
  version: number;
}

export interface ComplianceSnapshotTable {
  workspace: string;
  at: string;
  checked: number;
  compliance_rate: number;
  mean_score: number;
  errors: number;
  warnings: number;
  infos: number;
  /** JSON Record<rule, count>. */
  by_rule: string;
  /** JSON Record<category, count>. */
  by_category: string;
}
