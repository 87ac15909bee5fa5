/**
 * What a sprint is planned from: the open tasks in the order they can start (blockers first), the
 * open blockers of each, and how loaded each agent service already is.
 */
import { DomainError } from '../errors.js';
import type { Milestone } from '../model/milestone.js';
import { isOpen, OPEN_STATUSES, PRIORITIES, type ItemLink, type WorkItem } from '../model/work-item.js';
import type { StoreReader } from '../ports/store.js';
import { treePage } from './read-items.js';

/** A milestone by id, else by exact title; MILESTONE.NOT_FOUND otherwise. */
export async function resolveMilestone(r: StoreReader, workspace: string, ref: string): Promise<Milestone> {
  const m = (await r.getMilestone(workspace, ref)) ?? (await r.findMilestoneByTitle(workspace, ref));
  if (m) return m;
  throw new DomainError(
    'MILESTONE.NOT_FOUND',
    `No milestone "${ref.slice(0, 100)}" in ${workspace}`,
    'Pass a milestone id or title from list_milestones (argument completion offers them).',
  );
}

/** Open blockers before what they block; otherwise by priority, then tree order. Links never form cycles. */
export function blockersFirst(tasks: readonly WorkItem[], links: readonly ItemLink[]): WorkItem[] {
  const rank = (t: WorkItem) => PRIORITIES.indexOf(t.priority);
  const waiting = new Map(tasks.map((t) => [t.id, 0]));
  for (const l of links)
    if (waiting.has(l.blockerId) && waiting.has(l.blockedId))
      waiting.set(l.blockedId, waiting.get(l.blockedId)! + 1);
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

export interface SprintTask {
  item: WorkItem;
  /** Its blockers that are still open. */
  dependsOn: string[];
}

export interface SprintBacklog {
  /** Open tasks, blockers first. */
  tasks: SprintTask[];
  /** More open tasks exist than `limit`. */
  truncated: boolean;
}

/** The workspace's open tasks (at most `limit`, tree order before sorting), blockers first. */
export async function sprintBacklog(
  r: StoreReader,
  workspace: string,
  limit: number,
): Promise<SprintBacklog> {
  const page = await treePage(r, { workspace, types: ['task'], statuses: [...OPEN_STATUSES], limit });
  const open = new Map(page.items.map((t) => [t.id, t]));
  const links = (await r.listLinks(workspace)).filter((l) => open.has(l.blockedId));
  // A blocker outside the page may be done or cancelled (no longer blocking), a feature, or past the cap.
  const outside = [...new Set(links.map((l) => l.blockerId).filter((id) => !open.has(id)))];
  const statusOf = new Map((await r.getItems(workspace, outside)).map((i) => [i.id, i.status]));
  const blocking = links.filter((l) => open.has(l.blockerId) || isOpen(statusOf.get(l.blockerId) ?? 'done'));
  return {
    tasks: blockersFirst(page.items, blocking).map((item) => ({
      item,
      dependsOn: blocking.filter((l) => l.blockedId === item.id).map((l) => l.blockerId),
    })),
    truncated: page.nextCursor !== null,
  };
}

/** The agent services asked for (comma-separated; absent or blank: all of them) and those unknown. */
export function pickAgents(
  known: readonly string[],
  requested: string | undefined,
): { picked: string[]; unknown: string[] } {
  const picked = requested?.trim()
    ? requested
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean)
    : [...known];
  return { picked, unknown: picked.filter((a) => !known.includes(a)) };
}
