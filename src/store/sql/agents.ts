import type { Kysely } from 'kysely';
import type { AgentRegistration } from '../../governance/ports/store-agents.js';
import type { AgentRegistryTable, Database } from './schema.js';

const toRow = (a: AgentRegistration): AgentRegistryTable => ({
  workspace: a.workspace,
  id: a.id,
  capabilities: JSON.stringify(a.capabilities),
  specializations: JSON.stringify(a.specializations),
  assignment_priority: a.assignmentPriority,
  max_concurrent_tasks: a.maxConcurrentTasks,
  escalate_after_days_overdue: a.escalateAfterDaysOverdue,
  fallback_assignee: a.fallbackAssignee,
  heartbeat_timeout_minutes: a.heartbeatTimeoutMinutes,
  registered_at: a.registeredAt,
  last_heartbeat_at: a.lastHeartbeatAt,
  version: a.version,
});

const fromRow = (r: AgentRegistryTable): AgentRegistration => ({
  workspace: r.workspace,
  id: r.id,
  capabilities: JSON.parse(r.capabilities) as string[],
  specializations: JSON.parse(r.specializations) as string[],
  assignmentPriority: Number(r.assignment_priority),
  maxConcurrentTasks: Number(r.max_concurrent_tasks),
  escalateAfterDaysOverdue: Number(r.escalate_after_days_overdue),
  fallbackAssignee: r.fallback_assignee,
  heartbeatTimeoutMinutes: r.heartbeat_timeout_minutes === null ? null : Number(r.heartbeat_timeout_minutes),
  registeredAt: r.registered_at,
  lastHeartbeatAt: r.last_heartbeat_at,
  version: Number(r.version),
});

export async function agentRegistrations(
  db: Kysely<Database>,
  workspace: string,
): Promise<AgentRegistration[]> {
  const rows = await db
    .selectFrom('agent_registry')
    .selectAll()
    .where('workspace', '=', workspace)
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

export async function putAgentRegistration(db: Kysely<Database>, a: AgentRegistration): Promise<void> {
  const { workspace, id, ...rest } = toRow(a);
  await db
    .insertInto('agent_registry')
    .values({ workspace, id, ...rest })
    .onConflict((oc) => oc.columns(['workspace', 'id']).doUpdateSet(rest))
    .execute();
}
