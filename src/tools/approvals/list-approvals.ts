import * as z from 'zod';
import { APPROVAL_STATUSES } from '../../governance/model/approval.js';
import { listApprovals } from '../../governance/use-cases/approvals.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { approvalLine, approvalOut, toApprovalOut } from './approval-out.js';

export const listApprovalsTool = defineTool({
  name: 'list_approvals',
  title: 'List approval requests',
  description:
    'Changes held for approval by compliance.approvals, with the exact call, approvers and decisions; oldest first, paged. A pending request past expiresAt shows as expired.',
  toolset: 'approvals',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    status: z.enum(APPROVAL_STATUSES).optional().describe('Only this status'),
    cursor: z.string().max(20).regex(/^\d+$/).optional().describe('nextCursor'),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  output: z.object({ requests: z.array(approvalOut), nextCursor: z.string().nullable() }),
  async handler(input, { deps }) {
    const page = await listApprovals(deps.store.reader, deps.clock.now(), {
      workspace: input.workspace,
      ...(input.status && { status: input.status }),
      ...(input.cursor && { afterSeq: Number(input.cursor) }),
      limit: input.limit,
    });
    const requests = page.requests.map(toApprovalOut);
    const nextCursor = page.nextAfterSeq === null ? null : String(page.nextAfterSeq);
    return {
      data: { requests, nextCursor },
      summary: `${requests.length} approval request(s)${nextCursor ? ', more with nextCursor' : ''}`,
      lines: requests.map(approvalLine),
    };
  },
});
