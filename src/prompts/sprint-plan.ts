import { listMilestones } from '../governance/use-cases/list-milestones.js';
import {
  agentLoads,
  pickAgents,
  resolveMilestone,
  sprintBacklog,
} from '../governance/use-cases/sprint-plan.js';
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
    const { picked, unknown } = pickAgents(known, optional(args.agents));
    if (unknown.length > 0) {
      throw badArgument(
        'agents',
        `unknown agent service ${unknown.join(', ')}`,
        `Use agent services of the configuration: ${known.join(', ')}.`,
      );
    }
    const capacity = optional(args.capacity);
    const backlog = await sprintBacklog(r, workspace, SPRINT_TASK_CAP);
    const tasks = backlog.tasks.map(({ item: t, dependsOn }) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      statusReason: t.statusReason,
      priority: t.priority,
      estimateDays: t.estimateDays,
      agent: t.agent,
      milestoneId: t.milestoneId,
      parentId: t.parentId,
      dependsOn,
      version: t.version,
    }));
    const milestones = cap(await listMilestones(deps, workspace, 'open'), SPRINT_MILESTONE_CAP);
    const agents = agentLoads(
      config.agents,
      picked,
      backlog.tasks.map((t) => t.item),
    );
    const text =
      `Plan a sprint in ${workspace} towards milestone ${target.title} (${target.id}${target.dueOn ? `, due ${target.dueOn}` : ''})` +
      `${capacity ? ` with a capacity of ${capacity}` : ''} for ${picked.join(', ')}. Open tasks are listed blockers first. ` +
      'Respect dependencies (no task before its open blockers; dependsOn lists them), the capacity (sum of ' +
      "estimateDays; estimate unestimated tasks first), each agent service's maxConcurrentTasks (activeTasks " +
      'already count) and capabilities; prefer higher priority and work already in the milestone. Give the ' +
      'sprint backlog (task, agent, estimate, why), what stays out and why, then the tool calls to make: ' +
      `update_item {workspace, id, expectedVersion, milestoneId: "${target.id}", agent, estimateDays} and ` +
      'set_item_status {workspace, id, status: "in_progress"} for what starts now; use the versions in the ' +
      `data. List the calls; do not make them.${truncationNote({ tasks: { truncated: backlog.truncated }, milestones })}`;
    return [
      ask(text),
      jsonData(treeUri(workspace), {
        workspace,
        milestone: { id: target.id, title: target.title, dueOn: target.dueOn, state: target.state },
        capacity: capacity ?? null,
        tasks,
        tasksTruncated: backlog.truncated,
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
