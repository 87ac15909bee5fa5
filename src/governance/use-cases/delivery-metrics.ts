/**
 * Delivery metrics and milestone forecasts over a workspace's items: one read of the tree (a page
 * at a time), then the pure figures of analytics/delivery.ts.
 */
import {
  DAY_MS,
  burnUp,
  criticalPath,
  openDependencies,
  cumulativeFlow,
  cycleHistogram,
  flowTimes,
  forecast,
  throughputByAgent,
  timeInStatus,
  velocity,
  weeklyThroughput,
  type BurnUpRow,
  type Forecast,
  type Period,
  type Transition,
} from '../analytics/delivery.js';
import type { GovernanceConfig } from '../config/schema.js';
import type { Milestone } from '../model/milestone.js';
import { isOpen, type ItemType, type Status, type WorkItem } from '../model/work-item.js';
import type { StoreReader } from '../ports/store.js';
import { listAgentServices } from './assignment.js';
import { requireMilestone } from './lookups.js';
import { allAudit } from './query-audit.js';
import { allItems } from './read-items.js';
import { requireWorkspace } from './workspaces.js';

/** Every item of an existing workspace (WORKSPACE.NOT_FOUND otherwise), in tree order. */
async function itemsOf(reader: StoreReader, workspace: string): Promise<WorkItem[]> {
  await requireWorkspace(reader, workspace);
  return allItems(reader, workspace);
}

export const METRIC_VIEWS = ['velocity', 'cycle_time', 'throughput', 'bottlenecks', 'flow'] as const;
export type MetricView = (typeof METRIC_VIEWS)[number];

export interface MetricsCommand {
  workspace: string;
  view: MetricView;
  level: ItemType;
  period: Period;
  /** ISO date or time; default 12 periods back. */
  since?: string;
  /** Bottlenecks: also this milestone's critical path. */
  milestoneId?: string;
  /** Every item of the workspace, when the caller already read them (one read for several figures). */
  items?: readonly WorkItem[];
}

/** Status changes of the workspace's items since `since`, oldest first, from the audit trail. */
async function statusTransitions(reader: StoreReader, workspace: string, since: string, rollUps: boolean) {
  const out: (Transition & { seq: number })[] = [];
  for (const action of rollUps ? ['item.status_changed', 'item.rolled_up'] : ['item.status_changed']) {
    for (const r of await allAudit(reader, workspace, { entityType: 'item', action, since })) {
      const d = r.diff.status;
      if (d)
        out.push({ itemId: r.entityId, at: r.at, from: d.old as Status, to: d.new as Status, seq: r.seq });
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

const BACK: Record<Period, number> = { day: 12, week: 12 * 7, month: 365 };
const ageDays = (from: string, now: string) =>
  Math.round(((Date.parse(now) - Date.parse(from)) / DAY_MS) * 10) / 10;

export async function deliveryMetrics(
  reader: StoreReader,
  config: Pick<GovernanceConfig, 'agents'>,
  now: string,
  cmd: MetricsCommand,
) {
  const since = cmd.since
    ? new Date(cmd.since).toISOString()
    : new Date(Date.parse(now) - BACK[cmd.period] * DAY_MS).toISOString();
  const items = cmd.items ?? (await itemsOf(reader, cmd.workspace));
  const window = { since, until: now };
  switch (cmd.view) {
    case 'velocity': {
      const rows = velocity(items, cmd.level, cmd.period, since, now);
      const done = rows.reduce((s, r) => s + r.done, 0);
      return {
        view: cmd.view,
        ...window,
        level: cmd.level,
        period: cmd.period,
        velocity: rows,
        done,
        perPeriod: rows.length ? Math.round((done / rows.length) * 100) / 100 : 0,
      };
    }
    case 'cycle_time':
      return {
        view: cmd.view,
        ...window,
        level: cmd.level,
        ...flowTimes(items, cmd.level, since),
        histogram: cycleHistogram(items, cmd.level, since),
      };
    case 'flow': {
      const transitions = await statusTransitions(reader, cmd.workspace, since, cmd.level !== 'task');
      return {
        view: cmd.view,
        ...window,
        level: cmd.level,
        flow: cumulativeFlow(items, transitions, cmd.level, since, now),
      };
    }
    case 'throughput':
      return { view: cmd.view, ...window, agents: throughputByAgent(items, since, now) };
    case 'bottlenecks': {
      const open = items.filter((i) => i.type === cmd.level && isOpen(i.status));
      const stuck = (status: 'blocked' | 'review') =>
        open
          .filter((i) => i.status === status)
          .map((i) => ({ id: i.id, title: i.title, days: ageDays(i.updatedAt, now), reason: i.statusReason }))
          .sort((a, b) => b.days - a.days);
      const waiting = openDependencies(items, await reader.listLinks(cmd.workspace));
      const services = await listAgentServices(reader, cmd.workspace, config, now, items);
      const transitions = await statusTransitions(reader, cmd.workspace, since, cmd.level !== 'task');
      let path: { milestoneId: string; ids: string[]; days: number } | undefined;
      if (cmd.milestoneId !== undefined) {
        const m = await requireMilestone(reader, cmd.workspace, cmd.milestoneId);
        const inMilestone = milestoneOpenTasks(items, m.id);
        const ids = new Set(inMilestone.map((t) => t.id));
        const links = (await reader.listLinks(cmd.workspace)).filter(
          (l) => ids.has(l.blockerId) && ids.has(l.blockedId),
        );
        path = { milestoneId: m.id, ...criticalPath(inMilestone, links) };
      }
      const blocked = stuck('blocked');
      const review = stuck('review');
      return {
        view: cmd.view,
        ...window,
        level: cmd.level,
        inProgress: open.filter((i) => i.status === 'in_progress').length,
        blocked: blocked.slice(0, 50),
        blockedCount: blocked.length,
        inReview: review.slice(0, 50),
        inReviewCount: review.length,
        waitingOnDependencies: [...waiting].map(([id, on]) => ({ id, on })).slice(0, 50),
        waitingCount: waiting.size,
        overWipLimit: services
          .filter((s) => s.openTasks > s.maxConcurrentTasks)
          .map((s) => ({ agent: s.id, openTasks: s.openTasks, limit: s.maxConcurrentTasks })),
        timeInStatus: timeInStatus(items, transitions, cmd.level, since, now),
        ...(path && { criticalPath: path }),
      };
    }
  }
}

export interface ForecastCommand {
  workspace: string;
  milestoneId: string;
  runs: number;
  seed: number;
  /** As MetricsCommand.items. */
  items?: readonly WorkItem[];
}

/**
 * The tasks a milestone holds, cancelled ones left out: its own, and those under an item attached
 * to it (items in tree order, so a parent comes before its children).
 */
function milestoneTaskList(items: readonly WorkItem[], milestoneId: string): WorkItem[] {
  const inherited = new Map<string, string | null>();
  const out: WorkItem[] = [];
  for (const it of items) {
    const m = it.milestoneId ?? (it.parentId ? (inherited.get(it.parentId) ?? null) : null);
    inherited.set(it.id, m);
    if (it.type === 'task' && m === milestoneId && it.status !== 'cancelled') out.push(it);
  }
  return out;
}

const milestoneOpenTasks = (items: readonly WorkItem[], milestoneId: string): WorkItem[] =>
  milestoneTaskList(items, milestoneId).filter((t) => isOpen(t.status));

export async function forecastMilestone(
  reader: StoreReader,
  now: string,
  cmd: ForecastCommand,
): Promise<{ milestone: Milestone; total: number; forecast: Forecast; burnUp: BurnUpRow[] }> {
  const milestone = await requireMilestone(reader, cmd.workspace, cmd.milestoneId);
  const items = cmd.items ?? (await itemsOf(reader, cmd.workspace));
  const tasks = milestoneTaskList(items, milestone.id);
  const open = tasks.filter((t) => isOpen(t.status)).length;
  return {
    milestone,
    total: tasks.length,
    burnUp: burnUp(tasks, now),
    forecast: forecast(open, weeklyThroughput(items, now), {
      now,
      dueOn: milestone.dueOn,
      runs: cmd.runs,
      seed: cmd.seed,
    }),
  };
}
