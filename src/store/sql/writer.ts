import type { Kysely } from 'kysely';
import type { OverrideScope } from '../../governance/config/override.js';
import { DomainError } from '../../governance/errors.js';
import type { AuditRecord } from '../../governance/model/audit.js';
import type { AuditCheckpoint } from '../../governance/model/audit-checkpoint.js';
import type { DomainEvent } from '../../governance/model/events.js';
import type { Milestone } from '../../governance/model/milestone.js';
import type { SpecStatus, SpecVersion } from '../../governance/model/spec.js';
import type { ItemLink, WorkItem } from '../../governance/model/work-item.js';
import type { WorkspacePolicy } from '../../governance/model/workspace.js';
import type {
  ConfigDoc,
  StoreTx,
  TitleTaken,
  VersionedPut,
  VersionedUpdate,
} from '../../governance/ports/store.js';
import { insertCheckpoint } from './checkpoints.js';
import { putConfigDoc } from './config-docs.js';
import { auditToRow, itemToRow, linkToRow, milestoneToRow } from './mappers.js';
import type { SqlDialectName } from './migrations.js';
import { SqlReader } from './reader.js';
import type { Database } from './schema.js';
import { putSpecVersion, updateSpecStatus } from './specs.js';
import { putIssueMapping, putProjectLink } from './github-issues.js';
import { recordDelivery } from './webhook-deliveries.js';
import { insertApproval, updateApproval } from './approvals.js';
import { putAgentRegistration } from './agents.js';
import { putComplianceSnapshot } from './compliance-snapshots.js';
import type { ComplianceSnapshot } from '../../governance/ports/store-compliance.js';
import type { AgentRegistration } from '../../governance/ports/store-agents.js';
import type { ApprovalRequest } from '../../governance/model/approval.js';
import type { WebhookDelivery } from '../../governance/ports/store-webhooks.js';
import type { IssueMapping, ProjectLink } from '../../governance/ports/store-github.js';

/**
 * StoreTx on the connection of an open transaction. The back-end has already taken the write
 * lock of `workspace`, which is why every write checks it targets that workspace: a write to
 * another one would not be serialized against that workspace's other writers.
 */
export class SqlTx extends SqlReader implements StoreTx {
  private ensured = false;

  constructor(
    db: Kysely<Database>,
    dialect: SqlDialectName,
    private readonly workspace: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {
    super(db, dialect);
  }

  async nextSeq(workspace: string, counter: 'item' | 'milestone'): Promise<number> {
    this.own(workspace);
    const col = counter === 'item' ? 'item_seq' : 'milestone_seq';
    // One statement: create the row at 1 or bump the counter, and read the new value back.
    const row = await this.db
      .insertInto('workspaces')
      .values({
        id: workspace,
        policy: null,
        item_seq: counter === 'item' ? 1 : 0,
        milestone_seq: counter === 'milestone' ? 1 : 0,
        created_at: this.now(),
      })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ [col]: eb(`workspaces.${col}`, '+', 1) })))
      .returning(col)
      .executeTakeFirstOrThrow();
    this.ensured = true;
    return Number(row[col]);
  }

  async setPolicy(workspace: string, policy: WorkspacePolicy): Promise<void> {
    this.own(workspace);
    await this.db
      .insertInto('workspaces')
      .values({
        id: workspace,
        policy: JSON.stringify(policy),
        item_seq: 0,
        milestone_seq: 0,
        created_at: this.now(),
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ policy: JSON.stringify(policy) }))
      .execute();
    this.ensured = true;
  }

  async insertItem(item: WorkItem): Promise<void> {
    await this.ensureWorkspace(item.workspace);
    await this.db.insertInto('items').values(itemToRow(item)).execute();
  }

  async updateItem(item: WorkItem, expectedVersion: number): Promise<VersionedUpdate> {
    this.own(item.workspace);
    const { workspace, id, ...fields } = itemToRow(item);
    const res = await this.db
      .updateTable('items')
      .set(fields)
      .where('workspace', '=', workspace)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (res.numUpdatedRows > 0n) return { ok: true };
    const current = await this.getItem(workspace, id);
    return current ? { ok: false, found: true, actualVersion: current.version } : { ok: false, found: false };
  }

  async insertLink(link: ItemLink): Promise<boolean> {
    await this.ensureWorkspace(link.workspace);
    const res = await this.db
      .insertInto('item_links')
      .values(linkToRow(link))
      .onConflict((oc) => oc.columns(['workspace', 'blocker_id', 'blocked_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async deleteLink(workspace: string, blockerId: string, blockedId: string): Promise<boolean> {
    this.own(workspace);
    const res = await this.db
      .deleteFrom('item_links')
      .where('workspace', '=', workspace)
      .where('blocker_id', '=', blockerId)
      .where('blocked_id', '=', blockedId)
      .executeTakeFirst();
    return res.numDeletedRows > 0n;
  }

  async insertMilestone(m: Milestone): Promise<{ ok: true } | TitleTaken> {
    await this.ensureWorkspace(m.workspace);
    const taken = await this.titleTaken(m);
    if (taken) return taken;
    await this.db.insertInto('milestones').values(milestoneToRow(m)).execute();
    return { ok: true };
  }

  async updateMilestone(m: Milestone, expectedVersion: number): Promise<VersionedUpdate | TitleTaken> {
    this.own(m.workspace);
    const taken = await this.titleTaken(m);
    if (taken) return taken;
    const { workspace, id, ...fields } = milestoneToRow(m);
    const res = await this.db
      .updateTable('milestones')
      .set(fields)
      .where('workspace', '=', workspace)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (res.numUpdatedRows > 0n) return { ok: true };
    const current = await this.getMilestone(workspace, id);
    return current ? { ok: false, found: true, actualVersion: current.version } : { ok: false, found: false };
  }

  async appendAudit(record: AuditRecord): Promise<void> {
    await this.ensureWorkspace(record.workspace);
    await this.db.insertInto('audit_log').values(auditToRow(record)).execute();
    await this.db
      .insertInto('audit_heads')
      .values({ workspace: record.workspace, seq: record.seq, hash: record.hash })
      .onConflict((oc) => oc.column('workspace').doUpdateSet({ seq: record.seq, hash: record.hash }))
      .execute();
  }

  async appendAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    this.own(checkpoint.workspace);
    await insertCheckpoint(this.db, checkpoint);
  }

  async addEvent(event: DomainEvent): Promise<number> {
    this.own(event.workspace);
    const row = await this.db
      .insertInto('outbox')
      .values({
        workspace: event.workspace,
        type: event.type,
        payload: JSON.stringify(event.payload),
        at: event.at,
        dispatched_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async putConfigDoc(
    scope: OverrideScope,
    key: string,
    doc: Omit<ConfigDoc, 'version'>,
    expectedVersion: number,
  ): Promise<VersionedPut<ConfigDoc>> {
    // An org key is its owner: o/r's transaction may write org `o` and repo `o/r`, nothing else.
    this.own(scope === 'repo' ? key : `${key}/${this.workspace.slice(this.workspace.indexOf('/') + 1)}`);
    return putConfigDoc(this.db, scope, key, doc, expectedVersion);
  }

  async putIssueMapping(row: IssueMapping): Promise<void> {
    this.own(row.workspace);
    await putIssueMapping(this.db, row);
  }

  async putProjectLink(link: ProjectLink): Promise<void> {
    this.own(link.workspace);
    await putProjectLink(this.db, link);
  }

  async recordDelivery(d: WebhookDelivery): Promise<boolean> {
    this.own(d.workspace);
    return recordDelivery(this.db, d);
  }

  async insertApproval(a: ApprovalRequest): Promise<void> {
    await this.ensureWorkspace(a.workspace);
    await insertApproval(this.db, a);
  }

  async updateApproval(a: ApprovalRequest, expectedVersion: number): Promise<VersionedUpdate> {
    this.own(a.workspace);
    return updateApproval(this.db, a, expectedVersion);
  }

  async putAgentRegistration(r: AgentRegistration): Promise<void> {
    await this.ensureWorkspace(r.workspace);
    await putAgentRegistration(this.db, r);
  }

  async putComplianceSnapshot(s: ComplianceSnapshot): Promise<void> {
    await putComplianceSnapshot(this.db, s);
  }

  async putSpecVersion(
    spec: Omit<SpecVersion, 'version'> & { text: string },
    expectedVersion: number,
  ): Promise<VersionedPut<SpecVersion>> {
    await this.ensureWorkspace(spec.workspace);
    return putSpecVersion(this.db, spec, expectedVersion);
  }

  async updateSpecStatus(
    workspace: string,
    specId: string,
    version: number,
    status: SpecStatus,
    change: { updatedAt: string; updatedBy: string },
  ): Promise<boolean> {
    this.own(workspace);
    return updateSpecStatus(this.db, workspace, specId, version, status, change);
  }

  /**
   * Looked up rather than left to the unique index: on Postgres a failed statement aborts the
   * whole transaction, and the workspace lock makes the check race-free.
   */
  private async titleTaken(m: Milestone): Promise<TitleTaken | undefined> {
    const other = await this.findMilestoneByTitle(m.workspace, m.title);
    return other && other.id !== m.id ? { ok: false, titleTakenBy: other.id } : undefined;
  }

  /** listWorkspaces reads the workspaces table, so any write makes the workspace known. */
  private async ensureWorkspace(workspace: string): Promise<void> {
    this.own(workspace);
    if (this.ensured) return;
    await this.db
      .insertInto('workspaces')
      .values({ id: workspace, policy: null, item_seq: 0, milestone_seq: 0, created_at: this.now() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    this.ensured = true;
  }

  /** A programming error, not a domain outcome: no caller input can name another workspace here. */
  private own(workspace: string): void {
    if (workspace === this.workspace) return;
    throw new DomainError(
      'INTERNAL',
      `A write transaction on ${this.workspace} tried to change ${workspace}`,
      'Open a separate write() for each workspace.',
    );
  }
}
