import type { ItemType, Priority } from '../model/work-item.js';

/** 1-based, inclusive line range of the spec an item was decomposed from (children included). */
export interface SourceRange {
  startLine: number;
  endLine: number;
}

export interface PlanItem {
  /** Stable id: type prefix and a hash of the heading path and own title, e.g. `T-k3xq0m2vba`. */
  id: string;
  type: ItemType;
  title: string;
  /** Markdown; ends with an `## Acceptance criteria` section when the item has criteria. */
  description: string;
  acceptanceCriteria: string[];
  parentId: string | null;
  priority: Priority;
  estimateDays: number;
  /** Agent service, e.g. `agent:dev`, or null when nothing maps to one. */
  agent: string | null;
  /** Set on epics only. */
  milestone: string | null;
  labels: string[];
  source: SourceRange;
}

export interface PlanLink {
  /** The dependent item: `fromId depends_on toId`. */
  fromId: string;
  kind: 'depends_on';
  toId: string;
  sourceLine: number;
}

export const PLAN_WARNING_CODES = [
  'ITEM.EMPTY',
  'FEATURE.SPLIT',
  'FEATURE.OVERSIZED',
  'EPIC.OVERSIZED',
  'DEPENDENCY.UNRESOLVED',
  'DEPENDENCY.AMBIGUOUS',
  'DEPENDENCY.HIERARCHY',
  'TEXT.TRUNCATED',
  'FENCE.UNCLOSED',
  /** An open-questions section: its questions are in the description, to be answered. */
  'SPEC.OPEN_QUESTIONS',
  /** A model was asked but its plan not used; this is the rule-based plan (model-plan.ts). */
  'MODEL.FALLBACK',
  /** The model's plan was corrected by the rules: a task from a non-work section, a junk title. */
  'MODEL.CORRECTED',
] as const;
export type PlanWarningCode = (typeof PLAN_WARNING_CODES)[number];

export interface PlanWarning {
  code: PlanWarningCode;
  message: string;
  /** 1-based line the warning is about. */
  line: number;
}

export interface PlanStats {
  lines: number;
  bytes: number;
  /** Lines that must land in an item (see coverage.ts for the definition). */
  requirementLines: number;
  epics: number;
  features: number;
  tasks: number;
  links: number;
  acceptanceCriteria: number;
  warnings: number;
}

export interface SpecPlan {
  /** Depth-first, in document order: each epic, then its features, each followed by its tasks. */
  items: PlanItem[];
  links: PlanLink[];
  warnings: PlanWarning[];
  stats: PlanStats;
}
