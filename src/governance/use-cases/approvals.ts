/**
 * Approvals (compliance.approvals): a listed change is held as a request carrying the exact tool
 * call, decided by approvers the rule allows (never the requester through a tool call), and
 * applied as the requester once `minApprovals` approve. Every step is one audited write; the
 * change itself is applied by its own tool in its own write, and the outcome recorded after it.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError } from '../errors.js';
import type {
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalStatus,
  ApprovalVerdict,
  DecisionVia,
} from '../model/approval.js';
import type { Actor } from '../model/audit.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreReader } from '../ports/store.js';
import { runWrite, type WriteScope } from './write-scope.js';

export type ApprovalsPolicy = GovernanceConfig['compliance']['approvals'];

/** The rule that holds a call, with what it takes to pass. */
export interface HeldBy {
  rule: string;
  minApprovals: number;
  approvers: string[];
}

/** Never held: holding the approval tools themselves would leave nothing to decide with. */
const NEVER_HELD = new Set(['decide_approval', 'list_approvals']);

/** The rule that holds this write call, or null. A dry run changes nothing and is never held. */
export function approvalRuleFor(
  policy: ApprovalsPolicy,
  tool: string,
  input: Record<string, unknown>,
): HeldBy | null {
  if (input.dryRun === true || NEVER_HELD.has(tool)) return null;
  const named = policy.actions[tool];
  const [rule, r] =
    named?.required === true
      ? [`actions.${tool}`, named]
      : tool === 'create_item' && input.type === 'epic'
        ? ['epicCreation', policy.epicCreation]
        : tool === 'upsert_milestone'
          ? ['milestoneChanges', policy.milestoneChanges]
          : [null, null];
  if (!rule || !r?.required) return null;
  return { rule, minApprovals: r.minApprovals, approvers: [...r.approvers] };
}

/**
 * Whether `actor` is one of `approvers` (empty: anyone). A login matches the actor id itself or
 * `github:<login>`, `agent:x` the service's id. Team membership (`@org/team`) is not known to this
 * server, so a team entry matches nobody.
 */
export function isApprover(approvers: readonly string[], actor: Actor): boolean {
  if (approvers.length === 0) return true;
  const id = actor.id.toLowerCase();
  return approvers.some(
    (a) => !a.startsWith('@') && (id === a.toLowerCase() || id === `github:${a.toLowerCase()}`),
  );
}

const approvalsOf = (a: ApprovalRequest) => a.decisions.filter((d) => d.verdict === 'approve').length;

/** A pending request past its expiry counts as expired, also before a decision records it. */
export const effectiveStatus = (a: ApprovalRequest, now: string): ApprovalStatus =>
  a.status === 'pending' && a.expiresAt <= now ? 'expired' : a.status;

/** Holds a call: the request, audited as `approval.requested`. */
export async function requestApproval(
  deps: CoreDeps,
  caller: Caller,
  policy: ApprovalsPolicy,
  cmd: { workspace: string; tool: string; input: Record<string, unknown>; held: HeldBy },
): Promise<ApprovalRequest> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const seq = (await s.tx.lastApprovalSeq(s.workspace)) + 1;
    const expiresAt = new Date(Date.parse(s.now) + policy.expiresAfterHours * 3_600_000).toISOString();
    const a: ApprovalRequest = {
      id: `A-${seq}`,
      workspace: s.workspace,
      seq,
      tool: cmd.tool,
      input: cmd.input,
      rule: cmd.held.rule,
      minApprovals: cmd.held.minApprovals,
      approvers: cmd.held.approvers,
      requester: { actor: caller.actor, client: caller.client, correlationId: caller.correlationId },
      status: 'pending',
      decisions: [],
      outcome: null,
      createdAt: s.now,
      expiresAt,
      updatedAt: s.now,
      version: 1,
    };
    await s.tx.insertApproval(a);
    await s.audit({
      entityType: 'approval',
      entityId: a.id,
      action: 'approval.requested',
      diff: {
        change: { old: null, new: { tool: a.tool, input: a.input } },
        rule: { old: null, new: a.rule },
        expiresAt: { old: null, new: expiresAt },
      },
    });
    await s.emit('approval.changed', { id: a.id, status: a.status });
    return a;
  });
}

export interface DecideCommand {
  workspace: string;
  id: string;
  verdict: ApprovalVerdict;
  reason?: string;
  via: DecisionVia;
}

async function requireApproval(r: StoreReader, workspace: string, id: string): Promise<ApprovalRequest> {
  const a = await r.approval(workspace, id);
  if (a) return a;
  throw new DomainError(
    'APPROVAL.NOT_FOUND',
    `No approval request ${id.slice(0, 60)} in ${workspace}`,
    'Check the id (e.g. "A-3"); list_approvals lists the requests.',
    { id },
  );
}

async function store(s: WriteScope, before: ApprovalRequest, next: ApprovalRequest): Promise<void> {
  const res = await s.tx.updateApproval(next, before.version);
  if (!res.ok) throw new DomainError('INTERNAL', `Approval ${before.id} changed under its lock`, 'Retry.');
}

/** Authority checks, in the order a caller can act on them. */
function assertMayDecide(a: ApprovalRequest, actor: Actor, via: DecisionVia): void {
  if (via === 'tool' && actor.id === a.requester.actor.id) {
    throw new DomainError(
      'APPROVAL.SELF',
      `${a.id} was requested by ${actor.id}, who cannot decide it`,
      'Ask another approver to call decide_approval.',
      { id: a.id, approvers: a.approvers },
    );
  }
  if (!isApprover(a.approvers, actor)) {
    throw new DomainError(
      'APPROVAL.FORBIDDEN',
      `${actor.id} is not an approver of ${a.id} (${a.rule})`,
      'Ask one of details.approvers; a team (@org/team) entry cannot be matched by this server, list logins.',
      { id: a.id, approvers: a.approvers },
    );
  }
  if (a.decisions.some((d) => d.actor.id === actor.id && d.via === via)) {
    throw new DomainError('APPROVAL.DECIDED', `${actor.id} already decided ${a.id}`, 'Nothing to do.', {
      id: a.id,
      status: a.status,
    });
  }
}

/**
 * Records one decision: a rejection ends the request, the `minApprovals`-th approval makes it
 * `approved` (the caller then applies it). Past expiry the request is marked expired instead and
 * APPROVAL.EXPIRED raised after that commits.
 */
export async function decideApproval(
  deps: CoreDeps,
  caller: Caller,
  cmd: DecideCommand,
): Promise<ApprovalRequest> {
  const r = await runWrite(deps, caller, cmd.workspace, async (s) => {
    const a = await requireApproval(s.tx, s.workspace, cmd.id);
    if (a.status !== 'pending') {
      throw new DomainError('APPROVAL.DECIDED', `${a.id} is ${a.status}, not pending`, 'Nothing to do.', {
        id: a.id,
        status: a.status,
      });
    }
    if (a.expiresAt <= s.now) {
      const next: ApprovalRequest = { ...a, status: 'expired', updatedAt: s.now, version: a.version + 1 };
      await store(s, a, next);
      await s.audit({
        entityType: 'approval',
        entityId: a.id,
        action: 'approval.expired',
        diff: { status: { old: 'pending', new: 'expired' } },
      });
      await s.emit('approval.changed', { id: a.id, status: next.status });
      return { expired: next };
    }
    assertMayDecide(a, caller.actor, cmd.via);
    const decisions = [
      ...a.decisions,
      { actor: caller.actor, verdict: cmd.verdict, via: cmd.via, reason: cmd.reason ?? null, at: s.now },
    ];
    const next: ApprovalRequest = { ...a, decisions, updatedAt: s.now, version: a.version + 1 };
    if (cmd.verdict === 'reject') next.status = 'rejected';
    else if (approvalsOf(next) >= a.minApprovals) next.status = 'approved';
    await store(s, a, next);
    await s.audit({
      entityType: 'approval',
      entityId: a.id,
      action: 'approval.decided',
      diff: {
        status: { old: 'pending', new: next.status },
        decision: { old: null, new: { verdict: cmd.verdict, via: cmd.via } },
      },
      reason: cmd.reason ?? null,
    });
    await s.emit('approval.changed', { id: a.id, status: next.status });
    return { decided: next };
  });
  if (r.expired) {
    throw new DomainError(
      'APPROVAL.EXPIRED',
      `${r.expired.id} expired at ${r.expired.expiresAt}`,
      'Nothing was changed: make the change again to open a new request.',
      { id: r.expired.id, expiresAt: r.expired.expiresAt },
    );
  }
  return r.decided;
}

/** Records what applying an approved request came to, audited as `approval.applied`. */
export async function recordOutcome(
  deps: CoreDeps,
  caller: Caller,
  a: ApprovalRequest,
  outcome: ApprovalOutcome,
): Promise<ApprovalRequest> {
  return runWrite(deps, caller, a.workspace, async (s) => {
    const before = await requireApproval(s.tx, s.workspace, a.id);
    const status: ApprovalStatus = outcome.ok ? 'applied' : 'failed';
    const next: ApprovalRequest = {
      ...before,
      status,
      outcome,
      updatedAt: s.now,
      version: before.version + 1,
    };
    await store(s, before, next);
    await s.audit({
      entityType: 'approval',
      entityId: a.id,
      action: 'approval.applied',
      diff: { status: { old: before.status, new: status }, outcome: { old: null, new: outcome } },
    });
    await s.emit('approval.changed', { id: a.id, status });
    return next;
  });
}

/** A page of requests, oldest first, with their effective status. */
export async function listApprovals(
  reader: StoreReader,
  now: string,
  q: { workspace: string; status?: ApprovalStatus; afterSeq?: number; limit: number },
): Promise<{ requests: ApprovalRequest[]; nextAfterSeq: number | null }> {
  const rows = await reader.listApprovals({ ...q, now, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit).map((a) => ({ ...a, status: effectiveStatus(a, now) }));
  return { requests: page, nextAfterSeq: rows.length > q.limit ? (page.at(-1)?.seq ?? null) : null };
}
