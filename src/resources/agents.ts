import { assertWorkspace } from '../governance/model/workspace.js';
import { listAgentServices } from '../governance/use-cases/assignment.js';
import { defineResource } from '../mcp/define-resource.js';
import { listPerWorkspace, workspaceCompletion } from './complete.js';
import { agentsUri, workspaceOf } from './uris.js';

/** Events after which a service's load or the registry may read differently. */
const CHANGES = new Set([
  'issue.created',
  'issue.updated',
  'issue.status_changed',
  'config.updated',
  'agent.registered',
]);

export const agentsResource = defineResource({
  name: 'agents',
  title: 'Agent services',
  description:
    "A workspace's agent services (the policy's agents and registered ones) with capabilities, WIP limit, health (last heartbeat) and load: open tasks assigned, utilization, whether one is available.",
  uriTemplate: 'governance://{owner}/{repo}/agents',
  list: listPerWorkspace(agentsUri, 'agents', (w) => `Agent services of ${w}`),
  complete: workspaceCompletion,
  async read(deps, vars) {
    const workspace = assertWorkspace(workspaceOf(vars));
    const { config } = await deps.config.effective(workspace);
    return {
      workspace,
      services: await listAgentServices(deps.store.reader, workspace, config, deps.clock.now()),
    };
  },
  affected: (e) => (CHANGES.has(e.type) ? [agentsUri(e.workspace)] : []),
});
