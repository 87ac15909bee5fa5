import type { Status } from '../model/work-item.js';
import type { PlanItem, SpecPlan } from '../decompose/types.js';

/** A plan item that also carries the status the source tool had for it. */
export interface ImportedItem extends PlanItem {
  status: Status;
  /** Set when `status` is `blocked` (the hierarchy requires a reason), else null. */
  statusReason: string | null;
}

export type ImportSource = 'taskmaster' | 'speckit' | 'github';

/**
 * A `SpecPlan` whose items carry statuses: anything that applies a decomposed plan applies this.
 * `stats.requirementLines` counts the source's task records (tasks and subtasks, or checklist
 * lines), each of which lands in exactly one item.
 */
export interface ImportedPlan extends SpecPlan {
  source: ImportSource;
  items: ImportedItem[];
}

export interface TaskMasterImportOptions {
  /** Tag of a tagged `tasks.json` (default `master`, or the only tag there is). */
  tag?: string;
  /** ISO date the epic's milestone quarter is taken from; never the clock. */
  now: string;
}

export interface SpecKitImportOptions {
  now: string;
}
