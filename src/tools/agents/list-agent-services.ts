import * as z from 'zod';
import { listAgentServices } from '../../governance/use-cases/assignment.js';
import { requireWorkspace } from '../../governance/use-cases/workspaces.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const listAgentServicesTool = defineTool({
  name: 'list_agent_services',
  title: 'List agent services',
  description:
    "The workspace's agent services (the policy's agents) with their capabilities, WIP limit and load: open tasks assigned and utilization.",
  toolset: 'agents',
  effect: 'read',
  input: z.object({ workspace: s.workspace }),
  output: z.object({
    services: z.array(
      z.object({
        id: z.string(),
        capabilities: z.array(z.string()),
        specializations: z.array(z.string()),
        assignmentPriority: z.number(),
        maxConcurrentTasks: z.number(),
        escalateAfterDaysOverdue: z.number(),
        githubAssignee: z.string().nullable(),
        openTasks: z.number(),
        utilization: z.number().describe('openTasks / maxConcurrentTasks'),
        available: z.boolean().describe('Below its WIP limit'),
      }),
    ),
  }),
  async handler(input, { deps }) {
    await requireWorkspace(deps.store.reader, input.workspace);
    const { config } = await deps.config.effective(input.workspace);
    const services = await listAgentServices(deps.store.reader, input.workspace, config);
    return {
      data: { services },
      summary: `${services.length} agent service(s), ${services.filter((x) => x.available).length} with capacity`,
      lines: services.map(
        (x) =>
          `${x.id}: ${x.openTasks}/${x.maxConcurrentTasks} open task(s)${x.available ? '' : ' (full)'}; ${x.capabilities.join(', ')}`,
      ),
    };
  },
});
