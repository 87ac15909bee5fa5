/**
 * Repository-level `milestone` and `label` events: a milestone edited (title, description, due
 * date), closed or reopened on GitHub changes the local milestone of that title, save what this
 * server wrote itself and has changed here since; a milestone deleted on GitHub is not deleted
 * here (it keeps its items, and the next sync creates it again), so the deletion is recorded as
 * drift, not applied. A label renamed or deleted on GitHub is renamed in or taken off the items
 * that carry it. Labels the policy owns (type, priority, agent) are the policy's to change, so
 * their events are ignored.
 */
import * as z from 'zod';
import type { Milestone } from '../model/milestone.js';
import type { WorkItem } from '../model/work-item.js';
import {
  recordDrift,
  writtenValues,
  type DriftChange,
  type DriftContext,
  type LabelsConfig,
} from './github-drift.js';
import { updateItemAt, updateMilestoneAt } from './store-writes.js';
import { diffFields, type WriteScope } from './write-scope.js';

const from = z.looseObject({ from: z.string().nullish() }).optional();
const milestoneEvent = z.looseObject({
  milestone: z.looseObject({
    title: z.string(),
    description: z.string().nullish(),
    state: z.enum(['open', 'closed']),
    due_on: z.string().nullish(),
  }),
  changes: z.looseObject({ title: from, description: from }).optional(),
});
const labelEvent = z.looseObject({
  label: z.looseObject({ name: z.string() }),
  changes: z.looseObject({ name: from }).optional(),
});

const MILESTONE_FIELDS = ['title', 'description', 'dueOn', 'state'] as const;
const PAGE = 500;

/** A change GitHub reported that is recorded as drift but not made here. */
export interface NotApplied {
  refused: string;
}

/** The changes made, or why nothing was. */
export async function applyRepoEvent(
  s: WriteScope,
  ctx: DriftContext,
  event: 'milestone' | 'label',
  action: string,
  payload: unknown,
  config: LabelsConfig,
): Promise<DriftChange[] | string | NotApplied> {
  return event === 'milestone' ? milestone(s, ctx, action, payload) : label(s, ctx, action, payload, config);
}

/** The local milestone a milestone event is about (by its title before a rename), if any. */
export async function milestoneOf(s: WriteScope, payload: unknown): Promise<Milestone | undefined> {
  const ev = milestoneEvent.safeParse(payload);
  if (!ev.success) return undefined;
  return s.tx.findMilestoneByTitle(s.workspace, ev.data.changes?.title?.from ?? ev.data.milestone.title);
}

async function milestone(
  s: WriteScope,
  ctx: DriftContext,
  action: string,
  payload: unknown,
): Promise<DriftChange[] | string | NotApplied> {
  if (action !== 'edited' && action !== 'closed' && action !== 'opened' && action !== 'deleted')
    return `milestone.${action} is not applied`;
  const ev = milestoneEvent.safeParse(payload);
  if (!ev.success) return 'malformed milestone payload';
  const gh = ev.data.milestone;
  const title = ev.data.changes?.title?.from ?? gh.title;
  const before = await s.tx.findMilestoneByTitle(s.workspace, title);
  if (!before) return `milestone "${title.slice(0, 100)}" has no local milestone`;
  if (action === 'deleted') {
    const refused = `${before.id} is not deleted here: it keeps its items, and the next sync creates it on GitHub again`;
    await recordDrift(
      s,
      ctx,
      { entityType: 'milestone', entityId: before.id, field: 'deleted', old: false, new: true },
      `not applied: ${refused}`,
    );
    return { refused };
  }
  const reported: Milestone = {
    ...before,
    title: gh.title,
    state: gh.state,
    ...(ev.data.changes?.description && { description: gh.description ?? '' }),
    // The payload carries the whole milestone: its due date is GitHub's, changed or not.
    ...(gh.due_on !== undefined && { dueOn: gh.due_on ? gh.due_on.slice(0, 10) : null }),
  };
  // What this server wrote itself and has changed here since stays as it is here.
  const written = await writtenValues(s, 'milestone', before.id);
  const after: Milestone = { ...reported };
  for (const f of MILESTONE_FIELDS)
    if (reported[f] !== before[f] && written.isEcho(f, reported[f])) Object.assign(after, { [f]: before[f] });
  const diff = diffFields(before, after, MILESTONE_FIELDS);
  if (Object.keys(diff).length === 0) return [];
  await updateMilestoneAt(s.tx, { ...after, updatedAt: s.now, version: before.version + 1 }, before.version);
  await s.audit({
    entityType: 'milestone',
    entityId: before.id,
    action: 'milestone.updated',
    diff,
    reason: `${ctx.what} on GitHub`,
  });
  await s.emit('milestone.upserted', { id: before.id, created: false });
  const changes = Object.entries(diff).map(([field, d]): DriftChange => ({
    entityType: 'milestone',
    entityId: before.id,
    field,
    old: d.old,
    new: d.new,
  }));
  for (const c of changes) await recordDrift(s, ctx, c);
  return changes;
}

async function label(
  s: WriteScope,
  ctx: DriftContext,
  action: string,
  payload: unknown,
  config: LabelsConfig,
) {
  const ev = labelEvent.safeParse(payload);
  if (!ev.success) return 'malformed label payload';
  const old =
    action === 'edited' ? ev.data.changes?.name?.from : action === 'deleted' ? ev.data.label.name : null;
  if (!old) return `label.${action} is not applied`;
  const { type, priority, agent } = config.labels;
  const owned = [...Object.values(type), ...Object.values(priority), ...Object.values(agent)];
  if (owned.some((l) => l.name.toLowerCase() === old.toLowerCase()))
    return `label "${old}" is the policy's: change it in the policy`;
  const renamed = action === 'edited' ? ev.data.label.name : null;
  const changes: DriftChange[] = [];
  for (const item of await carrying(s, old)) {
    const labels = item.labels.filter((l) => l.toLowerCase() !== old.toLowerCase());
    if (renamed && !labels.some((l) => l.toLowerCase() === renamed.toLowerCase())) labels.push(renamed);
    const next = { ...item, labels: labels.sort(), updatedAt: s.now, version: item.version + 1 };
    await updateItemAt(s.tx, next, item.version);
    const diff = { labels: { old: item.labels, new: next.labels } };
    await s.audit({
      entityType: 'item',
      entityId: item.id,
      action: 'item.updated',
      diff,
      reason: `${ctx.what} on GitHub`,
    });
    await s.emit('issue.updated', { id: item.id, changed: ['labels'] });
    const change: DriftChange = {
      entityType: 'item',
      entityId: item.id,
      field: 'labels',
      old: item.labels,
      new: next.labels,
    };
    await recordDrift(s, ctx, change);
    changes.push(change);
  }
  if (changes.length > 0) await s.emit('hierarchy.updated', { ids: changes.map((c) => c.entityId) });
  return changes;
}

async function carrying(s: WriteScope, name: string): Promise<WorkItem[]> {
  const out: WorkItem[] = [];
  const lower = name.toLowerCase();
  for (let after: string | undefined; ;) {
    const page = await s.tx.treePage(s.workspace, {
      limit: PAGE,
      ...(after !== undefined && { afterPath: after }),
    });
    out.push(...page.filter((i) => i.labels.some((l) => l.toLowerCase() === lower)));
    if (page.length < PAGE) return out;
    after = page.at(-1)!.path;
  }
}
