/**
 * Agent services and assignment. The services are the policy's agents, each with its load: the
 * open tasks assigned to it against its WIP limit (`maxConcurrentTasks`). An automatic assignment
 * keeps the services whose capabilities the task's text, labels and type name, drops those at their
 * limit, and ranks the rest by utilization, then specialization matches, then assignment priority;
 * when none fits it says why and assigns nobody. Every assignment is audited as `item.assigned`
 * with the rule that decided and the candidates it weighed.
 */
import type { AgentConfig, GovernanceConfig } from '../config/schema.js';
import { DomainError } from '../errors.js';
import { isOpen, OPEN_STATUSES, type WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { AgentProfile, AgentRegistration, StoreReader, StoreTx } from '../ports/store.js';
import { assertKnownAgent } from './agents.js';
import { requireItem, requireMilestone } from './lookups.js';
import { allItems } from './read-items.js';
import { updateItemAt } from './store-writes.js';
import { assertItemVersion } from './version-conflict.js';
import { runWrite, type WriteScope } from './write-scope.js';

export interface AgentService extends AgentProfile {
  githubAssignee: string | null;
  /** Registered at run time (register_agent_service), else only in the policy. */
  registered: boolean;
  lastHeartbeatAt: string | null;
  /** No heartbeat window, or a heartbeat within it. */
  healthy: boolean;
  /** Open tasks assigned to it. */
  openTasks: number;
  /** openTasks / maxConcurrentTasks. */
  utilization: number;
  /** Healthy and below its WIP limit. */
  available: boolean;
}

export interface Candidate {
  agent: string;
  capabilities: string[];
  specializations: string[];
  utilization: number;
  assignmentPriority: number;
  /** Why it was passed over (null for the one chosen or a runner-up). */
  excluded: 'no-capability' | 'unhealthy' | 'wip-limit' | null;
}

export type AssignmentRule = 'explicit' | 'capability' | 'fallback' | 'none-capable' | 'all-full';

export interface Decision {
  itemId: string;
  agent: string | null;
  /** The human fallback (GitHub login) when no service could take it (rule `fallback`). */
  assignee: string | null;
  rule: AssignmentRule;
  reason: string;
  candidates: Candidate[];
}

type FallbackConfig = Pick<GovernanceConfig, 'agents'> & {
  rules?: { fallbackAssignee?: string | undefined };
};

/**
 * A decision that found no service, turned into one for the human fallback: that of the best
 * capable (full or unavailable) service, else the workspace's `rules.fallbackAssignee`; unchanged
 * when there is none.
 */
export function withFallback(
  d: Decision,
  services: readonly AgentService[],
  config: FallbackConfig,
): Decision {
  if (d.agent !== null || d.assignee !== null) return d;
  const byId = new Map(services.map((x) => [x.id, x]));
  const from = d.candidates
    .filter((c) => c.excluded !== 'no-capability')
    .map((c) => byId.get(c.agent))
    .find((x) => x?.fallbackAssignee);
  const login = from?.fallbackAssignee ?? config.rules?.fallbackAssignee ?? null;
  if (login === null) return d;
  return {
    ...d,
    assignee: login,
    rule: 'fallback',
    reason: `${d.reason}; falls back to ${login} (${from ? `fallbackAssignee of ${from.id}` : 'rules.fallbackAssignee'})`,
  };
}

type Reader = Pick<StoreReader, 'treePage' | 'agentRegistrations'>;

/** Open tasks per agent among `items` (other items are not counted). */
function openTaskCounts(items: readonly WorkItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of items)
    if (t.type === 'task' && t.agent && isOpen(t.status)) counts.set(t.agent, (counts.get(t.agent) ?? 0) + 1);
  return counts;
}

const OPEN_TASKS = { types: ['task' as const], statuses: [...OPEN_STATUSES] };

/** `s` with `open` open tasks. */
export const withOpen = (s: AgentService, open: number): AgentService => ({
  ...s,
  openTasks: open,
  utilization: open / s.maxConcurrentTasks,
  available: s.healthy && open < s.maxConcurrentTasks,
});

/** Whether a service with this window and last heartbeat is alive at `now`. */
export function isHealthy(
  timeoutMinutes: number | null,
  lastHeartbeatAt: string | null,
  now: string,
): boolean {
  if (timeoutMinutes === null) return true;
  if (lastHeartbeatAt === null) return false;
  return Date.parse(now) - Date.parse(lastHeartbeatAt) <= timeoutMinutes * 60_000;
}

/**
 * The registry: the policy's agents merged with the registered ones (registered values win), each
 * with its health at `now` and no load yet.
 */
export function mergeRegistry(
  agents: GovernanceConfig['agents'],
  registered: readonly AgentRegistration[],
  now: string,
): AgentService[] {
  const byId = new Map(registered.map((r) => [r.id, r]));
  const ids = [...new Set([...Object.keys(agents), ...byId.keys()])];
  return ids.map((id) => {
    const a: AgentConfig | undefined = agents[id];
    const r = byId.get(id);
    const timeout = r ? r.heartbeatTimeoutMinutes : (a?.heartbeatTimeoutMinutes ?? null);
    const last = r?.lastHeartbeatAt ?? null;
    const base: AgentService = {
      id,
      capabilities: [...(r?.capabilities ?? a?.capabilities ?? [])],
      specializations: [...(r?.specializations ?? a?.specializations ?? [])],
      assignmentPriority: r?.assignmentPriority ?? a!.assignmentPriority,
      maxConcurrentTasks: r?.maxConcurrentTasks ?? a!.maxConcurrentTasks,
      escalateAfterDaysOverdue: r?.escalateAfterDaysOverdue ?? a!.escalateAfterDaysOverdue,
      githubAssignee: a?.githubAssignee ?? null,
      fallbackAssignee: r?.fallbackAssignee ?? a?.fallbackAssignee ?? null,
      registered: r !== undefined,
      heartbeatTimeoutMinutes: timeout,
      lastHeartbeatAt: last,
      healthy: isHealthy(timeout, last, now),
      openTasks: 0,
      utilization: 0,
      available: false,
    };
    return withOpen(base, 0);
  });
}

/**
 * The workspace's agent services (policy and registered) with their health at `now` and load,
 * counted from `items` when the caller already read them (every item of the workspace).
 */
export async function listAgentServices(
  r: Reader,
  workspace: string,
  config: Pick<GovernanceConfig, 'agents'>,
  now: string,
  items?: readonly WorkItem[],
): Promise<AgentService[]> {
  const [open, registered] = await Promise.all([
    items ?? allItems(r, workspace, OPEN_TASKS),
    r.agentRegistrations(workspace),
  ]);
  const counts = openTaskCounts(open);
  return mergeRegistry(config.agents, registered, now).map((x) => withOpen(x, counts.get(x.id) ?? 0));
}

const words = (s: string) =>
  ` ${s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;

/**
 * The phrases of `list` the text names: each word of the phrase begins a word of the text, on its
 * first four letters for a longer word (`testing` is named by "Test refunds", `implementation` by
 * "implement").
 */
function named(text: string, list: readonly string[]): string[] {
  return list.filter((p) => {
    const ws = words(p).trim().split(' ').filter(Boolean);
    return ws.length > 0 && ws.every((w) => text.includes(` ${w.length > 4 ? w.slice(0, 4) : w}`));
  });
}

/** Whom an automatic assignment picks for `item`, given the services' loads (updated by the caller). */
export function decide(item: WorkItem, services: readonly AgentService[]): Decision {
  const text = words(`${item.type} ${item.title} ${item.description} ${item.labels.join(' ')}`);
  const candidates: Candidate[] = services.map((s) => {
    const capabilities = named(text, s.capabilities);
    return {
      agent: s.id,
      capabilities,
      specializations: named(text, s.specializations),
      utilization: s.utilization,
      assignmentPriority: s.assignmentPriority,
      excluded:
        capabilities.length === 0
          ? 'no-capability'
          : !s.healthy
            ? 'unhealthy'
            : s.available
              ? null
              : 'wip-limit',
    };
  });
  const eligible = candidates
    .filter((c) => c.excluded === null)
    .sort(
      (a, b) =>
        a.utilization - b.utilization ||
        b.specializations.length - a.specializations.length ||
        b.assignmentPriority - a.assignmentPriority ||
        b.capabilities.length - a.capabilities.length ||
        (a.agent < b.agent ? -1 : 1),
    );
  const order = [...eligible, ...candidates.filter((c) => c.excluded !== null)];
  const best = eligible[0];
  if (best) {
    return {
      itemId: item.id,
      agent: best.agent,
      assignee: null,
      rule: 'capability',
      reason:
        `${best.agent}: names ${best.capabilities.join(', ')}` +
        (best.specializations.length ? `, specialized in ${best.specializations.join(', ')}` : '') +
        `; ${Math.round(best.utilization * 100)}% utilized` +
        (eligible.length > 1
          ? ` (ranked over ${eligible
              .slice(1)
              .map((c) => c.agent)
              .join(', ')})`
          : ''),
      candidates: order,
    };
  }
  const capable = candidates.filter((c) => c.excluded === 'wip-limit' || c.excluded === 'unhealthy');
  return {
    itemId: item.id,
    agent: null,
    assignee: null,
    rule: capable.length > 0 ? 'all-full' : 'none-capable',
    reason:
      capable.length > 0
        ? `every service with the capability is at its WIP limit or unavailable: ${capable.map((c) => `${c.agent} (${c.excluded})`).join(', ')}`
        : 'no agent service has a capability this item names',
    candidates: order,
  };
}

export interface AssignCommand {
  workspace: string;
  id: string;
  /** The service to assign; absent: chosen by capability and load. */
  agent?: string;
  expectedVersion?: number;
}

export interface AssignResult {
  item: WorkItem;
  decision: Decision;
  changed: boolean;
}

/** A WIP-limit refusal for an explicit assignment. */
export function wipFull(s: AgentService): DomainError {
  return new DomainError(
    'AGENT.WIP_LIMIT',
    `${s.id} already has ${s.openTasks} open task(s), its limit of ${s.maxConcurrentTasks}`,
    'Assign another service (auto_assign picks one with capacity), finish or reassign one of its tasks, or raise agents.<id>.maxConcurrentTasks with update_config.',
    { agent: s.id, openTasks: s.openTasks, maxConcurrentTasks: s.maxConcurrentTasks },
  );
}

export function unavailable(s: AgentService): DomainError {
  return new DomainError(
    'AGENT.UNAVAILABLE',
    `${s.id} sent no heartbeat within its ${s.heartbeatTimeoutMinutes} minute window`,
    'Assign another service (auto_assign skips unavailable ones), or have the service call register_agent_service to send a heartbeat.',
    { agent: s.id, lastHeartbeatAt: s.lastHeartbeatAt, heartbeatTimeoutMinutes: s.heartbeatTimeoutMinutes },
  );
}

export function noneAvailable(d: Decision): DomainError {
  return new DomainError(
    'AGENT.NONE_AVAILABLE',
    `No agent service can take ${d.itemId}: ${d.reason}`,
    d.rule === 'all-full'
      ? 'Wait for a service to finish work, assign one explicitly once it has capacity, raise its maxConcurrentTasks, or set a fallbackAssignee (per service or rules.fallbackAssignee).'
      : "Name the capability in the item's text or labels, add it to a service's capabilities with update_config, or assign a service explicitly.",
    { rule: d.rule, candidates: d.candidates.slice(0, 10) },
  );
}

/**
 * Stores who holds the item (a service, a human, or both), audited as `action` with the reason,
 * and announced as an item update.
 */
export async function writeHolder(
  s: WriteScope,
  before: WorkItem,
  holder: { agent: string | null; assignee: string | null },
  action: 'item.assigned' | 'item.escalated',
  reason: string,
): Promise<WorkItem> {
  const next: WorkItem = { ...before, ...holder, updatedAt: s.now, version: before.version + 1 };
  await updateItemAt(s.tx, next, before.version);
  const diff: Record<string, { old: unknown; new: unknown }> = {};
  if (before.agent !== next.agent) diff.agent = { old: before.agent, new: next.agent };
  if ((before.assignee ?? null) !== next.assignee)
    diff.assignee = { old: before.assignee ?? null, new: next.assignee };
  await s.audit({ entityType: 'item', entityId: next.id, action, diff, reason: reason.slice(0, 1000) });
  await s.emit('issue.updated', { id: next.id, changed: Object.keys(diff) });
  return next;
}

/**
 * Stores the decided agent (or human fallback) on the item, audited as `item.assigned` with the
 * rule and reason. An agent assignment clears a human fallback; a fallback leaves the agent unset.
 */
const writeAssignment = (s: WriteScope, before: WorkItem, d: Decision): Promise<WorkItem> =>
  writeHolder(s, before, { agent: d.agent, assignee: d.assignee }, 'item.assigned', `${d.rule}: ${d.reason}`);

/** Assigns one task (or feature or epic) to a service, explicitly or by capability and load. */
export async function assignItem(
  deps: CoreDeps,
  caller: Caller,
  config: FallbackConfig,
  cmd: AssignCommand,
): Promise<AssignResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const before = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, before, cmd.expectedVersion);
    const services = await listAgentServices(s.tx, s.workspace, config, s.now);
    // Its own current assignment does not count against the service it stays with.
    const load = services.map((x) =>
      x.id === before.agent && before.type === 'task' ? withOpen(x, Math.max(0, x.openTasks - 1)) : x,
    );
    let decision: Decision;
    if (cmd.agent !== undefined) {
      await assertKnownAgent(s.tx, s.workspace, deps, cmd.agent);
      const chosen = load.find((x) => x.id === cmd.agent)!;
      if (!chosen.healthy && before.agent !== cmd.agent) throw unavailable(chosen);
      if (before.type === 'task' && !chosen.available && before.agent !== cmd.agent) throw wipFull(chosen);
      decision = {
        itemId: before.id,
        agent: cmd.agent,
        assignee: null,
        rule: 'explicit',
        reason: `${cmd.agent} named by the caller`,
        candidates: [],
      };
    } else {
      decision = withFallback(decide(before, load), load, config);
      if (decision.agent === null && decision.assignee === null) throw noneAvailable(decision);
    }
    if (decision.agent === before.agent && decision.assignee === (before.assignee ?? null))
      return { item: before, decision, changed: false };
    return { item: await writeAssignment(s, before, decision), decision, changed: true };
  });
}

export interface AutoAssignCommand {
  workspace: string;
  /** The feature, epic (or task) whose open, unassigned tasks are assigned. */
  rootId?: string;
  /** Or the milestone's: tasks in it, their own or inherited from an item above them. */
  milestoneId?: string;
  dryRun: boolean;
}

/** Open tasks in a milestone: the items attached to it and the tasks under them without another one. */
async function openTasksIn(
  r: StoreTx | StoreReader,
  workspace: string,
  milestoneId: string,
): Promise<WorkItem[]> {
  await requireMilestone(r, workspace, milestoneId);
  const roots = await allItems(r, workspace, { milestoneId });
  const seen = new Set<string>();
  const out: WorkItem[] = [];
  for (const root of roots) {
    for (const t of await allItems(r, workspace, { ...OPEN_TASKS, rootId: root.id })) {
      if (seen.has(t.id) || (t.milestoneId !== null && t.milestoneId !== milestoneId)) continue;
      seen.add(t.id);
      out.push(t);
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface AutoAssignResult {
  dryRun: boolean;
  decisions: Decision[];
  assigned: number;
  /** Tasks given to a human fallback. */
  fallback: number;
  unassigned: number;
}

/**
 * Assigns every open, unassigned task under an item, loads counted as the assignments accumulate,
 * in one transaction. A dry run (the default) only decides.
 */
export async function autoAssign(
  deps: CoreDeps,
  caller: Caller,
  config: FallbackConfig,
  cmd: AutoAssignCommand,
): Promise<AutoAssignResult> {
  const plan = async (r: StoreTx | StoreReader, now: string) => {
    if (cmd.rootId !== undefined) await requireItem(r, cmd.workspace, cmd.rootId);
    let services = await listAgentServices(r, cmd.workspace, config, now);
    const open =
      cmd.rootId !== undefined
        ? await allItems(r, cmd.workspace, { ...OPEN_TASKS, rootId: cmd.rootId })
        : await openTasksIn(r, cmd.workspace, cmd.milestoneId!);
    const tasks = open.filter((t) => t.agent === null);
    const decisions: Decision[] = [];
    for (const t of tasks) {
      const d = withFallback(decide(t, services), services, config);
      decisions.push(d);
      if (d.agent !== null) {
        services = services.map((x) => (x.id === d.agent ? withOpen(x, x.openTasks + 1) : x));
      }
    }
    return { tasks, decisions };
  };
  const summary = (decisions: Decision[]): AutoAssignResult => ({
    dryRun: cmd.dryRun,
    decisions,
    assigned: decisions.filter((d) => d.agent !== null).length,
    fallback: decisions.filter((d) => d.assignee !== null).length,
    unassigned: decisions.filter((d) => d.agent === null && d.assignee === null).length,
  });
  if (cmd.dryRun) return summary((await plan(deps.store.reader, deps.clock.now())).decisions);
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const { tasks, decisions } = await plan(s.tx, s.now);
    for (const [k, d] of decisions.entries())
      if (d.agent !== null || d.assignee !== null) await writeAssignment(s, tasks[k]!, d);
    return summary(decisions);
  });
}
