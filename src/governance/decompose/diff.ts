/**
 * Plan diff for re-decomposing an edited spec. Items pair by id; an item whose id changed only
 * because its heading path did (a renamed or moved parent) pairs by content (type, title,
 * description, criteria) and is reported as moved with its `previousId`. Source line ranges are
 * not content: an edit above an item shifts its lines without changing it.
 */
import { normalizeTitle } from './ids.js';
import type { PlanItem, PlanLink, SpecPlan } from './types.js';

export const COMPARED_FIELDS = [
  'type',
  'title',
  'description',
  'acceptanceCriteria',
  'priority',
  'estimateDays',
  'agent',
  'milestone',
  'labels',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export interface ItemChange {
  id: string;
  fields: ComparedField[];
  before: PlanItem;
  after: PlanItem;
}

export interface ItemMove {
  id: string;
  /** Set when the id changed with the heading path. */
  previousId?: string;
  fromParentId: string | null;
  toParentId: string | null;
}

export interface PlanDiff {
  added: PlanItem[];
  removed: PlanItem[];
  changed: ItemChange[];
  moved: ItemMove[];
  linksAdded: PlanLink[];
  linksRemoved: PlanLink[];
}

type Plan = Pick<SpecPlan, 'items' | 'links'>;

const same = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;

function changedFields(a: PlanItem, b: PlanItem): ComparedField[] {
  return COMPARED_FIELDS.filter((f) => !same(a[f], b[f]));
}

const fingerprint = (it: PlanItem): string =>
  [it.type, normalizeTitle(it.title), it.description, it.acceptanceCriteria.join('\u001f')].join('\u001e');

export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const old = new Map(before.items.map((it) => [it.id, it]));
  const now = new Map(after.items.map((it) => [it.id, it]));
  const diff: PlanDiff = { added: [], removed: [], changed: [], moved: [], linksAdded: [], linksRemoved: [] };
  const pairs: [PlanItem, PlanItem, string | undefined][] = [];
  for (const it of after.items) {
    const prev = old.get(it.id);
    if (prev) pairs.push([prev, it, undefined]);
  }
  const removed = before.items.filter((it) => !now.has(it.id));
  const added = after.items.filter((it) => !old.has(it.id));
  const pending = new Map<string, PlanItem[]>();
  for (const it of removed) {
    const list = pending.get(fingerprint(it));
    if (list) list.push(it);
    else pending.set(fingerprint(it), [it]);
  }
  const matched = new Set<PlanItem>();
  for (const it of added) {
    const prev = pending.get(fingerprint(it))?.shift();
    if (prev) {
      matched.add(prev).add(it);
      pairs.push([prev, it, prev.id]);
    }
  }
  diff.added = added.filter((it) => !matched.has(it));
  diff.removed = removed.filter((it) => !matched.has(it));
  for (const [a, b, previousId] of pairs) {
    const fields = changedFields(a, b);
    if (fields.length > 0) diff.changed.push({ id: b.id, fields, before: a, after: b });
    if (previousId !== undefined || a.parentId !== b.parentId) {
      const move: ItemMove = { id: b.id, fromParentId: a.parentId, toParentId: b.parentId };
      if (previousId !== undefined) move.previousId = previousId;
      diff.moved.push(move);
    }
  }
  const linkKey = (l: PlanLink) => `${l.fromId} ${l.toId}`;
  const oldLinks = new Set(before.links.map(linkKey));
  const newLinks = new Set(after.links.map(linkKey));
  diff.linksAdded = after.links.filter((l) => !oldLinks.has(linkKey(l)));
  diff.linksRemoved = before.links.filter((l) => !newLinks.has(linkKey(l)));
  return diff;
}
