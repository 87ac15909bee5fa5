/**
 * register_agent_service: a service registers itself (or is registered) at run time, over its
 * policy entry if it has one. Calling again with the same values is a heartbeat: it refreshes
 * lastHeartbeatAt and is stored but not audited (a heartbeat every minute would flood the
 * chain); a first registration or any changed value is audited as `agent.registered`.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError } from '../errors.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { AgentRegistration } from '../ports/store.js';
import { mergeRegistry, type AgentService } from './assignment.js';
import { diffFields, runWrite } from './write-scope.js';

export interface RegisterAgentCommand {
  workspace: string;
  id: string;
  capabilities?: string[];
  specializations?: string[];
  assignmentPriority?: number;
  maxConcurrentTasks?: number;
  escalateAfterDaysOverdue?: number;
  fallbackAssignee?: string | null;
  heartbeatTimeoutMinutes?: number | null;
}

export interface RegisterAgentResult {
  service: AgentService;
  /** `registered`: new; `updated`: values changed; `heartbeat`: only the heartbeat refreshed. */
  outcome: 'registered' | 'updated' | 'heartbeat';
}

const FIELDS = [
  'capabilities',
  'specializations',
  'assignmentPriority',
  'maxConcurrentTasks',
  'escalateAfterDaysOverdue',
  'fallbackAssignee',
  'heartbeatTimeoutMinutes',
] as const satisfies readonly (keyof AgentRegistration)[];

/** Values of a service neither the policy nor an earlier registration gives. */
const DEFAULTS = { assignmentPriority: 50, maxConcurrentTasks: 3, escalateAfterDaysOverdue: 2 };

export async function registerAgentService(
  deps: CoreDeps,
  caller: Caller,
  config: Pick<GovernanceConfig, 'agents'>,
  cmd: RegisterAgentCommand,
): Promise<RegisterAgentResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const all = await s.tx.agentRegistrations(s.workspace);
    const before = all.find((r) => r.id === cmd.id);
    const policy = config.agents[cmd.id];
    const capabilities = cmd.capabilities ?? before?.capabilities ?? policy?.capabilities;
    if (!capabilities || capabilities.length === 0) {
      throw new DomainError(
        'INPUT.INVALID',
        `${cmd.id} is a new agent service and names no capabilities`,
        'Pass capabilities (what work it takes, e.g. ["implementation", "testing"]); assignment matches them against the items.',
        { agent: cmd.id },
      );
    }
    const pick = <K extends keyof typeof DEFAULTS>(k: K): number =>
      cmd[k] ?? before?.[k] ?? policy?.[k] ?? DEFAULTS[k];
    const next: AgentRegistration = {
      workspace: s.workspace,
      id: cmd.id,
      capabilities: [...new Set(capabilities)],
      specializations: [
        ...new Set(cmd.specializations ?? before?.specializations ?? policy?.specializations ?? []),
      ],
      assignmentPriority: pick('assignmentPriority'),
      maxConcurrentTasks: pick('maxConcurrentTasks'),
      escalateAfterDaysOverdue: pick('escalateAfterDaysOverdue'),
      fallbackAssignee:
        cmd.fallbackAssignee !== undefined
          ? cmd.fallbackAssignee
          : (before?.fallbackAssignee ?? policy?.fallbackAssignee ?? null),
      heartbeatTimeoutMinutes:
        cmd.heartbeatTimeoutMinutes !== undefined
          ? cmd.heartbeatTimeoutMinutes
          : (before?.heartbeatTimeoutMinutes ?? policy?.heartbeatTimeoutMinutes ?? null),
      registeredAt: before?.registeredAt ?? s.now,
      lastHeartbeatAt: s.now,
      version: (before?.version ?? 0) + 1,
    };
    const diff = diffFields(before ?? null, next, FIELDS);
    const outcome = !before ? 'registered' : Object.keys(diff).length > 0 ? 'updated' : 'heartbeat';
    await s.tx.putAgentRegistration(next);
    if (outcome !== 'heartbeat') {
      await s.audit({
        entityType: 'agent',
        entityId: cmd.id,
        action: 'agent.registered',
        diff,
        reason: outcome === 'registered' ? `${cmd.id} registered` : `${cmd.id} registration updated`,
      });
      await s.emit('agent.registered', { id: cmd.id, version: next.version });
    }
    const others = all.filter((r) => r.id !== cmd.id);
    const service = mergeRegistry(config.agents, [...others, next], s.now).find((x) => x.id === cmd.id)!;
    return { service, outcome };
  });
}

/** The label colour of a registered service the policy gives no label. */
export const REGISTERED_AGENT_LABEL_COLOR = '7057ff';

/**
 * `labels` with a label for every registered service the policy has none for (its id as the
 * name, REGISTERED_AGENT_LABEL_COLOR), so a synced assignment to it carries its `agent:*` label.
 */
export function withRegisteredLabels<T extends Pick<GovernanceConfig, 'labels'>>(
  config: T,
  registered: readonly Pick<AgentRegistration, 'id'>[],
): T {
  const missing = registered.filter((r) => !config.labels.agent[r.id]);
  if (missing.length === 0) return config;
  const agent = { ...config.labels.agent };
  for (const r of missing)
    agent[r.id] = {
      name: r.id,
      color: REGISTERED_AGENT_LABEL_COLOR,
      description: 'Agent service (registered)',
    };
  return { ...config, labels: { ...config.labels, agent } };
}
