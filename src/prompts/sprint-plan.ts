import { DomainError } from '../governance/errors.js';
import {
  isOpen,
  OPEN_STATUSES,
  PRIORITIES,
  type ItemLink,
  type WorkItem,
} from '../governance/model/work-item.js';
import type { StoreReader } from '../governance/ports/store.js';
import { listMilestones } from '../governance/use-cases/list-milestones.js';
import { treePage } from '../governance/use-cases/read-items.js';
import { definePrompt } from '../mcp/define-prompt.js';
import { completeAgents, completeMilestone } from '../resources/complete.js';
import { treeUri } from '../resources/uris.js';
import {
  ask,
  badArgument,
  cap,
  jsonData,
  optional,
  truncationNote,
  workspaceArgs,
  workspaceOf,
} from './render.js';

export const SPRINT_TASK_CAP = 150;
export const SPRINT_MILESTONE_CAP = 50;

async function resolveMilestone(r: StoreReader, workspace: string, ref: string) {
  const m = (await r.getMilestone(workspace, ref)) ?? (await r.findMilestoneByTitle(workspace, ref));
  if (m) return m;
  throw new DomainError(
    'MILESTONE.NOT_FOUND',
    `No milestone "${ref.slice(0, 100)}" in ${workspace}`,
    'Pass a milestone id or title from list_milestones (argument completion offers them).',
  );
}

/** Open blockers before what they block; otherwise by priority, then tree order. Links never form cycles. */
function blockersFirst(tasks: readonly WorkItem[], links: readonly ItemLink[]): WorkItem[] {
  const rank = (t: WorkItem) => PRIORITIES.indexOf(t.priority);
  const waiting = new Map(tasks.map((t) => [t.id, 0]));
  for (const l of links)
    if (waiting.has(l.blockerId)) waiting.set(l.blockedId, waiting.get(l.blockedId)! + 1);
  const out: WorkItem[] = [];
  const left = [...tasks];
  while (left.length > 0) {
    const ready = left.filter((t) => waiting.get(t.id) === 0);
    // A cycle cannot be stored; should one appear anyway, emit the rest rather than loop forever.
    const next = (ready.length ? ready : left).reduce((a, b) => (rank(b) < rank(a) ? b : a));
    out.push(next);
    left.splice(left.indexOf(next), 1);
    waiting.delete(next.id);
    for (const l of links)
      if (l.blockerId === next.id && waiting.has(l.blockedId))
        waiting.set(l.blockedId, waiting.get(l.blockedId)! - 1);
  }
  return out;
}

export const sprintPlanPrompt = definePrompt({
  name: 'sprint_plan',
  title: 'Sprint plan',
  description:
    'Plan a sprint towards a milestone from the open tasks, their dependencies and estimates, and the agent services.',
  args: {
    ...workspaceArgs,
    milestone: {
      description: 'Target milestone id or title, e.g. M-1',
      required: true,
      complete: completeMilestone,
    },
    capacity: { description: 'Capacity of the sprint, e.g. "10 days"' },
    agents: {
      description: 'Agent services to plan for, comma-separated, e.g. "agent:dev,agent:qa"',
      complete: completeAgents,
    },
  },
  async render(deps, args) {
    const workspace = workspaceOf(args);
    const r = deps.store.reader;
    const target = await resolveMilestone(r, workspace, (args.milestone ?? '').trim());
    const { config } = await deps.config.effective(workspace);
    const known = Object.keys(config.agents);
    const picked =
      optional(args.agents)
        ?.split(',')
        .map((a) => a.trim())
        .filter(Boolean) ?? known;
    const unknown = picked.filter((a) => !known.includes(a));
    if (unknown.length > 0) {
      throw badArgument(
        'agents',
        `unknown agent service ${unknown.join(', ')}`,
        `Use agent services of the configuration: ${known.join(', ')}.`,
      );
    }
    const capacity = optional(args.capacity);
    const page = await treePage(r, {
      workspace,
      types: ['task'],
      statuses: [...OPEN_STATUSES],
      limit: SPRINT_TASK_CAP,
    });
    const open = new Map(page.items.map((t) => [t.id, t]));
    const links = (await r.listLinks(workspace)).filter((l) => open.has(l.blockedId));
    // A blocker outside the page may be done or cancelled (no longer blocking), a feature, or past the cap.
    const outside = [...new Set(links.map((l) => l.blockerId).filter((id) => !open.has(id)))];
    const statusOf = new Map((await r.getItems(workspace, outside)).map((i) => [i.id, i.status]));
    const blocking = links.filter(
      (l) => open.has(l.blockerId) || isOpen(statusOf.get(l.blockerId) ?? 'done'),
    );
    const tasks = blockersFirst(page.items, blocking).map((t) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      statusReason: t.statusReason,
      priority: t.priority,
      estimateDays: t.estimateDays,
      agent: t.agent,
      milestoneId: t.milestoneId,
      parentId: t.parentId,
      dependsOn: blocking.filter((l) => l.blockedId === t.id).map((l) => l.blockerId),
      version: t.version,
    }));
    const milestones = cap(await listMilestones(deps, workspace, 'open'), SPRINT_MILESTONE_CAP);
    const agents = picked.map((id) => {
      const a = config.agents[id]!;
      const active = page.items.filter(
        (t) => t.agent === id && (t.status === 'in_progress' || t.status === 'review'),
      );
      return {
        id,
        capabilities: a.capabilities,
        specializations: a.specializations,
        maxConcurrentTasks: a.maxConcurrentTasks,
        activeTasks: active.length,
      };
    });
    const text =
      `Plan a sprint in ${workspace} towards milestone ${target.title} (${target.id}${target.dueOn ? `, due ${target.dueOn}` : ''})` +
      `${capacity ? ` with a capacity of ${capacity}` : ''} for ${picked.join(', ')}. Open tasks are listed blockers first. ` +
      'Respect dependencies (no task before its open blockers; dependsOn lists them), the capacity (sum of ' +
      "estimateDays; estimate unestimated tasks first), each agent service's maxConcurrentTasks (activeTasks " +
      'already count) and capabilities; prefer higher priority and work already in the milestone. Give the ' +
      'sprint backlog (task, agent, estimate, why), what stays out and why, then the tool calls to make: ' +
      `update_item {workspace, id, expectedVersion, milestoneId: "${target.id}", agent, estimateDays} and ` +
      'set_item_status {workspace, id, status: "in_progress"} for what starts now; use the versions in the ' +
      `data. List the calls; do not make them.${truncationNote({ tasks: { truncated: page.nextCursor !== null }, milestones })}`;
    return [
      ask(text),
      jsonData(treeUri(workspace), {
        workspace,
        milestone: { id: target.id, title: target.title, dueOn: target.dueOn, state: target.state },
        capacity: capacity ?? null,
        tasks,
        tasksTruncated: page.nextCursor !== null,
        milestones: milestones.items.map((m) => ({
          id: m.id,
          title: m.title,
          dueOn: m.dueOn,
          overdue: m.overdue,
          completion: m.completion,
        })),
        agents,
      }),
    ];
  },
});
