import * as z from 'zod';
import { DomainError } from '../../governance/errors.js';
import { autoAssign } from '../../governance/use-cases/assignment.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { decisionOut } from './agent-out.js';

const LISTED = 200;

export const autoAssignTool = defineTool({
  name: 'auto_assign',
  title: 'Auto-assign a feature or epic',
  description:
    "Assigns every open, unassigned task under a feature or epic, or in a milestone, by capability and load, counting each assignment against the service's WIP limit as it goes; tasks no service can take stay unassigned with the reason. dryRun (default true) only decides.",
  toolset: 'agents',
  effect: 'write',
  input: z.object({
    workspace: s.workspace,
    rootId: s.itemId.optional().describe('The feature or epic'),
    milestoneId: z.string().min(1).max(20).optional().describe('Or a milestone'),
    dryRun: z.boolean().default(true).describe('true: decide and report, assign nothing'),
  }),
  output: z.object({
    dryRun: z.boolean(),
    assigned: z.number(),
    fallback: z.number().describe('Given to a human fallback'),
    unassigned: z.number(),
    decisions: z.array(decisionOut).describe(`At most ${LISTED}; counts are complete`),
  }),
  async handler(input, { deps, caller }) {
    if ((input.rootId === undefined) === (input.milestoneId === undefined)) {
      throw new DomainError(
        'INPUT.INVALID',
        'auto_assign needs rootId or milestoneId, not both',
        'Pass one of them.',
      );
    }
    const { config } = await deps.config.effective(input.workspace);
    const r = await autoAssign(deps, caller, config, {
      workspace: input.workspace,
      dryRun: input.dryRun,
      ...(input.rootId !== undefined && { rootId: input.rootId }),
      ...(input.milestoneId !== undefined && { milestoneId: input.milestoneId }),
    });
    return {
      data: { ...r, decisions: r.decisions.slice(0, LISTED) },
      summary:
        `${r.assigned} task(s) ${input.dryRun ? 'would be assigned' : 'assigned'}, ${r.fallback} to a human fallback, ${r.unassigned} left unassigned` +
        (input.dryRun ? ' (dry run: pass dryRun: false to assign)' : ''),
      lines: r.decisions.map((d) => `${d.itemId} -> ${d.agent ?? d.assignee ?? '(nobody)'}: ${d.reason}`),
    };
  },
});
