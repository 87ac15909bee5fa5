/**
 * A stored spec: every applied version of a spec's text with how it was turned into a plan
 * (generation metadata), the items it wrote, and the processing status of each stage.
 */
import { DomainError } from '../errors.js';
import type { GenerationMeta } from '../use-cases/model-json.js';
import type { ItemType, WorkItem } from './work-item.js';

/** Processing stages, in the order a spec goes through them. */
export const SPEC_STAGES = ['analysis', 'specification', 'validation', 'github_generation'] as const;
export type SpecStage = (typeof SPEC_STAGES)[number];

export const STAGE_STATES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type StageState = (typeof STAGE_STATES)[number];

export interface StageStatus {
  state: StageState;
  /** ISO times; null until the stage started (or finished). */
  startedAt: string | null;
  finishedAt: string | null;
  /** One short sentence for people (at most DETAIL_MAX characters). */
  detail: string;
  /** Figures behind the detail (warnings, created, updated...), for programs. */
  counts: Record<string, number>;
}

export type SpecStatus = Record<SpecStage, StageStatus>;

/** What a stage reports when it moves: the state, a detail, figures. Times come from the write. */
export interface StageUpdate {
  state: StageState;
  detail: string;
  counts?: Record<string, number>;
}

/** One item a spec version wrote, with the lines of the text it came from (1-based, inclusive). */
export interface SpecItemRef {
  planId: string;
  id: string;
  type: ItemType;
  title: string;
  startLine: number;
  endLine: number;
  /**
   * The plan's values of the fields apply writes, as this version gave them: the base of the
   * three-way merge when the next version is applied. Absent on versions stored before it was kept.
   */
  applied?: AppliedFields;
}

/** The item fields a spec plan owns (see PLAN_FIELDS). */
export type AppliedFields = Pick<
  WorkItem,
  'title' | 'description' | 'priority' | 'estimateDays' | 'agent' | 'labels'
>;

/** One stored version; the text itself is read separately (it can be 1 MiB). */
export interface SpecVersion {
  workspace: string;
  specId: string;
  /** 1, 2, ...: a new one only when the text, the method, the model or the resulting plan changed. */
  version: number;
  title: string;
  /** SHA-256 hex of the UTF-8 text. */
  textHash: string;
  bytes: number;
  lines: number;
  status: SpecStatus;
  generation: GenerationMeta;
  /** In plan order. */
  items: SpecItemRef[];
  createdAt: string;
  /** Actor id. */
  createdBy: string;
  /** Last status change (createdAt until then). */
  updatedAt: string;
  updatedBy: string;
}

/** The latest version of a spec, as lists show it. */
export type SpecSummary = Pick<SpecVersion, 'specId' | 'version' | 'title' | 'status' | 'updatedAt'>;

export { assertSpecId, SPEC_ID_MAX, SPEC_ID_PATTERN, slugify } from './spec-identity.js';
export const DETAIL_MAX = 300;

export function stageStatus(update: StageUpdate, now: string, before?: StageStatus): StageStatus {
  const started = update.state !== 'pending';
  const finished = started && update.state !== 'running';
  // A run that was under way keeps its start; anything else starts a new run now.
  const runningSince = before?.state === 'running' ? before.startedAt : null;
  return {
    state: update.state,
    startedAt: started ? (runningSince ?? now) : null,
    finishedAt: finished ? now : null,
    detail: update.detail.slice(0, DETAIL_MAX),
    counts: { ...update.counts },
  };
}

/** A status where every stage is pending, with the given updates applied at `now`. */
export function specStatus(updates: Partial<Record<SpecStage, StageUpdate>>, now: string): SpecStatus {
  const entries = SPEC_STAGES.map((stage) => {
    const update = updates[stage] ?? { state: 'pending', detail: 'Not started.' };
    return [stage, stageStatus(update, now)] as const;
  });
  return Object.fromEntries(entries) as SpecStatus;
}

/** The stage states only, as audit diffs and summaries show them. */
export const stageStates = (status: SpecStatus): Record<SpecStage, StageState> =>
  Object.fromEntries(SPEC_STAGES.map((s) => [s, status[s].state])) as Record<SpecStage, StageState>;

export function specNotFound(specId: string, version?: number): DomainError {
  return new DomainError(
    'SPEC.NOT_FOUND',
    version === undefined ? `No spec ${specId} is stored` : `Spec ${specId} has no version ${version}`,
    'apply_spec with dryRun: false stores a spec; list resources to see the stored ones.',
    { specId, ...(version !== undefined && { version }) },
  );
}
