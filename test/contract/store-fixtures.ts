/** Builders for the store contract suite: complete, valid model values with overridable fields. */
import { chainRecord } from '../../src/governance/audit/chain.js';
import type { AuditRecord } from '../../src/governance/model/audit.js';
import type { Milestone } from '../../src/governance/model/milestone.js';
import type { WorkItem } from '../../src/governance/model/work-item.js';
import type { StoreTx } from '../../src/governance/ports/store.js';

let wsCounter = 0;
/** A workspace no other test in the run uses, so tests can share one opened store. */
export const freshWorkspace = (): string => `acme/repo-${process.pid}-${++wsCounter}`;

export const T0 = '2025-01-02T03:04:05.000Z';

export const pathOf = (...seqs: number[]): string => seqs.map((s) => String(s).padStart(8, '0')).join('/');

export function makeItem(workspace: string, seqs: number[], over: Partial<WorkItem> = {}): WorkItem {
  const seq = seqs[seqs.length - 1] ?? 1;
  const type = over.type ?? (['epic', 'feature', 'task'] as const)[Math.min(seqs.length - 1, 2)] ?? 'task';
  const prefix = { epic: 'E', feature: 'F', task: 'T' }[type];
  const parentSeq = seqs[seqs.length - 2];
  return {
    workspace,
    id: `${prefix}-${seq}`,
    seq,
    type,
    title: `Item ${seq}`,
    description: '',
    status: 'planning',
    statusReason: null,
    priority: 'medium',
    agent: null,
    estimateDays: null,
    milestoneId: null,
    labels: [],
    parentId: over.parentId ?? (parentSeq === undefined ? null : `X-${parentSeq}`),
    path: pathOf(...seqs),
    depth: seqs.length - 1,
    progress: 0,
    createdAt: T0,
    updatedAt: T0,
    startedAt: null,
    completedAt: null,
    version: 1,
    sourceRef: null,
    ...over,
  };
}

export function makeMilestone(workspace: string, n: number, over: Partial<Milestone> = {}): Milestone {
  return {
    workspace,
    id: `M-${n}`,
    title: `Milestone ${n}`,
    description: '',
    dueOn: null,
    state: 'open',
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...over,
  };
}

export type AuditOver = Partial<Omit<AuditRecord, 'seq' | 'prevHash' | 'hash' | 'workspace'>>;

/** Chains a record onto the workspace's current head and appends it, inside `tx`. */
export async function appendChained(
  tx: StoreTx,
  workspace: string,
  over: AuditOver = {},
): Promise<AuditRecord> {
  const head = await tx.auditHead(workspace);
  const record = chainRecord(
    {
      workspace,
      at: T0,
      entityType: 'item',
      entityId: 'E-1',
      action: 'item.created',
      diff: { title: { old: null, new: 'Item 1' } },
      actor: { type: 'agent_service', id: 'agent:dev', name: 'Dev agent' },
      client: { name: 'claude-code', version: '1.2.3' },
      tool: 'create_item',
      reason: null,
      correlationId: 'corr-1',
      ...over,
    },
    head,
  );
  await tx.appendAudit(record);
  return record;
}
