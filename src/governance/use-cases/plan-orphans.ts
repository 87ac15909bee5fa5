/**
 * Items whose source disappeared: a plan origin (a spec, an import format) wrote them, and the
 * plan being applied neither has them nor re-pairs them. They are reported on every apply, and
 * cancelled (audited, with a reason; never deleted) when the caller asks for it.
 */
import { isOpen, type Status, type WorkItem } from '../model/work-item.js';
import type { ItemReads } from '../ports/store-items.js';
import { requireItem } from './lookups.js';
import type { PlanSteps } from './plan-steps.js';
import { transitionItem } from './set-item-status.js';
import type { WriteScope } from './write-scope.js';

export const ORPHAN_POLICIES = ['keep', 'cancel'] as const;
export type OrphanPolicy = (typeof ORPHAN_POLICIES)[number];

export interface Orphan {
  id: string;
  sourceRef: string;
  title: string;
  /** The status after the apply (`cancelled` when this call cancelled it). */
  status: Status;
  /** `cancelled` by this call, `would_cancel` on a dry run, else `kept` (a done item always is). */
  action: 'kept' | 'cancelled' | 'would_cancel';
}

/** Stored items of `origin` the plan no longer has; already cancelled ones are not reported again. */
export async function findOrphans(
  r: ItemReads,
  workspace: string,
  origin: string,
  steps: PlanSteps,
): Promise<WorkItem[]> {
  const inPlan = new Set([...steps.existing.values()].map((i) => i.id));
  return (await r.findItemsByOrigin(workspace, origin)).filter(
    (i) => !inPlan.has(i.id) && i.status !== 'cancelled',
  );
}

/** What a dry run reports: the open ones would be cancelled under `cancel`. */
export function previewOrphans(orphans: readonly WorkItem[], policy: OrphanPolicy): Orphan[] {
  return orphans.map((i) => ({
    ...orphanOf(i),
    action: policy === 'cancel' && isOpen(i.status) ? 'would_cancel' : 'kept',
  }));
}

/**
 * Inside the write, after the plan's own steps: cancels the open orphans deepest first (so each
 * roll-up sees its children settled), re-reading each since earlier roll-ups may have moved it.
 */
export async function settleOrphans(
  s: WriteScope,
  orphans: readonly WorkItem[],
  policy: OrphanPolicy,
  origin: string,
): Promise<Orphan[]> {
  if (policy === 'keep') return orphans.map((i) => ({ ...orphanOf(i), action: 'kept' }));
  const out = new Map<string, Orphan>();
  for (const o of [...orphans].sort((a, b) => b.depth - a.depth)) {
    const item = await requireItem(s.tx, s.workspace, o.id);
    if (!isOpen(item.status)) {
      out.set(o.id, { ...orphanOf(item), action: 'kept' });
      continue;
    }
    const reason = `its source is no longer in the ${origin} plan (${item.sourceRef ?? ''})`;
    const next = (await transitionItem(s, item, 'cancelled', reason)).item;
    out.set(o.id, { ...orphanOf(next), action: 'cancelled' });
  }
  return orphans.map((o) => out.get(o.id)!);
}

const orphanOf = (i: WorkItem): Omit<Orphan, 'action'> => ({
  id: i.id,
  sourceRef: i.sourceRef ?? '',
  title: i.title,
  status: i.status,
});
