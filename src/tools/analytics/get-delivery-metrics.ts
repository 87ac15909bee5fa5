import * as z from 'zod';
import { PERIODS } from '../../governance/analytics/delivery.js';
import { ITEM_TYPES } from '../../governance/model/work-item.js';
import { deliveryMetrics, METRIC_VIEWS } from '../../governance/use-cases/delivery-metrics.js';
import { cumulativeFlowSpec, cycleTimeSpec, renderPng, velocitySpec } from '../../mcp/charts.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

const dist = z.object({
  count: z.number(),
  median: z.number().nullable(),
  p85: z.number().nullable(),
  p95: z.number().nullable(),
  mean: z.number().nullable(),
});
const stuck = z.array(
  z.object({ id: z.string(), title: z.string(), days: z.number(), reason: z.string().nullable() }),
);

export const getDeliveryMetricsTool = defineTool({
  name: 'get_delivery_metrics',
  title: 'Delivery metrics',
  description:
    "Delivery figures: velocity per period; cycle and lead time (median, P85, P95, histogram); throughput per agent service; bottlenecks (blocked, in review, waiting, over WIP, time per status, a milestone's critical path); flow (statuses per day).",
  toolset: 'analytics',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    view: z.enum(METRIC_VIEWS).describe('Which figures'),
    level: z.enum(ITEM_TYPES).default('task').describe('Item type counted'),
    period: z.enum(PERIODS).default('week').describe('Velocity period'),
    since: z.iso.date().or(z.iso.datetime()).optional().describe('Window start; default 12 periods back'),
    milestoneId: z.string().min(1).max(20).optional().describe("bottlenecks: this milestone's critical path"),
    chart: z
      .boolean()
      .default(false)
      .describe('velocity, cycle_time, flow: also a PNG and its Vega-Lite spec'),
  }),
  output: z.object({
    view: z.enum(METRIC_VIEWS),
    since: z.string(),
    until: z.string(),
    level: z.enum(ITEM_TYPES).optional(),
    period: z.enum(PERIODS).optional(),
    velocity: z
      .array(z.object({ period: z.string(), done: z.number(), estimateDays: z.number() }))
      .optional()
      .describe('Oldest first; period = its first day'),
    done: z.number().optional(),
    perPeriod: z.number().optional(),
    cycleTime: dist.optional().describe('Started to done, days'),
    leadTime: dist.optional().describe('Created to done, days'),
    agents: z
      .array(
        z.object({
          agent: z.string(),
          done: z.number(),
          perWeek: z.number(),
          cycleTime: dist,
          estimateAccuracy: z.number().nullable().describe('Estimated / spent days'),
        }),
      )
      .optional(),
    inProgress: z.number().optional(),
    blocked: stuck.optional().describe('Longest first; days since the last change'),
    blockedCount: z.number().optional(),
    inReview: stuck.optional(),
    inReviewCount: z.number().optional(),
    waitingOnDependencies: z.array(z.object({ id: z.string(), on: z.array(z.string()) })).optional(),
    waitingCount: z.number().optional(),
    overWipLimit: z
      .array(z.object({ agent: z.string(), openTasks: z.number(), limit: z.number() }))
      .optional(),
    histogram: z
      .array(z.object({ days: z.number(), count: z.number() }))
      .optional()
      .describe('cycle_time: items per whole day'),
    timeInStatus: z.record(z.string(), dist).optional().describe('Days per item in each open status'),
    criticalPath: z
      .object({ milestoneId: z.string(), ids: z.array(z.string()), days: z.number() })
      .optional()
      .describe('Longest open dependency chain by estimate'),
    flow: z
      .array(
        z.object({
          date: z.string(),
          planning: z.number(),
          in_progress: z.number(),
          review: z.number(),
          blocked: z.number(),
          done: z.number(),
        }),
      )
      .optional()
      .describe('Items per status each day'),
    chart: z.record(z.string(), z.unknown()).optional().describe('Vega-Lite spec of the PNG'),
  }),
  async handler(input, { deps }) {
    const { config } = await deps.config.effective(input.workspace);
    const now = deps.clock.now();
    const { chart: _chart, ...query } = input;
    const r = await deps.cache.get(input.workspace, `metrics ${JSON.stringify(query)}`, now, () =>
      deliveryMetrics(deps.store.reader, config, now, {
        workspace: input.workspace,
        view: input.view,
        level: input.level,
        period: input.period,
        ...(input.since !== undefined && { since: input.since }),
        ...(input.milestoneId !== undefined && { milestoneId: input.milestoneId }),
      }),
    );
    const summary =
      r.view === 'velocity'
        ? `${r.done} ${input.level}(s) done since ${r.since.slice(0, 10)}, ${r.perPeriod} a ${input.period}`
        : r.view === 'cycle_time'
          ? `Cycle time median ${r.cycleTime.median ?? '-'} d, P85 ${r.cycleTime.p85 ?? '-'} d over ${r.cycleTime.count} ${input.level}(s); lead time median ${r.leadTime.median ?? '-'} d`
          : r.view === 'throughput'
            ? `${r.agents.length} agent service(s) with done tasks since ${r.since.slice(0, 10)}`
            : r.view === 'flow'
              ? `${input.level} statuses per day since ${r.since.slice(0, 10)} (${r.flow.length} day(s))`
              : `${r.blockedCount} blocked, ${r.inReviewCount} in review, ${r.waitingCount} waiting on dependencies, ${r.overWipLimit.length} agent(s) over their WIP limit` +
                (r.criticalPath
                  ? `; critical path of ${r.criticalPath.milestoneId}: ${r.criticalPath.days} d through ${r.criticalPath.ids.length} task(s)`
                  : '');
    const what = `${input.level}s`;
    const chart = !input.chart
      ? undefined
      : r.view === 'velocity'
        ? velocitySpec(r.velocity, what)
        : r.view === 'cycle_time'
          ? cycleTimeSpec(r.histogram, what)
          : r.view === 'flow'
            ? cumulativeFlowSpec(r.flow, what)
            : undefined;
    return {
      data: { ...r, ...(chart && { chart }) },
      summary,
      ...(chart && { images: [await renderPng(chart)] }),
    };
  },
});
