import * as z from 'zod';
import { STATUSES } from '../../governance/model/work-item.js';
import { SPEC_STAGES, STAGE_STATES, stageStates } from '../../governance/model/spec.js';
import { PLAN_FIELDS } from '../../governance/use-cases/plan-steps.js';
import type { ApplyReport } from '../../governance/use-cases/apply-plan.js';
import { ORPHAN_POLICIES } from '../../governance/use-cases/plan-orphans.js';
import type { ApplySpecResult } from '../../governance/use-cases/spec-store.js';

const CAP = 200;

/** The `orphans` input of apply_spec and import_tasks. */
export const orphansIn = z
  .enum(ORPHAN_POLICIES)
  .default('keep')
  .describe(
    'Items this source wrote whose section or task is gone: keep them (default, reported as orphaned) ' +
      'or cancel them (audited, with a reason; nothing is deleted)',
  );

/** What apply_spec and import_tasks return: the lists capped, the totals always exact. */
export const applyReportOut = z.object({
  dryRun: z.boolean(),
  created: z.array(z.object({ planId: z.string(), id: z.string().nullable() })),
  updated: z.array(z.object({ planId: z.string(), id: z.string(), fields: z.array(z.string()) })),
  unchanged: z.number(),
  links: z.object({
    added: z.number(),
    skipped: z.array(
      z.object({ fromId: z.string(), toId: z.string(), reason: z.enum(['cycle', 'unresolved']) }),
    ),
  }),
  statuses: z.number(),
  orphaned: z
    .array(
      z.object({
        id: z.string(),
        sourceRef: z.string(),
        title: z.string(),
        status: z.enum(STATUSES),
        action: z.enum(['kept', 'cancelled', 'would_cancel']),
      }),
    )
    .describe('Items this source wrote that the plan no longer has; cancelled only with orphans: "cancel"'),
  milestones: z
    .object({
      created: z.array(z.object({ id: z.string().nullable(), title: z.string() })),
      attached: z.array(
        z.object({ itemId: z.string(), milestoneId: z.string().nullable(), title: z.string() }),
      ),
    })
    .describe('Epic milestones created and attached (only when milestones.autoCreate is on)'),
  totals: z.object({
    created: z.number(),
    updated: z.number(),
    linksSkipped: z.number(),
    orphaned: z.number(),
  }),
  truncated: z.boolean(),
});

export function toApplyReportOut(r: ApplyReport): z.infer<typeof applyReportOut> {
  const lists = [r.created, r.updated, r.links.skipped, r.orphaned];
  return {
    dryRun: r.dryRun,
    created: r.created.slice(0, CAP),
    updated: r.updated.slice(0, CAP),
    unchanged: r.unchanged,
    links: { added: r.links.added, skipped: r.links.skipped.slice(0, CAP) },
    statuses: r.statuses,
    orphaned: r.orphaned.slice(0, CAP),
    milestones: r.milestones,
    totals: {
      created: r.created.length,
      updated: r.updated.length,
      linksSkipped: r.links.skipped.length,
      orphaned: r.orphaned.length,
    },
    truncated: lists.some((l) => l.length > CAP),
  };
}

function orphanSummary(r: ApplyReport): string {
  if (r.orphaned.length === 0) return '';
  const cancelled = r.orphaned.filter((o) => o.action !== 'kept').length;
  const ids = r.orphaned
    .slice(0, 10)
    .map((o) => o.id)
    .join(', ');
  const what = cancelled
    ? `${cancelled} ${r.dryRun ? 'to cancel' : 'cancelled'}`
    : 'kept; orphans: "cancel" cancels them';
  return `, ${r.orphaned.length} orphaned (${ids}; ${what})`;
}

export function applySummary(r: ApplyReport): string {
  const counts =
    `${r.created.length} created, ${r.updated.length} updated, ${r.unchanged} unchanged, ` +
    `${r.links.added} link(s) added, ${r.links.skipped.length} skipped, ${r.statuses} status(es) set` +
    orphanSummary(r) +
    (r.milestones.created.length ? `, ${r.milestones.created.length} milestone(s) created` : '');
  return r.dryRun
    ? `Dry run (nothing written): ${counts}; pass dryRun: false to apply`
    : `Applied: ${counts}`;
}

const fieldValue = z.union([z.string(), z.number(), z.array(z.string()), z.null()]);

/**
 * What apply_spec adds: the stored spec version and the state of each processing stage (details,
 * times and counts are in the spec resource).
 */
export const applySpecOut = applyReportOut.extend({
  spec: z.object({
    specId: z.string(),
    version: z.number(),
    newVersion: z.boolean(),
    status: z.record(z.enum(SPEC_STAGES), z.enum(STAGE_STATES)).nullable(),
  }),
  conflicts: z
    .array(
      z.object({
        planId: z.string(),
        id: z.string(),
        field: z.enum(PLAN_FIELDS),
        spec: fieldValue,
        current: fieldValue,
        resolved: z.enum(['current', 'spec']),
      }),
    )
    .describe(
      'Fields edited in the hierarchy and changed by the spec since the last applied version ' +
        `(first ${CAP}); left as they are unless onConflict: "spec"`,
    ),
});

export function toApplySpecOut(r: ApplySpecResult): z.infer<typeof applySpecOut> {
  const { status, ...spec } = r.spec;
  return {
    ...toApplyReportOut(r.report),
    spec: { ...spec, status: status && stageStates(status) },
    conflicts: r.report.conflicts.slice(0, CAP) as z.infer<typeof applySpecOut>['conflicts'],
  };
}

export function applySpecSummary(r: ApplySpecResult): string {
  const { specId, version, newVersion } = r.spec;
  const spec = r.report.dryRun
    ? newVersion
      ? `would store spec ${specId} version ${version}`
      : `spec ${specId} is already stored as version ${version}`
    : newVersion
      ? `stored spec ${specId} version ${version}`
      : `spec ${specId} unchanged at version ${version}`;
  const n = r.report.conflicts.length;
  return `${applySummary(r.report)}; ${spec}${n ? `; ${n} conflict(s) between edits and the spec` : ''}`;
}
