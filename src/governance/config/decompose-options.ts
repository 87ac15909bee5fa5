/**
 * The decomposer's options from a workspace's effective configuration: generation limits, the
 * estimation tiers, agent capabilities and the milestone naming pattern.
 */
import { DEFAULT_DECOMPOSE_OPTIONS, type DecomposeOptions } from '../decompose/options.js';
import type { GovernanceConfig } from './schema.js';

const WORD_RE = /[^\p{L}\p{N}]+/u;
/** Words of capability phrases that say nothing about who should do the work. */
const FILLER = new Set(['and', 'the', 'for', 'with', 'review', 'management', 'end']);

/**
 * Each agent's keywords are its configured capabilities and specializations (split into words),
 * after the built-in keywords of the same service (`agent:dev` -> `dev`). Agents with a higher
 * assignment priority come first, so they win ties.
 */
export function decomposeOptionsOf(config: GovernanceConfig): Omit<DecomposeOptions, 'now'> {
  const builtIn: Readonly<Record<string, readonly string[]>> = DEFAULT_DECOMPOSE_OPTIONS.agents;
  const agents = Object.entries(config.agents)
    .sort(([a, x], [b, y]) => y.assignmentPriority - x.assignmentPriority || a.localeCompare(b))
    .map(([name, a]) => {
      const own = [...a.capabilities, ...a.specializations]
        .flatMap((phrase) => phrase.toLowerCase().split(WORD_RE))
        .filter((w) => w.length >= 3 && !FILLER.has(w));
      const words = [...(builtIn[name.replace(/^agent:/, '')] ?? []), ...own];
      return [name, [...new Set(words)]] as const;
    });
  const { generation: g } = config;
  const range = (t: 'simple' | 'medium' | 'complex') =>
    [g.estimation[t].minDays, g.estimation[t].maxDays] as const;
  return {
    maxFeaturesPerEpic: g.maxFeaturesPerEpic,
    maxTasksPerFeature: g.maxTasksPerFeature,
    oversizedFeatures: g.autoTaskBreakdown ? 'split' : 'flag',
    estimation: { simple: range('simple'), medium: range('medium'), complex: range('complex') },
    agents: Object.fromEntries(agents),
    defaultAgent: 'agent:dev' in config.agents ? 'agent:dev' : null,
    milestoneTemplate: config.milestones.namingPattern,
  };
}
