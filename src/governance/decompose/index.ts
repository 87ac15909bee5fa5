export { decomposeSpec } from './decompose.js';
export { diffPlans, type PlanDiff, type ItemChange, type ItemMove, type ComparedField } from './diff.js';
export { coverage, type CoverageReport } from './coverage.js';
export {
  DEFAULT_DECOMPOSE_OPTIONS,
  type DecomposeOptions,
  type EstimationRules,
  type SizeClass,
} from './options.js';
export type {
  PlanItem,
  PlanLink,
  PlanWarning,
  PlanWarningCode,
  PlanStats,
  SpecPlan,
  SourceRange,
} from './types.js';
