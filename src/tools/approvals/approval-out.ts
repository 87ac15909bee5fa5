import * as z from 'zod';
import {
  APPROVAL_DECISIONS,
  APPROVAL_STATUSES,
  type ApprovalRequest,
} from '../../governance/model/approval.js';

/** An approval request as the approval tools return it. */
export const approvalOut = z.object({
  id: z.string(),
  tool: z.string(),
  input: z.record(z.string(), z.unknown()),
  rule: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  requester: z.string(),
  approvers: z.array(z.string()),
  minApprovals: z.number(),
  decisions: z.array(
    z.object({
      by: z.string(),
      verdict: z.enum(APPROVAL_DECISIONS),
      via: z.enum(['tool', 'elicitation']),
      reason: z.string().nullable(),
      at: z.string(),
    }),
  ),
  outcome: z
    .object({
      ok: z.boolean(),
      summary: z.string().optional(),
      auditSeqs: z.array(z.number()).optional(),
      code: z.string().optional(),
      message: z.string().optional(),
    })
    .nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type ApprovalOut = z.infer<typeof approvalOut>;

export const toApprovalOut = (a: ApprovalRequest): ApprovalOut => ({
  id: a.id,
  tool: a.tool,
  input: a.input,
  rule: a.rule,
  status: a.status,
  requester: a.requester.actor.id,
  approvers: a.approvers,
  minApprovals: a.minApprovals,
  decisions: a.decisions.map((d) => ({
    by: d.actor.id,
    verdict: d.verdict,
    via: d.via,
    reason: d.reason,
    at: d.at,
  })),
  outcome: a.outcome,
  createdAt: a.createdAt,
  expiresAt: a.expiresAt,
});

export const approvalLine = (a: ApprovalOut): string =>
  `${a.id} ${a.status} ${a.tool} by ${a.requester} (${a.rule}, ${a.decisions.filter((d) => d.verdict === 'approve').length}/${a.minApprovals}) expires ${a.expiresAt}`;
