import type { Actor, ClientInfo } from './audit.js';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'applied', 'failed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalVerdict = (typeof APPROVAL_DECISIONS)[number];

/** How a decision was made: a decide_approval call, or the user of the requesting client answering a form. */
export type DecisionVia = 'tool' | 'elicitation';

export interface ApprovalDecision {
  actor: Actor;
  verdict: ApprovalVerdict;
  via: DecisionVia;
  reason: string | null;
  at: string;
}

/** What applying the approved change came to; linked to the change's own audit records. */
export type ApprovalOutcome =
  { ok: true; summary: string; auditSeqs: number[] } | { ok: false; code: string; message: string };

/** Who asked for the change: the change is applied as them. */
export interface Requester {
  actor: Actor;
  client: ClientInfo | null;
  correlationId: string;
}

/**
 * A change that waits for approval: the tool call exactly as validated, the rule that held it
 * (its approvers and quorum copied, so a later policy change does not move the goalposts) and the
 * decisions so far. `pending` until decided or expired; `approved` only between the quorum and
 * the outcome of applying it (`applied` or `failed`).
 */
export interface ApprovalRequest {
  id: string;
  workspace: string;
  seq: number;
  tool: string;
  input: Record<string, unknown>;
  /** `epicCreation`, `milestoneChanges` or `actions.<tool>`. */
  rule: string;
  minApprovals: number;
  approvers: string[];
  requester: Requester;
  status: ApprovalStatus;
  decisions: ApprovalDecision[];
  outcome: ApprovalOutcome | null;
  createdAt: string;
  expiresAt: string;
  updatedAt: string;
  version: number;
}
