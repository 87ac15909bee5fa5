import * as z from 'zod';
import { ESCALATIONS, escalateItem } from '../../governance/use-cases/agent-work.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';
import { decisionOut } from './agent-out.js';

export const escalateItemTool = defineTool({
  name: 'escalate_item',
  title: 'Escalate an overdue item',
  description:
    "Escalates an item past its service's threshold: reassign (to the service named, or the best other one) or fallback (to the human fallback, its GitHub assignee when synced). force: before the threshold.",
  toolset: 'agents',
  effect: 'write',
  input: z.object({
    workspace: s.workspace,
    id: s.itemId,
    action: z.enum(ESCALATIONS).describe('reassign, or fallback to the human'),
    agent: s.agent.optional().describe('reassign: the service (absent: chosen)'),
    reason: s.reason,
    force: z.boolean().default(false).describe('Even before the threshold'),
    expectedVersion: s.version.optional(),
  }),
  output: z.object({
    item: s.itemOut,
    overdue: z
      .object({ daysOverdue: z.number(), threshold: z.number().nullable(), dueAt: z.string() })
      .nullable(),
    decision: decisionOut,
  }),
  async handler(input, { deps, caller }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await escalateItem(deps, caller, config, input);
    return {
      data: {
        item: s.toItemOut(r.item),
        overdue: r.overdue
          ? { daysOverdue: r.overdue.daysOverdue, threshold: r.overdue.threshold, dueAt: r.overdue.dueAt }
          : null,
        decision: r.decision,
      },
      summary: `${input.id} escalated (${input.action}): ${r.decision.reason}`,
      lines: itemDetail(r.item),
    };
  },
});
