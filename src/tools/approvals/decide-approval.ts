import * as z from 'zod';
import { DomainError } from '../../governance/errors.js';
import { APPROVAL_DECISIONS } from '../../governance/model/approval.js';
import { decideApproval } from '../../governance/use-cases/approvals.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { approvalLine, approvalOut, toApprovalOut } from './approval-out.js';

export const decideApprovalTool = defineTool({
  name: 'decide_approval',
  title: 'Approve or reject a held change',
  description:
    "Approves or rejects a pending request as one of its approvers (never the requester). The approval that reaches minApprovals applies the stored call as the requester; `result` is that call's result, or request.outcome says why it failed.",
  toolset: 'approvals',
  effect: 'write',
  input: z.object({
    workspace: s.workspace,
    id: z.string().min(1).max(40).describe('Request id, e.g. A-3'),
    decision: z.enum(APPROVAL_DECISIONS),
    reason: s.reason.optional(),
  }),
  output: z.object({
    request: approvalOut,
    result: z.record(z.string(), z.unknown()).nullable().describe("The applied call's result"),
  }),
  async handler(input, ctx) {
    const { deps, caller, approvals } = ctx;
    const stored = await deps.store.reader.approval(input.workspace, input.id);
    if (stored && !approvals.canApply(stored.tool)) {
      throw new DomainError(
        'APPROVAL.FORBIDDEN',
        `This server does not expose ${stored.tool}, so it cannot apply ${stored.id}`,
        'Decide it from a server with that tool enabled (not read-only, its toolset on).',
        { id: stored.id, tool: stored.tool },
      );
    }
    const decided = await decideApproval(deps, caller, {
      workspace: input.workspace,
      id: input.id,
      verdict: input.decision,
      via: 'tool',
      ...(input.reason !== undefined && { reason: input.reason }),
    });
    const applied = decided.status === 'approved' ? await approvals.apply(decided, ctx) : null;
    const request = toApprovalOut(applied?.request ?? decided);
    const outcome = request.outcome;
    const summary = !applied
      ? `${input.decision === 'reject' ? 'Rejected' : 'Approved'} ${request.id}: now ${request.status}`
      : outcome?.ok
        ? `Approved ${request.id}: ${request.tool} applied (${outcome.summary ?? ''})`
        : `Approved ${request.id}, but applying ${request.tool} failed: ${outcome?.code ?? ''} ${outcome?.message ?? ''}`;
    return {
      data: { request, result: (applied?.result?.data as Record<string, unknown> | undefined) ?? null },
      summary,
      lines: [approvalLine(request)],
    };
  },
});
