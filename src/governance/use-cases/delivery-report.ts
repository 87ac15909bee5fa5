/**
 * An executive delivery report of a workspace: the figures of deliveryMetrics (velocity, cycle
 * time, throughput, bottlenecks) and forecastMilestone (open milestones with a due date) for one
 * period, deterministic highlights and risks drawn from them, and a summary paragraph written by
 * the rules or, when asked, by a model given the report as JSON (the rules' text when it fails).
 */
import * as z from 'zod';
import { DAY_MS } from '../analytics/delivery.js';
import type { GovernanceConfig } from '../config/schema.js';
import type { Milestone } from '../model/milestone.js';
import type { ModelSources } from '../ports/model.js';
import type { StoreReader } from '../ports/store.js';
import { deliveryMetrics, forecastMilestone, type MetricView } from './delivery-metrics.js';
import { askModelForJson, chooseModel } from './model-json.js';
import { allItems } from './read-items.js';
import { requireWorkspace } from './workspaces.js';

export const SUMMARY_MODES = ['rules', 'model'] as const;
export type SummaryMode = (typeof SUMMARY_MODES)[number];
export const TRENDS = ['up', 'down', 'flat'] as const;
export type Trend = (typeof TRENDS)[number];

export interface DeliveryReportCommand {
  workspace: string;
  sinceDays: number;
  summary: SummaryMode;
}

export interface DeliveryReportDeps {
  reader: StoreReader;
  config: Pick<GovernanceConfig, 'agents'>;
  now: string;
  models: ModelSources;
  /** Milliseconds since any origin, for the model's latency. */
  clockMs: () => number;
  signal?: AbortSignal;
}

/** Same workspace, same day, same forecast: the report is reproducible. */
export const FORECAST = { runs: 2_000, seed: 1 } as const;
export const AT_RISK_BELOW = 0.7;
export const MAX_MILESTONES = 10;
export const MAX_EXAMPLES = 5;
export const MAX_AGENTS = 5;
/** A change of the daily rate within ±10% between the halves of the period is flat. */
const FLAT_BAND = 0.1;
/** In review is normal flow; a queue this long is a risk. */
const REVIEW_QUEUE_RISK = 5;
const MAX_SUMMARY_TOKENS = 600;

type Metrics = Awaited<ReturnType<typeof deliveryMetrics>>;
type MetricsOf<V extends MetricView> = Extract<Metrics, { view: V }>;
const isView = <V extends MetricView>(r: Metrics, view: V): r is MetricsOf<V> => r.view === view;

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const pct = (p: number) => `${Math.round(p * 100)}%`;

export interface VelocityWeek {
  /** Its Monday. */
  week: string;
  done: number;
  /** Days of the week inside the period (the first and last weeks may be partial). */
  days: number;
}

/**
 * The trend of the daily rate, last half of the period against the first half. Each week counts in
 * the half its part inside the period falls in, and a rate per day of coverage keeps partial weeks
 * from reading as a fall or a rise.
 */
export function velocityTrend(
  rows: readonly { period: string; done: number }[],
  since: string,
  until: string,
): {
  weeks: VelocityWeek[];
  firstHalf: number;
  lastHalf: number;
  changePercent: number | null;
  trend: Trend;
} {
  const from = Date.parse(since);
  const to = Date.parse(until);
  const mid = (from + to) / 2;
  const half = { first: { done: 0, days: 0 }, last: { done: 0, days: 0 } };
  const weeks: VelocityWeek[] = [];
  for (const r of rows) {
    const start = Math.max(Date.parse(`${r.period}T00:00:00Z`), from);
    const end = Math.min(Date.parse(`${r.period}T00:00:00Z`) + 7 * DAY_MS, to);
    if (end <= start) continue;
    const h = (start + end) / 2 < mid ? half.first : half.last;
    h.done += r.done;
    h.days += (end - start) / DAY_MS;
    weeks.push({ week: r.period, done: r.done, days: round((end - start) / DAY_MS) });
  }
  const rate = (h: { done: number; days: number }) => (h.days > 0 ? h.done / h.days : 0);
  const a = rate(half.first);
  const b = rate(half.last);
  const change = a > 0 ? (b - a) / a : null;
  let trend: Trend = 'flat';
  if (change === null ? b > 0 : change > FLAT_BAND) trend = 'up';
  else if (change !== null && change < -FLAT_BAND) trend = 'down';
  return {
    weeks,
    firstHalf: half.first.done,
    lastHalf: half.last.done,
    changePercent: change === null ? null : Math.round(change * 100),
    trend,
  };
}

export async function deliveryReport(deps: DeliveryReportDeps, cmd: DeliveryReportCommand) {
  const report = await gather(deps, cmd);
  const { highlights, risks } = findings(report);
  const facts = { ...report, highlights, risks };
  return { ...facts, summary: await summarize(deps, cmd.summary, facts) };
}

export type DeliveryReport = Awaited<ReturnType<typeof deliveryReport>>;
type ReportFacts = Awaited<ReturnType<typeof gather>>;

/** The figures, each from the use-case that owns it. */
async function gather(deps: DeliveryReportDeps, cmd: DeliveryReportCommand) {
  const { reader, config, now } = deps;
  const since = new Date(Date.parse(now) - cmd.sinceDays * DAY_MS).toISOString();
  // One read of the items for every figure (WORKSPACE.NOT_FOUND for an unknown workspace).
  await requireWorkspace(reader, cmd.workspace);
  const items = await allItems(reader, cmd.workspace);
  const metrics = <V extends MetricView>(view: V): Promise<MetricsOf<V>> =>
    deliveryMetrics(reader, config, now, {
      workspace: cmd.workspace,
      view,
      level: 'task',
      period: 'week',
      since,
      items,
    }).then((r) => {
      if (!isView(r, view)) throw new Error(`deliveryMetrics answered ${r.view} for ${view}`);
      return r;
    });
  const v = await metrics('velocity');
  const [ct, tp, bn, open] = await Promise.all([
    metrics('cycle_time'),
    metrics('throughput'),
    metrics('bottlenecks'),
    reader.listMilestones(cmd.workspace, 'open'),
  ]);

  const trend = velocityTrend(v.velocity, since, now);
  const velocity = { done: v.done, perWeek: round(v.done / (cmd.sinceDays / 7)), ...trend };
  const { count, median, p85, p95 } = ct.cycleTime;
  const cycleTime = { count, median, p85, p95 };
  const throughputByAgent = tp.agents
    .slice(0, MAX_AGENTS)
    .map((a) => ({ agent: a.agent, done: a.done, perWeek: a.perWeek }));
  const bottlenecks = {
    blocked: { count: bn.blockedCount, examples: bn.blocked.slice(0, MAX_EXAMPLES).map((b) => b.id) },
    inReview: { count: bn.inReviewCount, examples: bn.inReview.slice(0, MAX_EXAMPLES).map((b) => b.id) },
    waitingOnDependencies: {
      count: bn.waitingCount,
      examples: bn.waitingOnDependencies.slice(0, MAX_EXAMPLES).map((w) => w.id),
    },
    overWipLimit: {
      count: bn.overWipLimit.length,
      examples: bn.overWipLimit.slice(0, MAX_EXAMPLES).map((o) => o.agent),
    },
  };

  const due = open
    .filter((m): m is Milestone & { dueOn: string } => m.dueOn !== null)
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id, 'en', { numeric: true }));
  const milestones = await Promise.all(
    due.slice(0, MAX_MILESTONES).map(async (m) => {
      const f = await forecastMilestone(reader, now, {
        workspace: cmd.workspace,
        milestoneId: m.id,
        ...FORECAST,
        items,
      });
      const p = f.forecast.onTimeProbability ?? 0;
      return {
        id: m.id,
        title: m.title,
        dueOn: m.dueOn,
        tasks: f.total,
        remaining: f.forecast.remaining,
        p85: f.forecast.p85,
        onTimeProbability: p,
        atRisk: p < AT_RISK_BELOW,
        assumption: f.forecast.assumption,
      };
    }),
  );

  return {
    workspace: cmd.workspace,
    period: { since, until: now, days: cmd.sinceDays },
    velocity,
    cycleTime,
    throughputByAgent,
    bottlenecks,
    milestones,
    milestonesLeftOut: due.length - milestones.length,
  };
}

/** The rules: what went well and what threatens delivery, in a fixed order. */
export function findings(r: ReportFacts): { highlights: string[]; risks: string[] } {
  const highlights: string[] = [];
  const risks: string[] = [];
  const v = r.velocity;
  const halves = `${v.firstHalf} then ${v.lastHalf} tasks, first vs last half of the period`;
  if (v.done === 0) risks.push(`No tasks done in the last ${r.period.days} days`);
  else
    highlights.push(`${plural(v.done, 'task')} done in the last ${r.period.days} days (${v.perWeek} a week)`);
  if (v.trend === 'up')
    highlights.push(
      v.changePercent === null
        ? `Velocity picked up (${halves})`
        : `Velocity rose ${v.changePercent}% (${halves})`,
    );
  if (v.trend === 'down') risks.push(`Velocity fell ${-(v.changePercent ?? 0)}% (${halves})`);
  const ct = r.cycleTime;
  if (ct.count > 0) highlights.push(`Median cycle time ${ct.median} days, P85 ${ct.p85} days`);
  // throughputByAgent's bucket of tasks done without a service is no service to credit.
  const top = r.throughputByAgent.find((a) => a.agent !== '(unassigned)');
  if (top) highlights.push(`${top.agent} delivered the most: ${plural(top.done, 'task')}`);
  for (const m of r.milestones) {
    const chance = `${pct(m.onTimeProbability)} chance of meeting its due date ${m.dueOn}`;
    if (m.atRisk)
      risks.push(
        `${m.id} has a ${chance} (P85 ${m.p85}, ${m.remaining} of ${plural(m.tasks, 'task')} open)` +
          (m.assumption ? '; too little history, the forecast assumes 5 tasks a week' : ''),
      );
    else if (m.remaining > 0) highlights.push(`${m.id} is on track: ${chance}`);
  }
  const b = r.bottlenecks;
  if (b.blocked.count > 0)
    risks.push(`${plural(b.blocked.count, 'task')} blocked (${b.blocked.examples.join(', ')})`);
  if (b.waitingOnDependencies.count > 0)
    risks.push(
      `${plural(b.waitingOnDependencies.count, 'item')} waiting on open dependencies (${b.waitingOnDependencies.examples.join(', ')})`,
    );
  if (b.inReview.count >= REVIEW_QUEUE_RISK)
    risks.push(`${plural(b.inReview.count, 'task')} waiting in review (${b.inReview.examples.join(', ')})`);
  if (b.overWipLimit.count > 0)
    risks.push(
      `${plural(b.overWipLimit.count, 'agent service')} over the WIP limit (${b.overWipLimit.examples.join(', ')})`,
    );
  if (b.blocked.count + b.waitingOnDependencies.count + b.overWipLimit.count === 0)
    highlights.push('Nothing blocked, waiting on dependencies or over a WIP limit');
  return { highlights, risks };
}

/** Highlights, then risks, as one paragraph. */
export function rulesSummary(highlights: readonly string[], risks: readonly string[]): string {
  const sentences = (list: readonly string[]) => list.map((s) => `${s}.`).join(' ');
  return [
    highlights.length > 0 ? sentences(highlights) : 'Nothing to highlight.',
    risks.length > 0 ? `Risks: ${sentences(risks)}` : 'No risks flagged.',
  ].join(' ');
}

const summaryAnswer = z.object({
  summary: z
    .string()
    .trim()
    .min(20)
    .max(2_000)
    .transform((t) => t.replace(/\s+/g, ' ')),
});

const SYSTEM = [
  'You write a 3-6 sentence executive summary of a software delivery report for leadership.',
  'Use only the figures in the report; name the milestones at risk and the main bottlenecks.',
  'Answer with only a JSON object, no prose and no code fence: {"summary": string}',
].join('\n');

async function summarize(
  deps: DeliveryReportDeps,
  mode: SummaryMode,
  facts: ReportFacts & { highlights: string[]; risks: string[] },
): Promise<{
  text: string;
  method: 'rules' | 'sampling' | 'provider';
  model: string | null;
  fallback: string | null;
}> {
  const rules = (fallback: string | null) => ({
    text: rulesSummary(facts.highlights, facts.risks),
    method: 'rules' as const,
    model: null,
    fallback,
  });
  if (mode === 'rules') return rules(null);
  // As enhance_item's `auto`: the configured provider first, then the client's model.
  const port = chooseModel('auto', deps.models);
  if (!port)
    return rules('no model is available: the client did not declare sampling and no provider is configured');
  const r = await askModelForJson(port, {
    task: 'writing',
    system: SYSTEM,
    prompt: `Delivery report:\n${JSON.stringify(facts)}`,
    maxTokens: MAX_SUMMARY_TOKENS,
    schema: summaryAnswer,
    ...(deps.signal && { signal: deps.signal }),
    now: deps.clockMs,
  });
  if (!r.ok) return rules(r.reason);
  return { text: r.value.summary, method: port.kind, model: r.model, fallback: null };
}
