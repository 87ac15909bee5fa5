/**
 * A workspace at a glance, from one read of its items: counts per type and status, the epics'
 * progress, open milestones with completion, agent services' load, tasks done per week over the
 * last four weeks, bottlenecks, overdue work, the compliance summary and pending approvals. The
 * dashboard resource serves it and notifies subscribers when an item, milestone, configuration or
 * service changes.
 */
import { DAY_MS, openDependencies, velocity } from '../analytics/delivery.js';
import type { GovernanceConfig } from '../config/schema.js';
import { ITEM_TYPES, STATUSES, isOpen, type ItemType, type Status } from '../model/work-item.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { overdueAmong } from './agent-work.js';
import { listAgentServices } from './assignment.js';
import { complianceReport } from './compliance-report.js';
import type { ConfigService } from './config-service.js';
import { listMilestones } from './list-milestones.js';
import { allItems } from './read-items.js';
import { requireWorkspace } from './workspaces.js';

const EPICS_LISTED = 20;
const VELOCITY_WEEKS = 4;

export interface Dashboard {
  workspace: string;
  at: string;
  items: {
    total: number;
    byType: Record<ItemType, number>;
    byStatus: Record<Status, number>;
  };
  epics: { id: string; title: string; status: Status; progress: number; milestoneId: string | null }[];
  milestones: {
    id: string;
    title: string;
    dueOn: string | null;
    overdue: boolean;
    percent: number;
    done: number;
    total: number;
  }[];
  agents: {
    id: string;
    openTasks: number;
    maxConcurrentTasks: number;
    utilization: number;
    healthy: boolean;
  }[];
  /** Tasks done per ISO week, the last four weeks, oldest first. */
  velocity: { period: string; done: number }[];
  bottlenecks: { blocked: number; inReview: number; waitingOnDependencies: number; overWipLimit: number };
  overdue: { total: number; escalate: number };
  compliance: {
    checked: number;
    complianceRate: number;
    meanScore: number;
    bySeverity: { error: number; warning: number; info: number };
  };
}

export async function buildDashboard(
  deps: CoreDeps & { config: Pick<ConfigService, 'effective'> },
  config: Pick<GovernanceConfig, 'agents'>,
  workspace: string,
): Promise<Dashboard> {
  const r = deps.store.reader;
  const now = deps.clock.now();
  await requireWorkspace(r, workspace);
  const [items, milestones, links, compliance] = await Promise.all([
    allItems(r, workspace),
    listMilestones(deps, workspace, 'open'),
    r.listLinks(workspace),
    complianceReport(deps, { workspace, scope: 'workspace', limit: 1 }),
  ]);
  const services = await listAgentServices(r, workspace, config, now, items);
  const byType = Object.fromEntries(ITEM_TYPES.map((t) => [t, 0])) as Record<ItemType, number>;
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const i of items) {
    byType[i.type] += 1;
    byStatus[i.status] += 1;
  }
  const waiting = openDependencies(items, links);
  const late = overdueAmong(items, milestones, services, now);
  const since = new Date(Date.parse(now) - (VELOCITY_WEEKS * 7 - 1) * DAY_MS).toISOString();
  return {
    workspace,
    at: now,
    items: { total: items.length, byType, byStatus },
    epics: items
      .filter((i) => i.type === 'epic' && isOpen(i.status))
      .slice(0, EPICS_LISTED)
      .map((e) => ({
        id: e.id,
        title: e.title,
        status: e.status,
        progress: e.progress,
        milestoneId: e.milestoneId,
      })),
    milestones: milestones
      .sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'))
      .map((m) => ({
        id: m.id,
        title: m.title,
        dueOn: m.dueOn,
        overdue: m.overdue,
        percent: m.completion.percent,
        done: m.completion.done,
        total: m.completion.total,
      })),
    agents: services.map((s) => ({
      id: s.id,
      openTasks: s.openTasks,
      maxConcurrentTasks: s.maxConcurrentTasks,
      utilization: Math.round(s.utilization * 100) / 100,
      healthy: s.healthy,
    })),
    velocity: velocity(items, 'task', 'week', since, now).map((v) => ({ period: v.period, done: v.done })),
    bottlenecks: {
      blocked: items.filter((i) => i.type === 'task' && i.status === 'blocked').length,
      inReview: items.filter((i) => i.type === 'task' && i.status === 'review').length,
      waitingOnDependencies: waiting.size,
      overWipLimit: services.filter((s) => s.openTasks > s.maxConcurrentTasks).length,
    },
    overdue: { total: late.length, escalate: late.filter((o) => o.escalate).length },
    compliance: {
      checked: compliance.checked,
      complianceRate: compliance.complianceRate,
      meanScore: compliance.meanScore,
      bySeverity: compliance.bySeverity,
    },
  };
}
