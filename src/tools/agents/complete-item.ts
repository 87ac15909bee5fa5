import * as z from 'zod';
import { COMPLETION_GATES, completeItem } from '../../governance/use-cases/agent-work.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';

const gateOut = z.object({
  gate: z.enum(COMPLETION_GATES),
  outcome: z.enum(['passed', 'failed', 'skipped']),
  detail: z.string(),
});

export const completeItemTool = defineTool({
  name: 'complete_item',
  title: 'Complete an item (to review)',
  description:
    'Hands in an item: to review once compliance.completionGates pass (acceptance criteria, required sections, a linked pull request when synced), else COMPLETION.GATES_FAILED lists the failing ones.',
  toolset: 'agents',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: s.itemId,
    agent: s.agent.optional().describe('Must be the one assigned'),
    note: s.reason.optional().describe('What was delivered (audited)'),
    pullRequest: z
      .string()
      .trim()
      .max(300)
      .regex(
        /^(?:#?\d{1,9}|https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/pull\/\d{1,9})$/,
        'expected a pull request number (12, #12) or URL',
      )
      .optional()
      .describe('Its pull request: 12, #12 or URL'),
    expectedVersion: s.version.optional(),
  }),
  output: z.object({
    item: s.itemOut,
    changed: z.boolean(),
    gates: z.array(gateOut),
    rolledUp: s.rolledUpOut,
  }),
  async handler(input, { deps, caller }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await completeItem(deps, caller, config, input);
    const gates = r.gates.map((g) => `${g.gate} ${g.outcome}`).join(', ');
    return {
      data: { ...r, item: s.toItemOut(r.item) },
      summary: `${input.id} ${r.changed ? 'moved to' : 'already in'} review${gates ? ` (gates: ${gates})` : ''}`,
      lines: [...itemDetail(r.item), ...r.gates.map((g) => `gate ${g.gate}: ${g.outcome}, ${g.detail}`)],
    };
  },
});
