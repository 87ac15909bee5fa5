import * as z from 'zod';
import { MILESTONE_STATES } from '../../governance/model/milestone.js';
import { listMilestones } from '../../governance/use-cases/list-milestones.js';
import { defineTool } from '../../mcp/define-tool.js';
import { milestoneLine } from '../../mcp/text.js';
import * as s from '../schemas.js';

export const milestoneOut = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  dueOn: z.string().nullable(),
  state: z.enum(MILESTONE_STATES),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  completion: z.object({ total: z.number(), done: z.number(), percent: z.number() }),
  overdue: z.boolean(),
});

export const listMilestonesTool = defineTool({
  name: 'list_milestones',
  title: 'List milestones',
  description: 'Milestones with completion.',
  toolset: 'milestones',
  effect: 'read',
  input: z.object({ workspace: s.workspace, state: z.enum(MILESTONE_STATES).optional() }),
  output: z.object({ milestones: z.array(milestoneOut) }),
  async handler(input, { deps }) {
    const list = await listMilestones(deps, input.workspace, input.state);
    return {
      data: { milestones: list.map(({ workspace: _w, ...m }) => m) },
      summary: `${list.length} milestone(s)`,
      lines: list.map(milestoneLine),
    };
  },
});
