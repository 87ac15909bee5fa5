import { mergeReason } from '../decompose/merge.js';
import type { SpecPlan } from '../decompose/types.js';
import { DomainError } from '../errors.js';
import type { ImportedPlan } from '../import/types.js';
import type { WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { assertWorkspace } from '../model/workspace.js';
import { placement } from '../rules/hierarchy.js';
import { NEEDS_REASON } from '../rules/status.js';
import { AUDITED_ITEM_FIELDS } from './create-item.js';
import { addLink } from './links.js';
import { requireItem } from './lookups.js';
import {
  planSteps,
  statusPath,
  type FieldConflict,
  type MergeBase,
  type PlanSteps,
  type SkipReason,
} from './plan-steps.js';
import { applyMilestones, previewMilestones, type PlanMilestones } from './plan-milestones.js';
import {
  findOrphans,
  previewOrphans,
  settleOrphans,
  type Orphan,
  type OrphanPolicy,
} from './plan-orphans.js';
import { rollUp } from './rollup.js';
import { transitionItem } from './set-item-status.js';
import { updateItemAt } from './store-writes.js';
import { diffFields, runWrite, type WriteScope } from './write-scope.js';

/** One transaction per plan: above this the write holds the workspace lock for too long. */
export const MAX_PLAN_ITEMS = 5_000;
export const MAX_PLAN_LINKS = 20_000;

export interface ApplyPlanCommand {
  workspace: string;
  plan: SpecPlan | ImportedPlan;
  /** Names where the plan came from (`spec`, `taskmaster`, `speckit`); prefixes the items' source refs. */
  origin: string;
  dryRun: boolean;
  /** The last applied version's values: fields people edited are kept, not brought back to the plan. */
  merge?: MergeBase;
  /** What to do with items of `origin` the plan no longer has: `keep` (default) or `cancel`. */
  orphans?: OrphanPolicy;
}

export interface ApplyReport {
  dryRun: boolean;
  /** Items created (or, on a dry run, to create, with a null id), in plan order. */
  created: { planId: string; id: string | null }[];
  updated: { planId: string; id: string; fields: string[] }[];
  unchanged: number;
  /** Fields both edited in the hierarchy and changed by the plan since the merge base. */
  conflicts: FieldConflict[];
  links: { added: number; skipped: { fromId: string; toId: string; reason: SkipReason }[] };
  /** Items brought to the status their source gave them (imports only). */
  statuses: number;
  /** Items `origin` wrote that the plan no longer has (its source disappeared); never deleted. */
  orphaned: Orphan[];
  /** Epic milestones the plan names, created and attached when milestones.autoCreate is on. */
  milestones: PlanMilestones;
}

/**
 * Writes a plan into the workspace's hierarchy, all of it in one transaction: creates the items
 * it does not have yet, brings the plan's fields of the others back to the plan, adds missing
 * dependency links and drives imported statuses. Never deletes or moves; applying the same plan
 * twice changes nothing the second time. A dry run computes the same report from reads only.
 */
export async function applyPlan(deps: CoreDeps, caller: Caller, cmd: ApplyPlanCommand): Promise<ApplyReport> {
  assertWorkspace(cmd.workspace);
  assertSize(cmd.plan);
  if (cmd.dryRun) {
    const steps = await planSteps(deps, deps.store.reader, cmd.workspace, cmd.plan, cmd.origin, cmd.merge);
    const r = deps.store.reader;
    return {
      ...report(steps, true),
      orphaned: previewOrphans(await findOrphans(r, cmd.workspace, cmd.origin, steps), cmd.orphans ?? 'keep'),
      milestones: await previewMilestones(deps, r, cmd.workspace, cmd.plan, cmd.origin),
    };
  }
  return runWrite(deps, caller, cmd.workspace, (s) =>
    writePlan(s, cmd.plan, cmd.origin, cmd.merge, cmd.orphans),
  );
}

/** The write half of applyPlan, inside a write another use-case opened (apply_spec also stores the spec). */
export async function writePlan(
  s: WriteScope,
  plan: SpecPlan | ImportedPlan,
  origin: string,
  merge?: MergeBase,
  orphans: OrphanPolicy = 'keep',
): Promise<ApplyReport> {
  assertSize(plan);
  const steps = await planSteps(s.deps, s.tx, s.workspace, plan, origin, merge);
  const orphaned = await findOrphans(s.tx, s.workspace, origin, steps);
  const ids = await execute(s, steps, origin);
  return {
    ...report(steps, false, ids),
    orphaned: await settleOrphans(s, orphaned, orphans, origin),
    milestones: await applyMilestones(s, plan, origin),
  };
}

function assertSize(plan: SpecPlan): void {
  if (plan.items.length <= MAX_PLAN_ITEMS && plan.links.length <= MAX_PLAN_LINKS) return;
  throw new DomainError(
    'PLAN.TOO_LARGE',
    `The plan has ${plan.items.length} items and ${plan.links.length} links; one call applies at most ` +
      `${MAX_PLAN_ITEMS} items and ${MAX_PLAN_LINKS} links.`,
    'Split the source (for example one epic or one Task Master tag per call) and apply each part.',
    {
      items: plan.items.length,
      links: plan.links.length,
      maxItems: MAX_PLAN_ITEMS,
      maxLinks: MAX_PLAN_LINKS,
    },
  );
}

function report(
  steps: PlanSteps,
  dryRun: boolean,
  ids?: Map<string, string>,
): Omit<ApplyReport, 'orphaned' | 'milestones'> {
  return {
    dryRun,
    created: steps.creations.map((c) => ({ planId: c.planId, id: ids?.get(c.ref) ?? null })),
    updated: steps.updates.map((u) => ({ planId: u.planId, id: u.before.id, fields: u.fields })),
    unchanged: steps.unchanged,
    conflicts: steps.conflicts,
    links: { added: steps.links.length, skipped: steps.skipped },
    statuses: steps.statuses.length,
  };
}

/** Performs the steps inside the write; returns the ids of the created items by source ref. */
async function execute(s: WriteScope, steps: PlanSteps, origin: string): Promise<Map<string, string>> {
  const byRef = new Map<string, WorkItem>(steps.existing);
  const touched = new Set<string>();
  const rollupFrom = new Set<string | null>();
  for (const c of steps.creations) {
    const parent = c.parentRef === null ? undefined : byRef.get(c.parentRef);
    const seq = await s.tx.nextSeq(s.workspace, 'item');
    const item: WorkItem = { ...c.draft, ...placement(c.draft.type, parent, seq, s.now) };
    await s.tx.insertItem(item);
    await s.audit({
      entityType: 'item',
      entityId: item.id,
      action: 'item.created',
      diff: {
        ...diffFields(null, item, AUDITED_ITEM_FIELDS),
        sourceRef: { old: null, new: c.ref },
      },
      reason: `applied from the ${origin} plan`,
    });
    await s.emit('issue.created', { id: item.id, type: item.type, parentId: item.parentId });
    byRef.set(c.ref, item);
    touched.add(item.id);
    rollupFrom.add(item.parentId);
  }
  // New children change their parents' progress: one roll-up for all of them, deepest first.
  await rollUp(s, [...rollupFrom], `${steps.creations.length} item(s) created from the ${origin} plan`);

  for (const u of steps.updates) {
    const next = { ...u.after, updatedAt: s.now, version: u.before.version + 1 };
    await updateItemAt(s.tx, next, u.before.version);
    await s.audit({
      entityType: 'item',
      entityId: next.id,
      action: 'item.updated',
      diff: {
        ...diffFields(u.before, next, AUDITED_ITEM_FIELDS),
        ...(u.before.sourceRef !== next.sourceRef && {
          sourceRef: { old: u.before.sourceRef ?? null, new: next.sourceRef ?? null },
        }),
      },
      reason: `${mergeReason(u.decisions, origin)} (${next.sourceRef ?? ''})`,
    });
    await s.emit('issue.updated', { id: next.id, changed: u.fields });
    touched.add(next.id);
  }

  for (const l of steps.links) {
    await addLink(s, byRef.get(l.blockerRef)!.id, byRef.get(l.blockedRef)!.id, `from the ${origin} plan`);
  }

  for (const st of steps.statuses) {
    // Re-read: roll-ups of earlier steps may already have moved a parent along.
    let item = await requireItem(s.tx, s.workspace, byRef.get(st.ref)!.id);
    for (const status of statusPath(item.status, st.status)) {
      const reason = NEEDS_REASON.includes(status)
        ? st.reason || `${status} in ${origin}`
        : `imported from ${origin}`;
      item = (await transitionItem(s, item, status, reason)).item;
    }
  }

  if (touched.size) await s.emit('hierarchy.updated', { ids: [...touched] });
  return new Map([...byRef].filter(([ref]) => !steps.existing.has(ref)).map(([ref, i]) => [ref, i.id]));
}
