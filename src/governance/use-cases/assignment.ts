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
import { OPEN_STATUSES, type WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreReader, StoreTx } from '../ports/store.js';
import { assertKnownAgent } from './agents.js';
import { requireItem } from './lookups.js';
import { updateItemAt } from './store-writes.js';
import { assertItemVersion } from './version-conflict.js';
import { runWrite, type WriteScope } from './write-scope.js';

export interface AgentService {
  id: string;
  capabilities: string[];
  specializations: string[];
  assignmentPriority: number;
  maxConcurrentTasks: number;
  escalateAfterDaysOverdue: number;
  githubAssignee: string | null;
  /** Open tasks assigned to it. */
  openTasks: number;
  /** openTasks / maxConcurrentTasks. */
  utilization: number;
  /** Below its WIP limit. */
  available: boolean;
}

export interface Candidate {
  agent: string;
  capabilities: string[];
  specializations: string[];
  utilization: number;
  assignmentPriority: number;
  /** Why it was passed over (null for the one chosen or a runner-up). */
  excluded: 'no-capability' | 'wip-limit' | null;
}

export type AssignmentRule = 'explicit' | 'capability' | 'none-capable' | 'all-full';

export interface Decision {
  itemId: string;
  agent: string | null;
  rule: AssignmentRule;
  reason: string;
  candidates: Candidate[];
}

const PAGE = 500;

type Reader = Pick<StoreReader, 'treePage'>;

/** Open tasks per agent of the workspace. */
async function openTaskCounts(r: Reader, workspace: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let after: string | undefined; ;) {
    const page = await r.treePage(workspace, {
      types: ['task'],
      statuses: [...OPEN_STATUSES],
      limit: PAGE,
      ...(after !== undefined && { afterPath: after }),
    });
    for (const t of page) if (t.agent) counts.set(t.agent, (counts.get(t.agent) ?? 0) + 1);
    if (page.length < PAGE) return counts;
    after = page.at(-1)!.path;
  }
}

function service(id: string, a: AgentConfig, open: number): AgentService {
  return {
    id,
    capabilities: [...a.capabilities],
    specializations: [...a.specializations],
    assignmentPriority: a.assignmentPriority,
    maxConcurrentTasks: a.maxConcurrentTasks,
    escalateAfterDaysOverdue: a.escalateAfterDaysOverdue,
    githubAssignee: a.githubAssignee ?? null,
    openTasks: open,
    utilization: open / a.maxConcurrentTasks,
    available: open < a.maxConcurrentTasks,
  };
}

/** The workspace's agent services with their load. */
export async function listAgentServices(
  r: Reader,
  workspace: string,
  config: Pick<GovernanceConfig, 'agents'>,
): Promise<AgentService[]> {
  const counts = await openTaskCounts(r, workspace);
  return Object.entries(config.agents).map(([id, a]) => service(id, a, counts.get(id) ?? 0));
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
      excluded: capabilities.length === 0 ? 'no-capability' : s.available ? null : 'wip-limit',
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
  const capable = candidates.filter((c) => c.excluded === 'wip-limit');
  return {
    itemId: item.id,
    agent: null,
    rule: capable.length > 0 ? 'all-full' : 'none-capable',
    reason:
      capable.length > 0
        ? `every service with the capability is at its WIP limit: ${capable.map((c) => c.agent).join(', ')}`
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
function wipFull(s: AgentService): DomainError {
  return new DomainError(
    'AGENT.WIP_LIMIT',
    `${s.id} already has ${s.openTasks} open task(s), its limit of ${s.maxConcurrentTasks}`,
    'Assign another service (auto_assign picks one with capacity), finish or reassign one of its tasks, or raise agents.<id>.maxConcurrentTasks with update_config.',
    { agent: s.id, openTasks: s.openTasks, maxConcurrentTasks: s.maxConcurrentTasks },
  );
}

function noneAvailable(d: Decision): DomainError {
  return new DomainError(
    'AGENT.NONE_AVAILABLE',
    `No agent service can take ${d.itemId}: ${d.reason}`,
    d.rule === 'all-full'
      ? 'Wait for a service to finish work, assign one explicitly once it has capacity, or raise its maxConcurrentTasks.'
      : "Name the capability in the item's text or labels, add it to a service's capabilities with update_config, or assign a service explicitly.",
    { rule: d.rule, candidates: d.candidates.slice(0, 10) },
  );
}

/** Stores the decided agent on the item, audited as `item.assigned` with the rule and reason. */
async function writeAssignment(s: WriteScope, before: WorkItem, d: Decision): Promise<WorkItem> {
  const next: WorkItem = { ...before, agent: d.agent, updatedAt: s.now, version: before.version + 1 };
  await updateItemAt(s.tx, next, before.version);
  await s.audit({
    entityType: 'item',
    entityId: next.id,
    action: 'item.assigned',
    diff: { agent: { old: before.agent, new: next.agent } },
    reason: `${d.rule}: ${d.reason}`.slice(0, 1000),
  });
  await s.emit('issue.updated', { id: next.id, changed: ['agent'] });
  return next;
}

/** Assigns one task (or feature or epic) to a service, explicitly or by capability and load. */
export async function assignItem(
  deps: CoreDeps,
  caller: Caller,
  config: Pick<GovernanceConfig, 'agents'>,
  cmd: AssignCommand,
): Promise<AssignResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const before = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, before, cmd.expectedVersion);
    const services = await listAgentServices(s.tx, s.workspace, config);
    // Its own current assignment does not count against the service it stays with.
    const load = services.map((x) =>
      x.id === before.agent && before.type === 'task'
        ? service(x.id, config.agents[x.id]!, Math.max(0, x.openTasks - 1))
        : x,
    );
    let decision: Decision;
    if (cmd.agent !== undefined) {
      await assertKnownAgent(s.tx, s.workspace, deps, cmd.agent);
      const chosen = load.find((x) => x.id === cmd.agent)!;
      if (before.type === 'task' && !chosen.available && before.agent !== cmd.agent) throw wipFull(chosen);
      decision = {
        itemId: before.id,
        agent: cmd.agent,
        rule: 'explicit',
        reason: `${cmd.agent} named by the caller`,
        candidates: [],
      };
    } else {
      decision = decide(before, load);
      if (decision.agent === null) throw noneAvailable(decision);
    }
    if (decision.agent === before.agent) return { item: before, decision, changed: false };
    return { item: await writeAssignment(s, before, decision), decision, changed: true };
  });
}

export interface AutoAssignCommand {
  workspace: string;
  /** The feature, epic (or task) whose open, unassigned tasks are assigned. */
  rootId: string;
  dryRun: boolean;
}

export interface AutoAssignResult {
  dryRun: boolean;
  decisions: Decision[];
  assigned: number;
  unassigned: number;
}

/**
 * Assigns every open, unassigned task under an item, loads counted as the assignments accumulate,
 * in one transaction. A dry run (the default) only decides.
 */
export async function autoAssign(
  deps: CoreDeps,
  caller: Caller,
  config: Pick<GovernanceConfig, 'agents'>,
  cmd: AutoAssignCommand,
): Promise<AutoAssignResult> {
  const plan = async (r: StoreTx | StoreReader) => {
    await requireItem(r, cmd.workspace, cmd.rootId);
    let services = await listAgentServices(r, cmd.workspace, config);
    const tasks: WorkItem[] = [];
    for (let after: string | undefined; ;) {
      const page = await r.treePage(cmd.workspace, {
        rootId: cmd.rootId,
        types: ['task'],
        statuses: [...OPEN_STATUSES],
        limit: PAGE,
        ...(after !== undefined && { afterPath: after }),
      });
      tasks.push(...page.filter((t) => t.agent === null));
      if (page.length < PAGE) break;
      after = page.at(-1)!.path;
    }
    const decisions: Decision[] = [];
    for (const t of tasks) {
      const d = decide(t, services);
      decisions.push(d);
      if (d.agent !== null) {
        services = services.map((x) =>
          x.id === d.agent ? service(x.id, config.agents[x.id]!, x.openTasks + 1) : x,
        );
      }
    }
    return { tasks, decisions };
  };
  const summary = (decisions: Decision[]): AutoAssignResult => ({
    dryRun: cmd.dryRun,
    decisions,
    assigned: decisions.filter((d) => d.agent !== null).length,
    unassigned: decisions.filter((d) => d.agent === null).length,
  });
  if (cmd.dryRun) return summary((await plan(deps.store.reader)).decisions);
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const { tasks, decisions } = await plan(s.tx);
    for (const [k, d] of decisions.entries()) if (d.agent !== null) await writeAssignment(s, tasks[k]!, d);
    return summary(decisions);
  });
}
