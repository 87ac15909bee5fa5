import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import { configDiff } from '../../../src/governance/config/diff.js';
import { effectiveConfig } from '../../../src/governance/config/merge.js';
import type { ConfigOverride } from '../../../src/governance/config/override.js';
import { DomainError } from '../../../src/governance/errors.js';

function configError(run: () => unknown): DomainError {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('effectiveConfig', () => {
  it('is the defaults when nothing overrides them', () => {
    expect(effectiveConfig(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
    expect(effectiveConfig(DEFAULT_CONFIG, {}, {})).toEqual(DEFAULT_CONFIG);
  });

  it.each<{
    name: string;
    org?: ConfigOverride;
    repo?: ConfigOverride;
    pick: (c: typeof DEFAULT_CONFIG) => unknown;
    want: unknown;
  }>([
    {
      name: 'org over defaults',
      org: { generation: { maxFeaturesPerEpic: 5 } },
      pick: (c) => c.generation.maxFeaturesPerEpic,
      want: 5,
    },
    {
      name: 'repo over org',
      org: { generation: { maxFeaturesPerEpic: 5 } },
      repo: { generation: { maxFeaturesPerEpic: 3 } },
      pick: (c) => c.generation.maxFeaturesPerEpic,
      want: 3,
    },
    {
      name: 'siblings of an overridden leaf are kept',
      repo: { generation: { maxFeaturesPerEpic: 3 } },
      pick: (c) => [c.generation.maxTasksPerFeature, c.generation.estimation.simple],
      want: [10, { minDays: 1, maxDays: 3 }],
    },
    {
      name: 'org and repo set different leaves of one object',
      org: { milestones: { autoCreate: true } },
      repo: { milestones: { defaultDurationDays: 21 } },
      pick: (c) => c.milestones,
      want: { defaultDurationDays: 21, autoCreate: true, namingPattern: 'Q{quarter}-{year}-{epic_name}' },
    },
    {
      name: 'arrays replace (org)',
      org: { templates: { feature: { requiredSections: ['Design'] } } },
      pick: (c) => c.templates.feature.requiredSections,
      want: ['Design'],
    },
    {
      name: 'arrays replace (repo over org), even with an empty array',
      org: { templates: { feature: { requiredSections: ['Design'] } } },
      repo: { templates: { feature: { requiredSections: [] } } },
      pick: (c) => c.templates.feature.requiredSections,
      want: [],
    },
    {
      name: 'a partial agent entry merges into the default one',
      repo: { agents: { 'agent:dev': { maxConcurrentTasks: 6 } } },
      pick: (c) => c.agents['agent:dev'],
      want: { ...DEFAULT_CONFIG.agents['agent:dev'], maxConcurrentTasks: 6 },
    },
    {
      name: 'a new agent service, complete and labelled',
      org: {
        agents: {
          'agent:docs': {
            capabilities: ['writing'],
            specializations: [],
            assignmentPriority: 10,
            maxConcurrentTasks: 2,
            escalateAfterDaysOverdue: 3,
          },
        },
        labels: { agent: { 'agent:docs': { name: 'agent:docs', color: 'ededed', description: 'Docs' } } },
      },
      pick: (c) => Object.keys(c.agents).at(-1),
      want: 'agent:docs',
    },
    {
      name: 'the workspace policy field',
      repo: { structure: { allowUnparentedTasks: true } },
      pick: (c) => c.structure.allowUnparentedTasks,
      want: true,
    },
  ])('$name', ({ org, repo, pick, want }) => {
    expect(pick(effectiveConfig(DEFAULT_CONFIG, org, repo))).toEqual(want);
  });

  it('does not modify its inputs', () => {
    const before = structuredClone(DEFAULT_CONFIG);
    const repo: ConfigOverride = { templates: { epic: { defaultLabels: ['x'] } } };
    const out = effectiveConfig(DEFAULT_CONFIG, undefined, repo);
    out.templates.epic.defaultLabels.push('y');
    expect(DEFAULT_CONFIG).toEqual(before);
    expect(repo).toEqual({ templates: { epic: { defaultLabels: ['x'] } } });
  });

  it.each<{ name: string; org?: unknown; repo?: unknown; source: string; paths: string[] }>([
    {
      name: 'org typo',
      org: { generation: { maxFeaturePerEpic: 3 } },
      source: 'org',
      paths: ['generation.maxFeaturePerEpic'],
    },
    {
      name: 'repo bad colour',
      repo: { labels: { type: { task: { color: 'blue' } } } },
      source: 'repo',
      paths: ['labels.type.task.color'],
    },
    {
      name: 'repo null',
      repo: { compliance: { auditRequired: null } },
      source: 'repo',
      paths: ['compliance.auditRequired'],
    },
    {
      name: 'bad agent key',
      org: { agents: { dev: { maxConcurrentTasks: 1 } } },
      source: 'org',
      paths: ['agents.dev'],
    },
    {
      name: 'tiers put out of order by the merge',
      org: { generation: { estimation: { simple: { maxDays: 6 } } } },
      source: 'effective',
      paths: ['generation.estimation.medium.minDays'],
    },
    {
      name: 'new agent entry incomplete',
      repo: { agents: { 'agent:docs': { maxConcurrentTasks: 2 } } },
      source: 'effective',
      paths: [
        'agents.agent:docs.capabilities',
        'agents.agent:docs.specializations',
        'agents.agent:docs.assignmentPriority',
        'agents.agent:docs.escalateAfterDaysOverdue',
      ],
    },
    {
      name: 'new agent entry without a label',
      repo: {
        agents: {
          'agent:docs': {
            capabilities: [],
            specializations: [],
            assignmentPriority: 1,
            maxConcurrentTasks: 1,
            escalateAfterDaysOverdue: 1,
          },
        },
      },
      source: 'effective',
      paths: ['labels.agent.agent:docs'],
    },
    {
      name: 'repo lowers max features under the required features of the org',
      org: { templates: { epic: { requiredChildFeatures: ['Docs', 'Tests', 'Rollout'] } } },
      repo: { generation: { maxFeaturesPerEpic: 2 } },
      source: 'effective',
      paths: ['templates.epic.requiredChildFeatures'],
    },
  ])('rejects $name with CONFIG.INVALID at the path', ({ org, repo, source, paths }) => {
    const err = configError(() =>
      effectiveConfig(DEFAULT_CONFIG, org as ConfigOverride, repo as ConfigOverride),
    );
    expect(err.code).toBe('CONFIG.INVALID');
    expect(err.details?.['source']).toBe(source);
    const issues = err.details?.['issues'] as { path: string; message: string }[];
    expect(issues.map((i) => i.path)).toEqual(paths);
    expect(err.message).toContain(paths[0]);
  });
});

/** Overrides that change numeric limits and flags within their bounds (tiers stay ordered). */
const overrideArb: fc.Arbitrary<ConfigOverride> = fc.record(
  {
    generation: fc.record(
      {
        maxFeaturesPerEpic: fc.integer({ min: 1, max: 50 }),
        maxTasksPerFeature: fc.integer({ min: 1, max: 100 }),
        autoTaskBreakdown: fc.boolean(),
        estimation: fc.record(
          { simple: fc.record({ minDays: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    agents: fc.dictionary(
      fc.constantFrom(...Object.keys(DEFAULT_CONFIG.agents)),
      fc.record(
        {
          maxConcurrentTasks: fc.integer({ min: 1, max: 100 }),
          assignmentPriority: fc.integer({ min: 0, max: 100 }),
          escalateAfterDaysOverdue: fc.integer({ min: 0, max: 365 }),
        },
        { requiredKeys: [] },
      ),
    ),
    milestones: fc.record(
      { defaultDurationDays: fc.integer({ min: 1, max: 366 }), autoCreate: fc.boolean() },
      { requiredKeys: [] },
    ),
    structure: fc.record({ allowUnparentedTasks: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** The leaves an override sets, as dotted paths with their values. */
function leaves(o: unknown, prefix = ''): [string, unknown][] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [[prefix, o]];
  return Object.entries(o).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const valueAt = (c: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], c);

describe('effectiveConfig properties', () => {
  it('is idempotent, and its diff from the defaults lists exactly the changed leaves', () => {
    fc.assert(
      fc.property(overrideArb, overrideArb, (org, repo) => {
        const eff = effectiveConfig(DEFAULT_CONFIG, org, repo);
        expect(effectiveConfig(eff, org, repo)).toEqual(eff);
        expect(effectiveConfig(eff)).toEqual(eff);

        const set = new Map([...leaves(org), ...leaves(repo)].filter(([p]) => p !== ''));
        const changed = [...set.keys()].filter((p) => valueAt(DEFAULT_CONFIG, p) !== set.get(p));
        const diff = configDiff(DEFAULT_CONFIG, eff);
        expect(diff.map((d) => d.path).sort()).toEqual(changed.sort());
        for (const d of diff) {
          expect(d.old).toEqual(valueAt(DEFAULT_CONFIG, d.path));
          expect(d.new).toEqual(set.get(d.path));
        }
      }),
      { numRuns: 200 },
    );
  });
});
