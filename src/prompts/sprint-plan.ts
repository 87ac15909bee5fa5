import { listAgentServices } from '../governance/use-cases/assignment.js';
import { deliveryMetrics, forecastMilestone } from '../governance/use-cases/delivery-metrics.js';
import { listMilestones } from '../governance/use-cases/list-milestones.js';
import { pickAgents, resolveMilestone, sprintBacklog } from '../governance/use-cases/sprint-plan.js';
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
    const now = deps.clock.now();
    // The registry assignment uses (policy and registered services, with health and open tasks).
    const services = await listAgentServices(r, workspace, config, now);
    const known = services.map((x) => x.id);
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
    const agents = services
      .filter((x) => picked.includes(x.id))
      .map((x) => ({
        id: x.id,
        capabilities: x.capabilities,
        specializations: x.specializations,
        maxConcurrentTasks: x.maxConcurrentTasks,
        openTasks: x.openTasks,
        utilization: Math.round(x.utilization * 100) / 100,
        healthy: x.healthy,
        available: x.available,
      }));
    // The same figures get_delivery_metrics and forecast_milestone give.
    const velocity = await deps.cache.get(workspace, 'sprint velocity', now, () =>
      deliveryMetrics(r, config, now, { workspace, view: 'velocity', level: 'task', period: 'week' }),
    );
    const perWeek = velocity.view === 'velocity' ? velocity.perPeriod : 0;
    const { forecast } = await deps.cache.get(workspace, `sprint forecast ${target.id}`, now, () =>
      forecastMilestone(r, now, { workspace, milestoneId: target.id, runs: 2000, seed: 1 }),
    );
    const text =
      `Plan a sprint in ${workspace} towards milestone ${target.title} (${target.id}${target.dueOn ? `, due ${target.dueOn}` : ''})` +
      `${capacity ? ` with a capacity of ${capacity}` : ''} for ${picked.join(', ')}. Open tasks are listed blockers first. ` +
      `Velocity: ${perWeek} task(s) done a week over the last 12 weeks; the milestone's ${forecast.remaining} open task(s) ` +
      `finish by ${forecast.p85 ?? 'an unknown date'} at 85% confidence` +
      (forecast.onTimeProbability !== null
        ? ` (${Math.round(forecast.onTimeProbability * 100)}% chance of the due date)`
        : '') +
      `${forecast.assumption ? ` (${forecast.assumption})` : ''}: do not plan more than that pace. ` +
      'Respect dependencies (no task before its open blockers; dependsOn lists them), the capacity (sum of ' +
      "estimateDays; estimate unestimated tasks first), each agent service's maxConcurrentTasks (its openTasks " +
      'already count; an unhealthy service takes nothing) and capabilities; prefer higher priority and work already ' +
      `in the milestone. auto_assign {workspace: "${workspace}", rootId, dryRun: true} proposes assignments by capability and load. Give the ` +
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
        velocity: { perWeek, weeks: velocity.view === 'velocity' ? velocity.velocity : [] },
        forecast: {
          remaining: forecast.remaining,
          p50: forecast.p50,
          p85: forecast.p85,
          p95: forecast.p95,
          onTimeProbability: forecast.onTimeProbability,
          assumption: forecast.assumption,
        },
      }),
    ];
  },
});
