import * as z from 'zod';
import { assignItem } from '../../governance/use-cases/assignment.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';
import { decisionOut } from './agent-out.js';

export const assignItemTool = defineTool({
  name: 'assign_item',
  title: 'Assign item to an agent service',
  description:
    "Assigns an item to an agent service: the one named, or without `agent` the one chosen by the capabilities the item names and the services' load (utilization, then specialization, then priority; never over a WIP limit). The decision and the candidates weighed are returned and audited.",
  toolset: 'agents',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: s.itemId,
    agent: s.agent.optional().describe('The service; absent: chosen by capability and load'),
    expectedVersion: s.version.optional(),
  }),
  output: z.object({ item: s.itemOut, decision: decisionOut, changed: z.boolean() }),
  async handler(input, { deps, caller }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await assignItem(deps, caller, config, {
      workspace: input.workspace,
      id: input.id,
      ...(input.agent !== undefined && { agent: input.agent }),
      ...(input.expectedVersion !== undefined && { expectedVersion: input.expectedVersion }),
    });
    return {
      data: { item: s.toItemOut(r.item), decision: r.decision, changed: r.changed },
      summary: r.changed
        ? `${input.id} assigned to ${r.decision.agent ?? r.decision.assignee} (${r.decision.rule}: ${r.decision.reason})`
        : `${input.id} already assigned to ${r.decision.agent ?? r.decision.assignee}`,
      lines: itemDetail(r.item),
    };
  },
});
