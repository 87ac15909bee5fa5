import * as z from 'zod';
import { forecastMilestone } from '../../governance/use-cases/delivery-metrics.js';
import { burnUpSpec, forecastSpec, renderPng } from '../../mcp/charts.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const forecastMilestoneTool = defineTool({
  name: 'forecast_milestone',
  title: 'Forecast a milestone',
  description:
    "When a milestone's open tasks will be done: a Monte Carlo simulation over the last 12 weeks' throughput, with P50/P85/P95 dates and the probability of meeting the due date; with too little history it says so and states the throughput assumed.",
  toolset: 'analytics',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    milestoneId: z.string().min(1).max(20).describe('Milestone id, e.g. M-1'),
    runs: z.number().int().min(100).max(100_000).default(10_000).describe('Simulated runs'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1)
      .describe('Same seed, same answer'),
    chart: z
      .boolean()
      .default(false)
      .describe('Also PNGs of the distribution and the burn-up, with their specs'),
  }),
  output: z.object({
    milestone: z.object({ id: z.string(), title: z.string(), dueOn: z.string().nullable() }),
    tasks: z.number().describe('Tasks the milestone holds (not cancelled)'),
    remaining: z.number().describe('Of them open'),
    history: z.array(z.number()).describe('Tasks done per week, oldest first'),
    assumption: z.string().nullable().describe('Set when history was too short'),
    runs: z.number(),
    p50: z.string().nullable(),
    p85: z.string().nullable(),
    p95: z.string().nullable(),
    onTimeProbability: z.number().nullable().describe('Null without a due date'),
    weeks: z.array(z.object({ weeks: z.number(), runs: z.number() })).describe('Runs per weeks needed'),
    burnUp: z
      .array(z.object({ week: z.string(), done: z.number(), scope: z.number() }))
      .describe('Done and scope at each of the last 12 week ends'),
    chart: z.record(z.string(), z.unknown()).optional().describe('Vega-Lite spec of the first PNG'),
    burnUpChart: z.record(z.string(), z.unknown()).optional().describe('Vega-Lite spec of the second PNG'),
  }),
  async handler(input, { deps }) {
    const r = await deps.cache.get(
      input.workspace,
      `forecast ${input.milestoneId} ${input.runs} ${input.seed}`,
      deps.clock.now(),
      () =>
        forecastMilestone(deps.store.reader, deps.clock.now(), {
          workspace: input.workspace,
          milestoneId: input.milestoneId,
          runs: input.runs,
          seed: input.seed,
        }),
    );
    const f = r.forecast;
    const due = r.milestone.dueOn;
    const now = Date.parse(deps.clock.now());
    const chart = input.chart
      ? forecastSpec(
          f.weeks.map((w) => ({
            date: new Date(now + w.weeks * 7 * 86_400_000).toISOString().slice(0, 10),
            runs: w.runs,
          })),
          (['p50', 'p85', 'p95'] as const).flatMap((k) =>
            f[k] ? [{ label: k.toUpperCase(), date: f[k] }] : [],
          ),
          `${r.milestone.title}: when ${f.remaining} open task(s) will be done`,
        )
      : undefined;
    const burn = input.chart ? burnUpSpec(r.burnUp, `${r.milestone.title}: burn-up`) : undefined;
    return {
      data: {
        milestone: { id: r.milestone.id, title: r.milestone.title, dueOn: due },
        tasks: r.total,
        ...f,
        burnUp: r.burnUp,
        ...(chart && { chart, burnUpChart: burn }),
      },
      ...(chart && burn && { images: [await renderPng(chart), await renderPng(burn)] }),
      summary:
        `${r.milestone.id}: ${f.remaining} of ${r.total} task(s) open; P50 ${f.p50}, P85 ${f.p85}, P95 ${f.p95}` +
        (f.onTimeProbability === null ? '' : `; ${Math.round(f.onTimeProbability * 100)}% by ${due}`) +
        (f.assumption ? ` (${f.assumption})` : ''),
    };
  },
});
