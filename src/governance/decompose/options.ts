import { DomainError } from '../errors.js';

export type SizeClass = 'simple' | 'medium' | 'complex';
/** Inclusive [min, max] estimate in days for each size class. */
export type EstimationRules = Record<SizeClass, readonly [number, number]>;

/**
 * The configuration the decomposer needs. Self-contained on purpose: the workspace configuration
 * module maps onto it.
 */
export interface DecomposeOptions {
  /** ISO date (`YYYY-MM-DD…`) the milestone quarter and year are taken from; never the clock. */
  now: string;
  /** Largest accepted spec in UTF-8 bytes (default 1 MiB). */
  maxBytes?: number;
  /** More features than this in one epic gives an `EPIC.OVERSIZED` warning (default 8). */
  maxFeaturesPerEpic?: number;
  /** More tasks than this in one feature splits it, or flags it (default 12). */
  maxTasksPerFeature?: number;
  /** `split` (default): continue in `Title (part 2)`; `flag`: keep one feature and warn. */
  oversizedFeatures?: 'split' | 'flag';
  estimation?: EstimationRules;
  /** Agent service name -> capability keywords; the item gets `agent:<name>`. Order breaks ties. */
  agents?: Readonly<Record<string, readonly string[]>>;
  /** Agent name for tasks and features no keyword maps (default `dev`; null: none). */
  defaultAgent?: string | null;
  /** Epic milestone name; placeholders `{quarter}`, `{year}`, `{epic_name}` (slug of the title). */
  milestoneTemplate?: string;
}

export interface ResolvedOptions {
  year: number;
  quarter: number;
  maxBytes: number;
  maxFeaturesPerEpic: number;
  maxTasksPerFeature: number;
  oversizedFeatures: 'split' | 'flag';
  estimation: EstimationRules;
  agents: readonly (readonly [string, readonly string[]])[];
  defaultAgent: string | null;
  milestoneTemplate: string;
}

export const DEFAULT_DECOMPOSE_OPTIONS = {
  maxBytes: 1_048_576,
  maxFeaturesPerEpic: 8,
  maxTasksPerFeature: 12,
  oversizedFeatures: 'split',
  estimation: { simple: [1, 3], medium: [5, 10], complex: [10, 20] },
  agents: {
    dev: ['implement', 'build', 'api', 'endpoint', 'ui', 'develop', 'code', 'integrate', 'migrate'],
    qa: ['test', 'qa', 'verify', 'validate', 'regression'],
    security: ['auth', 'security', 'encrypt', 'permission', 'audit', 'secret'],
    pm: ['document', 'stakeholder', 'roadmap', 'research', 'plan'],
  },
  defaultAgent: 'dev',
  milestoneTemplate: 'Q{quarter}-{year}-{epic_name}',
} as const satisfies Omit<Required<DecomposeOptions>, 'now'>;

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})/;

function invalid(message: string): DomainError {
  return new DomainError('INPUT.INVALID', message, 'Fix the decomposition options and call again.');
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw invalid(`${name} must be a positive integer (got ${v}).`);
  return v;
}

export function resolveOptions(o: DecomposeOptions): ResolvedOptions {
  const m = ISO_DATE_RE.exec(o.now);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) throw invalid(`now must be an ISO date (got "${o.now}").`);
  const d = DEFAULT_DECOMPOSE_OPTIONS;
  const estimation = o.estimation ?? d.estimation;
  for (const k of ['simple', 'medium', 'complex'] as const) {
    const [lo, hi] = estimation[k];
    if (!(lo > 0 && hi >= lo && hi <= 365))
      throw invalid(`estimation.${k} must be [min, max] in 0 < min <= max <= 365.`);
  }
  const agents = Object.entries(o.agents ?? d.agents).map(
    ([name, words]) => [name, words.map((w) => w.toLowerCase())] as const,
  );
  const template = o.milestoneTemplate ?? d.milestoneTemplate;
  if (template.trim() === '') throw invalid('milestoneTemplate must not be empty.');
  return {
    year: Number(m[1]),
    quarter: Math.ceil(month / 3),
    maxBytes: positiveInt('maxBytes', o.maxBytes ?? d.maxBytes),
    maxFeaturesPerEpic: positiveInt('maxFeaturesPerEpic', o.maxFeaturesPerEpic ?? d.maxFeaturesPerEpic),
    maxTasksPerFeature: positiveInt('maxTasksPerFeature', o.maxTasksPerFeature ?? d.maxTasksPerFeature),
    oversizedFeatures: o.oversizedFeatures ?? d.oversizedFeatures,
    estimation,
    agents,
    defaultAgent: o.defaultAgent === undefined ? d.defaultAgent : o.defaultAgent,
    milestoneTemplate: template,
  };
}
