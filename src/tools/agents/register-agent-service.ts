import * as z from 'zod';
import { AGENT_ID_RE } from '../../governance/config/schema.js';
import { registerAgentService } from '../../governance/use-cases/agent-registry.js';
import { requireWorkspace } from '../../governance/use-cases/workspaces.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

const words = z.array(z.string().trim().min(1).max(100)).max(50);
const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/);

export const registerAgentServiceTool = defineTool({
  name: 'register_agent_service',
  title: 'Register an agent service',
  description:
    'Registers an agent service (its values win over the policy) or, called again, sends its heartbeat; with heartbeatTimeoutMinutes it is unavailable after that long without one. Changes are audited.',
  toolset: 'agents',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: z.string().regex(AGENT_ID_RE).describe('agent:<name>'),
    capabilities: words.optional().describe('Required when new'),
    specializations: words.optional(),
    assignmentPriority: z.number().int().min(0).max(100).optional(),
    maxConcurrentTasks: z.number().int().min(1).max(100).optional().describe('WIP limit'),
    escalateAfterDaysOverdue: z.number().int().min(0).max(365).optional(),
    fallbackAssignee: login.nullable().optional().describe('Human fallback login'),
    heartbeatTimeoutMinutes: z
      .number()
      .min(1)
      .max(525_600)
      .nullable()
      .optional()
      .describe('null: never expires'),
  }),
  output: z.object({
    id: z.string(),
    outcome: z.enum(['registered', 'updated', 'heartbeat']),
    healthy: z.boolean(),
    lastHeartbeatAt: z.string().nullable(),
  }),
  async handler(input, { deps, caller }) {
    await requireWorkspace(deps.store.reader, input.workspace);
    const { config } = await deps.config.effective(input.workspace);
    const r = await registerAgentService(deps, caller, config, input);
    return {
      data: {
        id: r.service.id,
        outcome: r.outcome,
        healthy: r.service.healthy,
        lastHeartbeatAt: r.service.lastHeartbeatAt,
      },
      summary: `${r.service.id}: ${r.outcome}${r.service.healthy ? '' : ' (unavailable)'}`,
    };
  },
});
