import * as z from 'zod';
import {
  deliveryReport,
  MAX_AGENTS,
  MAX_EXAMPLES,
  MAX_MILESTONES,
  SUMMARY_MODES,
  TRENDS,
} from '../../governance/use-cases/delivery-report.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

const bottleneck = z.object({
  count: z.number(),
  examples: z.array(z.string()).describe(`At most ${MAX_EXAMPLES} ids`),
});

export const deliveryReportTool = defineTool({
  name: 'delivery_report',
  title: 'Delivery report',
  description:
    'Executive delivery report over a period: velocity and trend, cycle time, top agent services, bottlenecks, open milestone forecasts (at risk below 70%), highlights, risks, and a summary by rules or a model.',
  toolset: 'analytics',
  effect: 'read',
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    sinceDays: z.number().int().min(1).max(366).default(30).describe('Period: the last N days'),
    summary: z
      .enum(SUMMARY_MODES)
      .default('rules')
      .describe('model: provider, else client model; rules as fallback'),
  }),
  output: z.object({
    workspace: z.string(),
    period: z.object({ since: z.string(), until: z.string(), days: z.number() }),
    velocity: z.object({
      done: z.number().describe('Tasks done in the period'),
      perWeek: z.number(),
      weeks: z
        .array(z.object({ week: z.string(), done: z.number(), days: z.number() }))
        .describe('Oldest first, by Monday'),
      firstHalf: z.number().describe('Tasks done in the first half of the period'),
      lastHalf: z.number(),
      changePercent: z.number().nullable().describe('Of the daily rate, last half vs first'),
      trend: z.enum(TRENDS),
    }),
    cycleTime: z
      .object({
        count: z.number(),
        median: z.number().nullable(),
        p85: z.number().nullable(),
        p95: z.number().nullable(),
      })
      .describe('Tasks, started to done, days'),
    throughputByAgent: z
      .array(z.object({ agent: z.string(), done: z.number(), perWeek: z.number() }))
      .describe(`Top ${MAX_AGENTS}`),
    bottlenecks: z.object({
      blocked: bottleneck,
      inReview: bottleneck,
      waitingOnDependencies: bottleneck,
      overWipLimit: bottleneck.describe('Examples are agent services'),
    }),
    milestones: z
      .array(
        z.object({
          id: z.string(),
          title: z.string(),
          dueOn: z.string(),
          tasks: z.number(),
          remaining: z.number(),
          p85: z.string().nullable(),
          onTimeProbability: z.number(),
          atRisk: z.boolean(),
          assumption: z.string().nullable().describe('Set when history was too short'),
        }),
      )
      .describe(`Open, with a due date, soonest first, at most ${MAX_MILESTONES}`),
    milestonesLeftOut: z.number(),
    highlights: z.array(z.string()),
    risks: z.array(z.string()),
    summary: z.object({
      text: z.string(),
      method: z.enum(['rules', 'sampling', 'provider']),
      model: z.string().nullable(),
      fallback: z.string().nullable().describe('Why the rules wrote it'),
    }),
  }),
  async handler(input, { deps, models, signal }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await deliveryReport(
      {
        reader: deps.store.reader,
        config,
        now: deps.clock.now(),
        models,
        clockMs: () => Date.parse(deps.clock.now()),
        signal,
      },
      input,
    );
    const atRisk = r.milestones.filter((m) => m.atRisk).length;
    const by = r.summary.method === 'rules' ? 'rules' : `${r.summary.method} (${r.summary.model})`;
    return {
      data: r,
      summary:
        `${r.workspace}, last ${r.period.days} day(s): ${r.velocity.done} task(s) done, ${r.velocity.perWeek} a week, ` +
        `trend ${r.velocity.trend}; ${atRisk} of ${r.milestones.length} milestone(s) at risk; ` +
        `${r.highlights.length} highlight(s), ${r.risks.length} risk(s); summary by ${by}` +
        (r.summary.fallback ? ` after the model failed: ${r.summary.fallback}` : ''),
      lines: [
        ...r.risks.map((x) => `risk: ${x}`),
        ...r.highlights.map((x) => `highlight: ${x}`),
        // The rules' text is these lines joined; a model's is not.
        ...(r.summary.method === 'rules' ? [] : [`summary: ${r.summary.text}`]),
      ],
    };
  },
});
