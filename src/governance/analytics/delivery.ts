/**
 * Delivery figures from the items' own timestamps (set by the status moves the audit trail
 * records): velocity per period, cycle time (started -> done) and lead time (created -> done)
 * distributions, throughput per agent service, and a milestone forecast by Monte Carlo simulation
 * over weekly throughput. Pure: the caller reads the items; time comes in as `now`.
 */
import { CLOSED_STATUSES, type ItemType, type Status, type WorkItem } from '../model/work-item.js';

const CLOSED = new Set<Status>(CLOSED_STATUSES);

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export const DAY_MS = 86_400_000;

/** The period an ISO time falls in, by its start: `2026-03-02` (a week starts on Monday), `2026-03`. */
export function periodOf(iso: string, period: Period): string {
  const day = iso.slice(0, 10);
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}

export interface VelocityRow {
  period: string;
  done: number;
  estimateDays: number;
}

/** Items of `type` done per period, oldest first, every period from `since` to `now` listed. */
export function velocity(
  items: readonly WorkItem[],
  type: ItemType,
  period: Period,
  since: string,
  now: string,
): VelocityRow[] {
  const rows = new Map<string, VelocityRow>();
  for (let t = Date.parse(since); t <= Date.parse(now); t += DAY_MS) {
    const p = periodOf(new Date(t).toISOString(), period);
    if (!rows.has(p)) rows.set(p, { period: p, done: 0, estimateDays: 0 });
  }
  for (const it of items) {
    if (it.type !== type || it.status !== 'done' || !it.completedAt) continue;
    if (it.completedAt < since || it.completedAt > now) continue;
    const row = rows.get(periodOf(it.completedAt, period));
    if (!row) continue;
    row.done++;
    row.estimateDays += it.estimateDays ?? 0;
  }
  return [...rows.values()];
}

export interface Distribution {
  count: number;
  /** Days. Null without samples. */
  median: number | null;
  p85: number | null;
  p95: number | null;
  mean: number | null;
}

/** Nearest-rank percentile of sorted samples. */
function rank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0) return { count: 0, median: null, p85: null, p95: null, mean: null };
  const s = [...samples].sort((a, b) => a - b);
  return {
    count: s.length,
    median: round(rank(s, 0.5)),
    p85: round(rank(s, 0.85)),
    p95: round(rank(s, 0.95)),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS;

/** Cycle (started -> done) and lead (created -> done) times in days of items of `type` done since `since`. */
export function flowTimes(items: readonly WorkItem[], type: ItemType, since: string) {
  const cycle: number[] = [];
  const lead: number[] = [];
  for (const it of items) {
    if (it.type !== type || it.status !== 'done' || !it.completedAt || it.completedAt < since) continue;
    lead.push(days(it.createdAt, it.completedAt));
    if (it.startedAt) cycle.push(days(it.startedAt, it.completedAt));
  }
  return { cycleTime: distribution(cycle), leadTime: distribution(lead) };
}

export interface AgentThroughput {
  agent: string;
  done: number;
  /** Done per week over the window. */
  perWeek: number;
  cycleTime: Distribution;
  /** Sum of estimates of the done tasks / sum of their cycle days (1 = as estimated). */
  estimateAccuracy: number | null;
}

export function throughputByAgent(items: readonly WorkItem[], since: string, now: string): AgentThroughput[] {
  const by = new Map<string, WorkItem[]>();
  for (const it of items) {
    if (it.type !== 'task' || it.status !== 'done' || !it.completedAt || it.completedAt < since) continue;
    const key = it.agent ?? '(unassigned)';
    const list = by.get(key);
    if (list) list.push(it);
    else by.set(key, [it]);
  }
  const weeks = Math.max(1, days(since, now) / 7);
  return [...by]
    .map(([agent, done]) => {
      const cycles = done.filter((t) => t.startedAt).map((t) => days(t.startedAt!, t.completedAt!));
      const est = done.reduce((s, t) => s + (t.estimateDays ?? 0), 0);
      const spent = cycles.reduce((a, b) => a + b, 0);
      return {
        agent,
        done: done.length,
        perWeek: round(done.length / weeks),
        cycleTime: distribution(cycles),
        estimateAccuracy: est > 0 && spent > 0 ? round(est / spent) : null,
      };
    })
    .sort((a, b) => b.done - a.done || a.agent.localeCompare(b.agent));
}

/** Deterministic PRNG (mulberry32): the same seed, the same forecast. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MIN_HISTORY_WEEKS = 4;
/** Weeks of history a forecast samples. */
export const HISTORY_WEEKS = 12;
/** The weekly throughput assumed without enough history: one task a working day. */
export const ASSUMED_PER_WEEK = 5;
const MAX_WEEKS = 520;

export interface Forecast {
  remaining: number;
  /** Weekly done counts sampled, oldest first. */
  history: number[];
  /** Null when the history was used as it is. */
  assumption: string | null;
  runs: number;
  /** Completion dates (YYYY-MM-DD) at these confidence levels. */
  p50: string | null;
  p85: string | null;
  p95: string | null;
  /** Share of runs done by the due date; null without one. */
  onTimeProbability: number | null;
  /** Weeks needed per run: how many runs needed each count (for a distribution chart). */
  weeks: { weeks: number; runs: number }[];
}

/** Done tasks per full week before `now`, the last `weeks` weeks, oldest first. */
export function weeklyThroughput(items: readonly WorkItem[], now: string, weeks = HISTORY_WEEKS): number[] {
  const end = Date.parse(now);
  const counts = new Array<number>(weeks).fill(0);
  let first = Infinity;
  for (const it of items) {
    if (it.type !== 'task' || it.status !== 'done' || !it.completedAt) continue;
    const t = Date.parse(it.completedAt);
    first = Math.min(first, Date.parse(it.createdAt));
    const back = Math.floor((end - t) / (7 * DAY_MS));
    if (back >= 0 && back < weeks) counts[weeks - 1 - back]!++;
  }
  // Weeks before the workspace had any task are not history.
  const known = Number.isFinite(first) ? Math.min(weeks, Math.ceil((end - first) / (7 * DAY_MS))) : 0;
  return counts.slice(weeks - known);
}

export function forecast(
  remaining: number,
  history: readonly number[],
  opts: { now: string; dueOn: string | null; runs: number; seed: number },
): Forecast {
  const enough = history.length >= MIN_HISTORY_WEEKS && history.some((n) => n > 0);
  const sample = enough ? [...history] : [ASSUMED_PER_WEEK];
  const assumption = enough
    ? null
    : `${history.length} week(s) of history with ${history.reduce((a, b) => a + b, 0)} task(s) done is too little (${MIN_HISTORY_WEEKS} weeks with some done are needed): assumed ${ASSUMED_PER_WEEK} tasks a week, one a working day`;
  const at = (w: number) => new Date(Date.parse(opts.now) + w * 7 * DAY_MS).toISOString().slice(0, 10);
  if (remaining === 0) {
    const today = opts.now.slice(0, 10);
    return {
      remaining,
      history: [...history],
      assumption,
      runs: 0,
      p50: today,
      p85: today,
      p95: today,
      onTimeProbability: opts.dueOn === null ? null : today <= opts.dueOn ? 1 : 0,
      weeks: [],
    };
  }
  const rnd = prng(opts.seed);
  const needed = new Array<number>(opts.runs);
  for (let r = 0; r < opts.runs; r++) {
    let left = remaining;
    let w = 0;
    while (left > 0 && w < MAX_WEEKS) {
      left -= sample[Math.floor(rnd() * sample.length)]!;
      w++;
    }
    needed[r] = w;
  }
  const sorted = needed.sort((a, b) => a - b);
  const dueWeeks =
    opts.dueOn === null
      ? null
      : (Date.parse(`${opts.dueOn}T23:59:59Z`) - Date.parse(opts.now)) / (7 * DAY_MS);
  const counts = new Map<number, number>();
  for (const w of sorted) counts.set(w, (counts.get(w) ?? 0) + 1);
  return {
    remaining,
    history: [...history],
    assumption,
    runs: opts.runs,
    p50: at(rank(sorted, 0.5)),
    p85: at(rank(sorted, 0.85)),
    p95: at(rank(sorted, 0.95)),
    onTimeProbability:
      dueWeeks === null ? null : round(sorted.filter((w) => w <= dueWeeks).length / opts.runs),
    weeks: [...counts].map(([weeks, runs]) => ({ weeks, runs })),
  };
}

/** A status change of an item, from the audit trail. */
export interface Transition {
  itemId: string;
  at: string;
  from: Status;
  to: Status;
}

/** The open statuses time is measured in. */
export const FLOW_STATUSES = ['planning', 'in_progress', 'review', 'blocked'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/**
 * Days each item of `type` spent in each open status within [since, now], from its transitions
 * (oldest first): before its first transition in the window it was in that transition's `from`;
 * after the last, in its current status. An item with no transition in the window spent all of it
 * in its current status (when open). The distribution is over the items that spent any time there.
 */
export function timeInStatus(
  items: readonly WorkItem[],
  transitions: readonly Transition[],
  type: ItemType,
  since: string,
  now: string,
): Record<FlowStatus, Distribution> {
  const byItem = new Map<string, Transition[]>();
  for (const t of transitions) {
    if (t.at < since || t.at > now) continue;
    const list = byItem.get(t.itemId);
    if (list) list.push(t);
    else byItem.set(t.itemId, [t]);
  }
  const samples = Object.fromEntries(FLOW_STATUSES.map((s) => [s, [] as number[]])) as Record<
    FlowStatus,
    number[]
  >;
  const flow = (s: Status): s is FlowStatus => (FLOW_STATUSES as readonly string[]).includes(s);
  for (const it of items) {
    if (it.type !== type) continue;
    const ts = byItem.get(it.id) ?? [];
    const spent = new Map<FlowStatus, number>();
    const add = (s: Status, from: string, to: string) => {
      if (!flow(s)) return;
      const start = from < it.createdAt ? it.createdAt : from;
      if (to > start) spent.set(s, (spent.get(s) ?? 0) + days(start, to));
    };
    let at = since;
    for (const t of ts) {
      add(t.from, at, t.at);
      at = t.at;
    }
    add(ts.at(-1)?.to ?? it.status, at, now);
    for (const [s, d] of spent) samples[s].push(d);
  }
  return Object.fromEntries(FLOW_STATUSES.map((s) => [s, distribution(samples[s])])) as Record<
    FlowStatus,
    Distribution
  >;
}

/**
 * The longest chain of open work through `tasks`' dependencies (blocker before blocked), weighted
 * by estimate (a task without one counts `unestimated` days): what the milestone cannot finish
 * before, however many services work on it. Links never form cycles.
 */
export function criticalPath(
  tasks: readonly Pick<WorkItem, 'id' | 'estimateDays'>[],
  links: readonly { blockerId: string; blockedId: string }[],
  unestimated = 1,
): { ids: string[]; days: number } {
  const weight = new Map(tasks.map((t) => [t.id, t.estimateDays ?? unestimated]));
  const before = new Map<string, string[]>();
  for (const l of links) {
    if (!weight.has(l.blockerId) || !weight.has(l.blockedId)) continue;
    before.set(l.blockedId, [...(before.get(l.blockedId) ?? []), l.blockerId]);
  }
  const best = new Map<string, { days: number; prev: string | null }>();
  const visiting = new Set<string>();
  const longest = (id: string): number => {
    const known = best.get(id);
    if (known) return known.days;
    if (visiting.has(id)) return 0; // a cycle cannot be stored; do not loop should one appear
    visiting.add(id);
    let prev: string | null = null;
    let upstream = 0;
    for (const b of before.get(id) ?? []) {
      const d = longest(b);
      if (d > upstream || (d === upstream && prev !== null && b < prev)) [upstream, prev] = [d, b];
    }
    visiting.delete(id);
    const total = upstream + weight.get(id)!;
    best.set(id, { days: total, prev });
    return total;
  };
  let end: string | null = null;
  let max = 0;
  for (const t of tasks) {
    const d = longest(t.id);
    if (d > max) [max, end] = [d, t.id];
  }
  const ids: string[] = [];
  for (let at = end; at !== null; at = best.get(at)!.prev) ids.unshift(at);
  return { ids, days: round(max) };
}

/** Cycle times (started -> done) of items of `type` done since `since`, per whole day. */
export function cycleHistogram(
  items: readonly WorkItem[],
  type: ItemType,
  since: string,
): { days: number; count: number }[] {
  const counts = new Map<number, number>();
  for (const it of items) {
    if (
      it.type !== type ||
      it.status !== 'done' ||
      !it.completedAt ||
      !it.startedAt ||
      it.completedAt < since
    )
      continue;
    const d = Math.floor(days(it.startedAt, it.completedAt));
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]).map(([d, count]) => ({ days: d, count }));
}

export type FlowRow = { date: string } & Record<FlowStatus | 'done', number>;

/**
 * Cumulative flow: at the end of each day from `since` to `now`, how many items of `type` (created
 * by then, not cancelled) were in each status, from their current status and the transitions after
 * that day (the status before the first later transition).
 */
export function cumulativeFlow(
  items: readonly WorkItem[],
  transitions: readonly Transition[],
  type: ItemType,
  since: string,
  now: string,
): FlowRow[] {
  const later = new Map<string, Transition[]>();
  for (const t of transitions) {
    const list = later.get(t.itemId);
    if (list) list.push(t);
    else later.set(t.itemId, [t]);
  }
  const rows: FlowRow[] = [];
  const end = Date.parse(now);
  for (let t = Date.parse(since.slice(0, 10)) + DAY_MS - 1; t < end + DAY_MS; t += DAY_MS) {
    const at = new Date(Math.min(t, end)).toISOString();
    const row: FlowRow = {
      date: at.slice(0, 10),
      planning: 0,
      in_progress: 0,
      review: 0,
      blocked: 0,
      done: 0,
    };
    for (const it of items) {
      if (it.type !== type || it.createdAt > at) continue;
      const next = later.get(it.id)?.find((x) => x.at > at);
      const s = next ? next.from : it.status;
      if (s !== 'cancelled') row[s] += 1;
    }
    rows.push(row);
  }
  return rows;
}

export interface BurnUpRow {
  /** The end of the week (YYYY-MM-DD). */
  week: string;
  /** Tasks done by then. */
  done: number;
  /** Tasks in scope by then (created, not cancelled now). */
  scope: number;
}

/** A milestone's burn-up: done and scope at the end of each of the last `weeks` weeks, up to `now`. */
export function burnUp(tasks: readonly WorkItem[], now: string, weeks = HISTORY_WEEKS): BurnUpRow[] {
  const end = Date.parse(now);
  const rows: BurnUpRow[] = [];
  for (let w = weeks - 1; w >= 0; w--) {
    const at = new Date(end - w * 7 * DAY_MS).toISOString();
    let done = 0;
    let scope = 0;
    for (const t of tasks) {
      if (t.createdAt > at) continue;
      scope++;
      if (t.status === 'done' && t.completedAt && t.completedAt <= at) done++;
    }
    rows.push({ week: at.slice(0, 10), done, scope });
  }
  return rows;
}

/** The open items waiting on an open blocker, each with its open blockers (link order). */
export function openDependencies(
  items: readonly Pick<WorkItem, 'id' | 'status'>[],
  links: readonly { blockerId: string; blockedId: string }[],
): Map<string, string[]> {
  const status = new Map(items.map((i) => [i.id, i.status]));
  const waiting = new Map<string, string[]>();
  for (const l of links) {
    const blocked = status.get(l.blockedId);
    const blocker = status.get(l.blockerId);
    if (!blocked || !blocker || CLOSED.has(blocked) || CLOSED.has(blocker)) continue;
    waiting.set(l.blockedId, [...(waiting.get(l.blockedId) ?? []), l.blockerId]);
  }
  return waiting;
}
