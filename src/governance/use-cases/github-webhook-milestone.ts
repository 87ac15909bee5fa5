/**
 * Repository-level `milestone` and `label` events: a milestone edited, closed or reopened on GitHub
 * changes the local milestone of that title; a label renamed or deleted on GitHub is renamed in or
 * taken off the items that carry it. Labels the policy owns (type, priority, agent) are the
 * policy's to change, so their events are ignored.
 */
import * as z from 'zod';
import type { Milestone } from '../model/milestone.js';
import type { WorkItem } from '../model/work-item.js';
import { recordDrift, type DriftChange, type DriftContext, type LabelsConfig } from './github-drift.js';
import { updateItemAt, updateMilestoneAt } from './store-writes.js';
import { diffFields, type WriteScope } from './write-scope.js';

const from = z.looseObject({ from: z.string().nullish() }).optional();
const milestoneEvent = z.looseObject({
  milestone: z.looseObject({
    title: z.string(),
    description: z.string().nullish(),
    state: z.enum(['open', 'closed']),
  }),
  changes: z.looseObject({ title: from, description: from }).optional(),
});
const labelEvent = z.looseObject({
  label: z.looseObject({ name: z.string() }),
  changes: z.looseObject({ name: from }).optional(),
});

const MILESTONE_FIELDS = ['title', 'description', 'state'] as const;
const PAGE = 500;

/** The changes made, or why nothing was. */
export async function applyRepoEvent(
  s: WriteScope,
  ctx: DriftContext,
  event: 'milestone' | 'label',
  action: string,
  payload: unknown,
  config: LabelsConfig,
): Promise<DriftChange[] | string> {
  return event === 'milestone' ? milestone(s, ctx, action, payload) : label(s, ctx, action, payload, config);
}

async function milestone(s: WriteScope, ctx: DriftContext, action: string, payload: unknown) {
  if (action !== 'edited' && action !== 'closed' && action !== 'opened')
    return `milestone.${action} is not applied`;
  const ev = milestoneEvent.safeParse(payload);
  if (!ev.success) return 'malformed milestone payload';
  const gh = ev.data.milestone;
  const title = ev.data.changes?.title?.from ?? gh.title;
  const before = await s.tx.findMilestoneByTitle(s.workspace, title);
  if (!before) return `milestone "${title.slice(0, 100)}" has no local milestone`;
  const after: Milestone = {
    ...before,
    title: gh.title,
    state: gh.state,
    ...(ev.data.changes?.description && { description: gh.description ?? '' }),
  };
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
