import { sql } from 'kysely';
import type { ColumnDataType, Expression, Kysely } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface Migration {
  /** Stable, sortable name; recorded in gf_migrations once applied. */
  name: string;
  // Untyped, as Kysely advises for migrations: they describe tables as they were at the time,
  // which the current Database type may no longer match.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: SqlDialectName): Promise<void>;
}

type ColumnType = ColumnDataType | Expression<unknown>;

/**
 * Key and path columns compare byte-wise. Postgres would otherwise use the database collation
 * (often en_US), which ignores '/' when sorting paths and keeps prefix LIKE off the index.
 * SQLite's default BINARY collation already behaves this way.
 */
const keyText = (dialect: SqlDialectName): ColumnType =>
  dialect === 'postgres' ? sql`text collate "C"` : 'text';

const init: Migration = {
  name: '0001_init',
  async up(db, dialect) {
    const key = keyText(dialect);

    await db.schema
      .createTable('workspaces')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('policy', 'text')
      .addColumn('item_seq', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('milestone_seq', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', key, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('items')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('id', key, (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text')
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('agent', 'text')
      .addColumn('estimate_days', 'double precision')
      .addColumn('milestone_id', key)
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('parent_id', key)
      .addColumn('path', key, (c) => c.notNull())
      .addColumn('depth', 'integer', (c) => c.notNull())
      .addColumn('progress', 'double precision', (c) => c.notNull())
      .addColumn('created_at', key, (c) => c.notNull())
      .addColumn('updated_at', key, (c) => c.notNull())
      .addColumn('started_at', key)
      .addColumn('completed_at', key)
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('items_pk', ['workspace', 'id'])
      .execute();
    // Unique: afterPath paging skips rows that share a path. Paths end in the item's own
    // seq, so a subtree move never makes two rows collide, even mid-transaction.
    await db.schema
      .createIndex('items_path_uq')
      .on('items')
      .columns(['workspace', 'path'])
      .unique()
      .execute();
    await db.schema
      .createIndex('items_parent_idx')
      .on('items')
      .columns(['workspace', 'parent_id', 'seq'])
      .execute();
    await db.schema.createIndex('items_status_idx').on('items').columns(['workspace', 'status']).execute();
    await db.schema.createIndex('items_agent_idx').on('items').columns(['workspace', 'agent']).execute();
    await db.schema
      .createIndex('items_milestone_idx')
      .on('items')
      .columns(['workspace', 'milestone_id'])
      .execute();

    await db.schema
      .createTable('item_links')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('blocker_id', key, (c) => c.notNull())
      .addColumn('blocked_id', key, (c) => c.notNull())
      .addColumn('created_at', key, (c) => c.notNull())
      .addPrimaryKeyConstraint('item_links_pk', ['workspace', 'blocker_id', 'blocked_id'])
      .execute();
    await db.schema
      .createIndex('item_links_blocked_idx')
      .on('item_links')
      .columns(['workspace', 'blocked_id'])
      .execute();

    await db.schema
      .createTable('milestones')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('id', key, (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('due_on', key)
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', key, (c) => c.notNull())
      .addColumn('updated_at', key, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('milestones_pk', ['workspace', 'id'])
      .addUniqueConstraint('milestones_title_uq', ['workspace', 'title'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', key, (c) => c.notNull())
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', key, (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('diff', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', key, (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('client', 'text')
      .addColumn('tool', 'text')
      .addColumn('reason', 'text')
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_pk', ['workspace', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_entity_idx')
      .on('audit_log')
      .columns(['workspace', 'entity_type', 'entity_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_actor_idx')
      .on('audit_log')
      .columns(['workspace', 'actor_id', 'seq'])
      .execute();
    await db.schema.createIndex('audit_at_idx').on('audit_log').columns(['workspace', 'at']).execute();

    await db.schema
      .createTable('audit_heads')
      .addColumn('workspace', key, (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('at', key, (c) => c.notNull())
      .addColumn('dispatched_at', key)
      .execute();
    // Partial: the dispatcher only ever looks for the (few) undispatched rows.
    await db.schema
      .createIndex('outbox_pending_idx')
      .on('outbox')
      .column('id')
      .where(sql.ref('dispatched_at'), 'is', null)
      .execute();
  },
};

/** Versioned configuration overrides (issue 3): every version kept, the latest is the highest. */
const configVersions: Migration = {
  name: '0002_config_versions',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('config_versions')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', key, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('override', 'text', (c) => c.notNull())
      .addColumn('updated_at', key, (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      // The primary key is what makes concurrent writers of one version collide (see putConfigDoc).
      .addPrimaryKeyConstraint('config_versions_pk', ['scope', 'key', 'version'])
      .execute();
  },
};

/**
 * Where an item came from when a plan wrote it (`spec:T-k3xq0m2vba`, `taskmaster:...`): applying
 * the same plan again finds its items instead of creating them twice. Hand-made items have none;
 * NULLs never collide in a unique index, on either back-end.
 */
const itemSource: Migration = {
  name: '0003_item_source',
  async up(db, dialect) {
    await db.schema.alterTable('items').addColumn('source_ref', keyText(dialect)).execute();
    await db.schema
      .createIndex('items_source_ref_uq')
      .on('items')
      .columns(['workspace', 'source_ref'])
      .unique()
      .execute();
  },
};

/**
 * Stored specs: one row per applied version, every version kept with its full text (up to 1 MiB;
 * a version is only added when the text or its generation changed, so rows grow with real edits).
 */
const specs: Migration = {
  name: '0004_specs',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('specs')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('spec_id', key, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('text_hash', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('lines', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('generation', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('item_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', key, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', key, (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      // Also the index for "latest version of each spec": max(version) per (workspace, spec_id).
      .addPrimaryKeyConstraint('specs_pk', ['workspace', 'spec_id', 'version'])
      .execute();
  },
};

/**
 * Signed checkpoints of each workspace's audit head (issue 7): one row per checkpoint, gapless per
 * workspace, each naming the digest of the one before, so a deleted or edited checkpoint breaks
 * that chain even for someone who never saw the signing key.
 */
const auditCheckpoints: Migration = {
  name: '0005_audit_checkpoints',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('head_seq', 'integer', (c) => c.notNull())
      .addColumn('head_hash', 'text', (c) => c.notNull())
      .addColumn('records', 'integer', (c) => c.notNull())
      .addColumn('at', key, (c) => c.notNull())
      .addColumn('prev_digest', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_checkpoints_pk', ['workspace', 'seq'])
      .execute();
  },
};

/**
 * Outbox relay (issue 7): an event is leased to one relay at a time (claimed_by until lease_until),
 * and a failed publication is retried at next_attempt_at. attempts counts failed publications.
 */
const outboxRelay: Migration = {
  name: '0006_outbox_relay',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
    await db.schema.alterTable('outbox').addColumn('lease_until', key).execute();
    await db.schema
      .alterTable('outbox')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('outbox').addColumn('next_attempt_at', key).execute();
    await db.schema.alterTable('outbox').addColumn('last_error', 'text').execute();
    // Claims keep a workspace's events in order: "is an earlier one still unpublished?"
    await db.schema
      .createIndex('outbox_pending_ws_idx')
      .on('outbox')
      .columns(['workspace', 'id'])
      .where(sql.ref('dispatched_at'), 'is', null)
      .execute();
  },
};

/**
 * The GitHub sync's mapping rows (issue 8): the issue each item is materialized as. One row per
 * item; an issue number maps back to at most one item of its repository.
 */
const githubIssues: Migration = {
  name: '0007_github_issues',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('github_issues')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('item_id', key, (c) => c.notNull())
      .addColumn('repository', key, (c) => c.notNull())
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('issue_id', 'bigint', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('synced_at', key, (c) => c.notNull())
      .addPrimaryKeyConstraint('github_issues_pk', ['workspace', 'item_id'])
      .execute();
    await db.schema
      .createIndex('github_issues_number_idx')
      .on('github_issues')
      .columns(['repository', 'number'])
      .unique()
      .execute();
  },
};

/**
 * Durable jobs with leases. JSON as text on both back-ends. At most one active (queued or running)
 * job of a kind per workspace: a partial unique index, so the refusal holds across processes.
 */
const jobs: Migration = {
  name: '0008_jobs',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('jobs')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('kind', key, (c) => c.notNull())
      .addColumn('status', key, (c) => c.notNull())
      .addColumn('input', 'text', (c) => c.notNull())
      .addColumn('steps', 'text', (c) => c.notNull())
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', key, (c) => c.notNull())
      .addColumn('updated_at', key, (c) => c.notNull())
      .addColumn('lease_holder', 'text')
      .addColumn('lease_until', key)
      .addColumn('heartbeat_at', key)
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('jobs_active_idx')
      .on('jobs')
      .columns(['workspace', 'kind'])
      .unique()
      .where(sql.ref('status'), 'in', sql`('queued', 'running')`)
      .execute();
    await db.schema.createIndex('jobs_workspace_idx').on('jobs').columns(['workspace', 'id']).execute();
  },
};

/**
 * GitHub webhook deliveries already handled (issue 8): one row per `X-GitHub-Delivery`, written in
 * the transaction of the change the delivery made, so a replay finds it and changes nothing.
 */
const webhookDeliveries: Migration = {
  name: '0009_webhook_deliveries',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('delivery_id', key, (c) => c.primaryKey())
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('received_at', key, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_workspace_idx')
      .on('webhook_deliveries')
      .columns(['workspace', 'received_at'])
      .execute();
  },
};

/** The GitHub Project (v2) each workspace's issues are placed on: at most one per workspace. */
const githubProjects: Migration = {
  name: '0010_github_projects',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('github_projects')
      .addColumn('workspace', key, (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('linked_at', key, (c) => c.notNull())
      .execute();
  },
};

/** Agent services registered at run time (issue 10), merged over the policy's agents. */
const agentRegistry: Migration = {
  name: '0011_agent_registry',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('agent_registry')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('id', key, (c) => c.notNull())
      .addColumn('capabilities', 'text', (c) => c.notNull())
      .addColumn('specializations', 'text', (c) => c.notNull())
      .addColumn('assignment_priority', 'integer', (c) => c.notNull())
      .addColumn('max_concurrent_tasks', 'integer', (c) => c.notNull())
      .addColumn('escalate_after_days_overdue', 'integer', (c) => c.notNull())
      .addColumn('fallback_assignee', 'text')
      .addColumn('heartbeat_timeout_minutes', 'double precision')
      .addColumn('registered_at', key, (c) => c.notNull())
      .addColumn('last_heartbeat_at', key, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_registry_pk', ['workspace', 'id'])
      .execute();
    // The human (GitHub login) an item falls back to when no agent service can take it.
    await db.schema.alterTable('items').addColumn('assignee', 'text').execute();
  },
};

/** Approval requests (issue 10): changes held by compliance.approvals until decided or expired. */
const approvals: Migration = {
  name: '0013_approvals',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('approvals')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('id', key, (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('tool', 'text', (c) => c.notNull())
      .addColumn('input', 'text', (c) => c.notNull())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('min_approvals', 'integer', (c) => c.notNull())
      .addColumn('approvers', 'text', (c) => c.notNull())
      .addColumn('requester', 'text', (c) => c.notNull())
      .addColumn('status', key, (c) => c.notNull())
      .addColumn('decisions', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('created_at', key, (c) => c.notNull())
      .addColumn('expires_at', key, (c) => c.notNull())
      .addColumn('updated_at', key, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('approvals_pk', ['workspace', 'id'])
      .execute();
    await db.schema
      .createIndex('approvals_seq_idx')
      .on('approvals')
      .columns(['workspace', 'seq'])
      .unique()
      .execute();
    await db.schema
      .createIndex('approvals_status_idx')
      .on('approvals')
      .columns(['workspace', 'status', 'seq'])
      .execute();
  },
};

/** Compliance report snapshots (issue 10): the trend check_compliance reports since a date. */
const complianceSnapshots: Migration = {
  name: '0014_compliance_snapshots',
  async up(db, dialect) {
    const key = keyText(dialect);
    await db.schema
      .createTable('compliance_snapshots')
      .addColumn('workspace', key, (c) => c.notNull())
      .addColumn('at', key, (c) => c.notNull())
      .addColumn('checked', 'integer', (c) => c.notNull())
      .addColumn('compliance_rate', 'double precision', (c) => c.notNull())
      .addColumn('mean_score', 'double precision', (c) => c.notNull())
      .addColumn('errors', 'integer', (c) => c.notNull())
      .addColumn('warnings', 'integer', (c) => c.notNull())
      .addColumn('infos', 'integer', (c) => c.notNull())
      .addColumn('by_rule', 'text', (c) => c.notNull())
      .addColumn('by_category', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('compliance_snapshots_pk', ['workspace', 'at'])
      .execute();
  },
};

/** Audit records by action (the status history analytics read, the cross-item compliance rules). */
const auditActionIndex: Migration = {
  name: '0015_audit_action_index',
  async up(db) {
    await db.schema
      .createIndex('audit_action_idx')
      .on('audit_log')
      .columns(['workspace', 'action', 'seq'])
      .execute();
  },
};

/** Applied in order; never edit one that has shipped, append a new one. */
export const MIGRATIONS: readonly Migration[] = [
  init,
  configVersions,
  itemSource,
  specs,
  auditCheckpoints,
  outboxRelay,
  githubIssues,
  jobs,
  webhookDeliveries,
  githubProjects,
  agentRegistry,
  approvals,
  complianceSnapshots,
  auditActionIndex,
];
