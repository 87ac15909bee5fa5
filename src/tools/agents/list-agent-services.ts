import * as z from 'zod';
import { listAgentServices } from '../../governance/use-cases/assignment.js';
import { requireWorkspace } from '../../governance/use-cases/workspaces.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { serviceOut } from './agent-out.js';

export const listAgentServicesTool = defineTool({
  name: 'list_agent_services',
  title: 'List agent services',
  description:
    "The workspace's agent services (the policy's agents and registered ones) with capabilities, WIP limit, health (last heartbeat) and load: open tasks assigned and utilization.",
  toolset: 'agents',
  effect: 'read',
  input: z.object({ workspace: s.workspace }),
  output: z.object({
    services: z.array(serviceOut),
  }),
  async handler(input, { deps }) {
    await requireWorkspace(deps.store.reader, input.workspace);
    const { config } = await deps.config.effective(input.workspace);
    const services = await listAgentServices(deps.store.reader, input.workspace, config, deps.clock.now());
    return {
      data: { services },
      summary: `${services.length} agent service(s), ${services.filter((x) => x.available).length} available`,
      lines: services.map(
        (x) =>
          `${x.id}: ${x.openTasks}/${x.maxConcurrentTasks} open task(s)${x.healthy ? (x.available ? '' : ' (full)') : ' (unavailable)'}; ${x.capabilities.join(', ')}`,
      ),
    };
  },
});
