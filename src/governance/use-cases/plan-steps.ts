import { mergeFields, WRITES, type FieldDecision, type OnConflict } from '../decompose/merge.js';
import type { PlanItem, SpecPlan } from '../decompose/types.js';
import { DomainError } from '../errors.js';
import type { ImportedItem } from '../import/types.js';
import { LIMITS, type ItemLink, type Status, type WorkItem } from '../model/work-item.js';
import type { StoreReader } from '../ports/store.js';
import { assertParent } from '../rules/hierarchy.js';
import { findCycle } from '../rules/links.js';
import { TRANSITIONS } from '../rules/status.js';
import { hierarchyPolicy } from './config-effective.js';
import type { DocumentDeps } from './config-documents.js';

/**
 * The item fields a plan owns. Without a merge base (imports), applying it again brings them back
 * to the plan's values; with one (specs), only where nobody edited them (see decompose/merge.ts).
 */
export const PLAN_FIELDS = ['title', 'description', 'priority', 'estimateDays', 'agent', 'labels'] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];
export type PlanFields = Pick<WorkItem, PlanField>;

/** What the last applied version of the plan gave each item, by item id, and how to settle conflicts. */
export interface MergeBase {
  byItemId: ReadonlyMap<string, PlanFields>;
  onConflict: OnConflict;
}

/** A field both a person (or agent) and the spec changed since the last applied version. */
export interface FieldConflict {
  planId: string;
  id: string;
  field: PlanField;
  spec: unknown;
  current: unknown;
  /** `current`: left as it is; `spec`: the spec's value was written (onConflict: "spec"). */
  resolved: 'current' | 'spec';
}

export type SkipReason = 'cycle' | 'unresolved';

export interface Creation {
  planId: string;
  ref: string;
  /** The new item, except for the fields only a write can fill (id, seq, path, depth, timestamps). */
  draft: WorkItem;
  /** Source ref of the parent (created earlier in this plan, or already stored), or null at the root. */
  parentRef: string | null;
}

export interface Update {
  planId: string;
  before: WorkItem;
  after: WorkItem;
  fields: string[];
  decisions: Partial<Record<PlanField, FieldDecision>>;
}

export interface StatusStep {
  ref: string;
  /** The imported status; reached through legal transitions from wherever the item is by then. */
  status: Status;
  reason: string | null;
}

export interface LinkStep {
  blockerRef: string;
  blockedRef: string;
}

/** What applying a plan would do, computed from reads only; the same for a dry run and a write. */
export interface PlanSteps {
  creations: Creation[];
  updates: Update[];
  unchanged: number;
  conflicts: FieldConflict[];
  links: LinkStep[];
  skipped: { fromId: string; toId: string; reason: SkipReason }[];
  /** Deepest first, so parents reach their status after their children. */
  statuses: StatusStep[];
  /** Stored items of the plan, by source ref. */
  existing: Map<string, WorkItem>;
}

const DEPTH = { epic: 0, feature: 1, task: 2 } as const;

/** Plan values clamped to the limits create_item enforces, so a stored item never exceeds them. */
export function planFields(p: PlanItem): PlanFields {
  const labels = p.labels.map((l) => l.trim().slice(0, LIMITS.label)).filter((l) => l !== '');
  return {
    title: p.title.trim().slice(0, LIMITS.title) || p.id,
    description: p.description.slice(0, LIMITS.description),
    priority: p.priority,
    estimateDays: Math.min(Math.max(p.estimateDays, 0), LIMITS.estimateDays),
    agent: p.agent?.trim().slice(0, LIMITS.agent) || null,
    labels: [...new Set(labels)].slice(0, LIMITS.labels),
  };
}

const isImported = (p: PlanItem): p is ImportedItem => 'status' in p;

/** Shortest legal path from one status to another; `blocked` and `cancelled` only ever as the last step. */
export function statusPath(from: Status, to: Status): Status[] {
  const prev = new Map<Status, Status | null>([[from, null]]);
  const queue: Status[] = [from];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    if (s === to) break;
    if ((s === 'blocked' || s === 'cancelled') && s !== from) continue;
    for (const n of TRANSITIONS[s]) {
      if (!prev.has(n)) {
        prev.set(n, s);
        queue.push(n);
      }
    }
  }
  const path: Status[] = [];
  for (let s: Status | null | undefined = to; s && s !== from; s = prev.get(s)) path.unshift(s);
  return path;
}

export async function planSteps(
  deps: DocumentDeps,
  r: StoreReader,
  workspace: string,
  plan: SpecPlan,
  origin: string,
  merge?: MergeBase,
): Promise<PlanSteps> {
  const refOf = (planId: string) => `${origin}:${planId}`;
  const inPlan = new Set<string>();
  for (const p of plan.items) {
    if (inPlan.has(p.id)) {
      throw new DomainError(
        'INPUT.INVALID',
        `The plan has item ${p.id} twice`,
        'Pass a plan with unique ids.',
      );
    }
    inPlan.add(p.id);
  }
  const stored = await r.findItemsBySourceRefs(workspace, [...inPlan].map(refOf));
  const existing = new Map(stored.map((i) => [i.sourceRef!, i]));
  // The same policy create_item applies (the configured one over the stored one).
  const policy = await hierarchyPolicy(r, workspace, deps);
  const steps: PlanSteps = {
    creations: [],
    updates: [],
    unchanged: 0,
    conflicts: [],
    links: [],
    skipped: [],
    statuses: [],
    existing,
  };
  const drafts = new Map<string, WorkItem>();

  // A title edit changes the plan id (ids hash titles), so an item that lost its ref is paired with
  // the one new sibling that replaced it: the stored item is updated (and re-keyed), not duplicated.
  const fresh = new Map<string | null, number>();
  for (const p of plan.items) {
    if (!existing.has(refOf(p.id))) fresh.set(p.parentId, (fresh.get(p.parentId) ?? 0) + 1);
  }
  const orphansOf = async (parentId: string | null): Promise<WorkItem[]> =>
    (await r.listChildren(workspace, parentId)).filter(
      (i) => i.sourceRef?.startsWith(`${origin}:`) && !inPlan.has(i.sourceRef.slice(origin.length + 1)),
    );
  const claimed = new Set<string>();
  // The parts of a split feature (`X (part n)`) renamed together pair part by part, in order, when
  // as many parts were left behind under the same epic as the plan now has.
  const freshParts = new Map<string | null, string[]>();
  for (const p of plan.items) {
    if (p.type === 'feature' && p.labels.includes('spec:split') && !existing.has(refOf(p.id))) {
      freshParts.set(p.parentId, [...(freshParts.get(p.parentId) ?? []), p.id]);
    }
  }
  const splitPart = async (p: SpecPlan['items'][number], parentId: string | null) => {
    const parts = p.type === 'feature' ? freshParts.get(p.parentId) : undefined;
    if (!parts || parts.length < 2) return undefined;
    const left = (await orphansOf(parentId))
      .filter((i) => i.type === 'feature' && i.labels.includes('spec:split'))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (left.length !== parts.length) return undefined;
    const found = left[parts.indexOf(p.id)];
    return found && !claimed.has(found.id) ? found : undefined;
  };

  for (const p of plan.items) {
    const ref = refOf(p.id);
    const fields = planFields(p);
    const parentRef = p.parentId === null ? null : refOf(p.parentId);
    const parent = parentRef === null ? undefined : (existing.get(parentRef) ?? drafts.get(parentRef));
    let before = existing.get(ref);
    if (!before && (p.parentId === null || (parent && parent.seq > 0))) {
      const candidates = (await orphansOf(parent?.id ?? null)).filter(
        (i) => i.type === p.type && !claimed.has(i.id),
      );
      before =
        candidates.find((i) => i.title === fields.title) ??
        (candidates.length === 1 && fresh.get(p.parentId) === 1 ? candidates[0] : undefined) ??
        (await splitPart(p, parent?.id ?? null));
      if (before) {
        claimed.add(before.id);
        existing.set(ref, before);
      }
    }
    if (before) {
      const base = merge?.byItemId.get(before.id);
      const m = mergeFields(PLAN_FIELDS, base, before, fields, merge?.onConflict ?? 'keep');
      const fieldsChanged: string[] = PLAN_FIELDS.filter((f) => WRITES.has(m.decisions[f]!));
      for (const f of PLAN_FIELDS) {
        const d = m.decisions[f];
        if (d !== 'conflict' && d !== 'taken') continue;
        const resolved = d === 'taken' ? 'spec' : 'current';
        steps.conflicts.push({
          planId: p.id,
          id: before.id,
          field: f,
          spec: fields[f],
          current: before[f],
          resolved,
        });
      }
      if (before.sourceRef !== ref) fieldsChanged.push('sourceRef');
      if (fieldsChanged.length) {
        const after = { ...m.merged, sourceRef: ref };
        steps.updates.push({ planId: p.id, before, after, fields: fieldsChanged, decisions: m.decisions });
      } else steps.unchanged++;
    } else {
      assertParent(p.type, parent, policy, { childOpen: true });
      const draft = newDraft(workspace, p, fields, ref, parent);
      drafts.set(ref, draft);
      steps.creations.push({ planId: p.id, ref, draft, parentRef: parent ? parentRef : null });
    }
    if (isImported(p) && p.status !== 'planning') {
      const current = before?.status ?? 'planning';
      if (current !== p.status) {
        steps.statuses.push({ ref, status: p.status, reason: p.statusReason });
      }
    }
  }
  const depthOf = (ref: string) => DEPTH[(existing.get(ref) ?? drafts.get(ref))!.type];
  steps.statuses.sort((a, b) => depthOf(b.ref) - depthOf(a.ref));

  // Graph nodes: stored items by id, items still to create by their source ref (never an id: it has a ':').
  const node = (ref: string) => existing.get(ref)?.id ?? ref;
  const links: ItemLink[] = await r.listLinks(workspace);
  const has = new Set(links.map((l) => `${l.blockerId}>${l.blockedId}`));
  for (const l of plan.links) {
    if (!inPlan.has(l.fromId) || !inPlan.has(l.toId) || l.fromId === l.toId) {
      steps.skipped.push({ fromId: l.fromId, toId: l.toId, reason: 'unresolved' });
      continue;
    }
    // `from depends_on to`: `to` blocks `from`.
    const [blockerRef, blockedRef] = [refOf(l.toId), refOf(l.fromId)];
    const [blocker, blocked] = [node(blockerRef), node(blockedRef)];
    if (has.has(`${blocker}>${blocked}`)) continue;
    if (findCycle(links, blocker, blocked)) {
      steps.skipped.push({ fromId: l.fromId, toId: l.toId, reason: 'cycle' });
      continue;
    }
    links.push({ workspace, blockerId: blocker, blockedId: blocked, createdAt: '' });
    has.add(`${blocker}>${blocked}`);
    steps.links.push({ blockerRef, blockedRef });
  }
  return steps;
}

function newDraft(
  workspace: string,
  p: PlanItem,
  fields: PlanFields,
  ref: string,
  parent: WorkItem | undefined,
): WorkItem {
  return {
    workspace,
    id: p.id,
    seq: 0,
    type: p.type,
    ...fields,
    status: 'planning',
    statusReason: null,
    milestoneId: null,
    parentId: parent?.id ?? null,
    path: '',
    depth: parent ? parent.depth + 1 : 0,
    progress: 0,
    createdAt: '',
    updatedAt: '',
    startedAt: null,
    completedAt: null,
    version: 1,
    sourceRef: ref,
  };
}
