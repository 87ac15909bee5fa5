import * as z from 'zod';
import { listOverdue } from '../../governance/use-cases/agent-work.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

const overdueOut = z.object({
  id: z.string(),
  type: s.itemType,
  title: z.string(),
  status: s.status,
  agent: z.string().nullable(),
  assignee: z.string().nullable(),
  dueAt: z.string(),
  dueSource: z.enum(['milestone', 'estimate']).describe("Its milestone's due date, or start plus estimate"),
  daysOverdue: z.number(),
  threshold: z.number().nullable().describe("The service's escalateAfterDaysOverdue"),
  escalate: z.boolean().describe('Past the threshold'),
});

export const listOverdueTool = defineTool({
  name: 'list_overdue',
  title: 'List overdue items',
  description:
    "Open assigned items past due (milestone due date, else start plus estimate), most overdue first, with the service's escalation threshold and whether it is past it.",
  toolset: 'agents',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    agent: s.agent.optional().describe("Only this service's items"),
    escalateOnly: z.boolean().default(false).describe('Only past the threshold'),
    limit: z.number().int().min(1).max(500).default(100),
  }),
  output: z.object({
    items: z.array(overdueOut),
    total: z.number().describe('Overdue in all'),
    escalate: z.number().describe('Of them past the threshold'),
  }),
  async handler(input, { deps }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await listOverdue(deps.store.reader, config, deps.clock.now(), input);
    return {
      data: r,
      summary: `${r.total} overdue item(s), ${r.escalate} past the escalation threshold`,
      lines: r.items.map(
        (o) =>
          `${o.id} ${o.daysOverdue}d overdue (${o.dueSource} ${o.dueAt.slice(0, 10)}) ${o.agent ?? o.assignee}` +
          (o.escalate ? ` - escalate (threshold ${o.threshold}d)` : ''),
      ),
    };
  },
});
