/**
 * A stored spec: every applied version of a spec's text with how it was turned into a plan
 * (generation metadata), the items it wrote, and the processing status of each stage.
 */
import { DomainError } from '../errors.js';
import type { GenerationMeta } from '../use-cases/model-json.js';
import type { ItemType } from './work-item.js';

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
}

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

export const SPEC_ID_MAX = 64;
const SPEC_ID_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const SPEC_ID_PATTERN = SPEC_ID_RE.source;
export const DETAIL_MAX = 300;

export function assertSpecId(specId: string): string {
  if (SPEC_ID_RE.test(specId)) return specId;
  throw new DomainError(
    'INPUT.INVALID',
    `"${specId.slice(0, 80)}" is not a spec id`,
    `Use lower-case letters, digits and inner hyphens, at most ${SPEC_ID_MAX} characters (e.g. "checkout-v2").`,
    { issues: [{ path: 'specId', message: `must match ${SPEC_ID_PATTERN}` }] },
  );
}

/** `Checkout — Payments (v2)` -> `checkout-payments-v2`; '' when nothing usable is left. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, SPEC_ID_MAX);
  return slug.replace(/-+$/, '');
}

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
