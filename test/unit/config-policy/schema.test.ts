import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import { formatPath } from '../../../src/governance/config/issues.js';
import { configOverrideSchema } from '../../../src/governance/config/override.js';
import { governanceConfigSchema, type GovernanceConfig } from '../../../src/governance/config/schema.js';
import { DEFAULT_POLICY } from '../../../src/governance/model/workspace.js';

/** The defaults with one change applied (to a deep copy). */
function withChange(change: (c: GovernanceConfig) => void): unknown {
  const c = structuredClone(DEFAULT_CONFIG);
  change(c);
  return c;
}

const issuePaths = (value: unknown): string[] => {
  const r = governanceConfigSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => formatPath(i.path));
};

describe('DEFAULT_CONFIG', () => {
  it('passes the full schema', () => {
    expect(governanceConfigSchema.parse(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
  });

  it('passes the override schema (a full document is a valid override)', () => {
    expect(configOverrideSchema.parse(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
  });

  it('carries the workspace policy default', () => {
    expect(DEFAULT_CONFIG.structure.allowUnparentedTasks).toBe(DEFAULT_POLICY.allowUnparentedTasks);
  });

  it('ships the five agent services, each with a label', () => {
    expect(Object.keys(DEFAULT_CONFIG.agents)).toEqual([
      'agent:orchestrator',
      'agent:dev',
      'agent:qa',
      'agent:security',
      'agent:pm',
    ]);
    expect(Object.keys(DEFAULT_CONFIG.labels.agent)).toEqual(Object.keys(DEFAULT_CONFIG.agents));
  });
});

describe('governanceConfigSchema rejects, naming the exact path', () => {
  it.each<{ name: string; change: (c: GovernanceConfig) => void; path: string; message?: RegExp }>([
    {
      name: 'colour with #',
      change: (c) => (c.labels.priority.high.color = '#d93f0b'),
      path: 'labels.priority.high.color',
    },
    {
      name: 'colour of 5 digits',
      change: (c) => (c.labels.type.epic.color = 'abcde'),
      path: 'labels.type.epic.color',
    },
    {
      name: 'label name over 50 characters',
      change: (c) => (c.labels.type.task.name = 'x'.repeat(51)),
      path: 'labels.type.task.name',
    },
    {
      name: 'unknown placeholder in a title pattern',
      change: (c) => (c.templates.feature.titlePattern = 'Feature: {name} ({owner})'),
      path: 'templates.feature.titlePattern',
      message: /unknown placeholder \{owner\}/,
    },
    {
      name: 'title pattern without {name}',
      change: (c) => (c.templates.task.titlePattern = 'Task'),
      path: 'templates.task.titlePattern',
      message: /must contain \{name\}/,
    },
    {
      name: 'unbalanced brace in the milestone pattern',
      change: (c) => (c.milestones.namingPattern = 'Q{quarter}-{year'),
      path: 'milestones.namingPattern',
      message: /unbalanced brace/,
    },
    {
      name: '{name} is not a milestone placeholder',
      change: (c) => (c.milestones.namingPattern = '{name}-{year}'),
      path: 'milestones.namingPattern',
      message: /\{quarter\}, \{year\}, \{epic_name\}/,
    },
    {
      name: 'max features above the bound',
      change: (c) => (c.generation.maxFeaturesPerEpic = 51),
      path: 'generation.maxFeaturesPerEpic',
    },
    {
      name: 'max tasks not an integer',
      change: (c) => (c.generation.maxTasksPerFeature = 2.5),
      path: 'generation.maxTasksPerFeature',
    },
    {
      name: 'estimation tier with min > max',
      change: (c) => (c.generation.estimation.complex = { minDays: 20, maxDays: 15 }),
      path: 'generation.estimation.complex.maxDays',
    },
    {
      name: 'estimation tiers out of order',
      change: (c) => (c.generation.estimation.medium.minDays = 2),
      path: 'generation.estimation.medium.minDays',
      message: /simple\.maxDays \(3\)/,
    },
    {
      name: 'zero concurrent tasks',
      change: (c) => (c.agents['agent:qa']!.maxConcurrentTasks = 0),
      path: 'agents.agent:qa.maxConcurrentTasks',
    },
    {
      name: 'agent id that is not agent:x',
      change: (c) => (c.agents['dev'] = c.agents['agent:dev']!),
      path: 'agents.dev',
    },
    {
      name: 'agent without a label',
      change: (c) => delete c.labels.agent['agent:pm'],
      path: 'labels.agent.agent:pm',
      message: /has no label/,
    },
    {
      name: 'duplicate label name (case-insensitive)',
      change: (c) => (c.labels.priority.low.name = 'Type:Epic'),
      path: 'labels.priority.low.name',
      message: /labels\.type\.epic/,
    },
    {
      name: 'more required child features than allowed features',
      change: (c) => {
        c.generation.maxFeaturesPerEpic = 2;
        c.templates.epic.requiredChildFeatures = ['Docs', 'Tests', 'Rollout'];
      },
      path: 'templates.epic.requiredChildFeatures',
    },
    {
      name: 'more approvals than approvers',
      change: (c) =>
        (c.compliance.approvals.epicCreation = {
          required: true,
          minApprovals: 3,
          approvers: ['alice', '@acme/leads'],
        }),
      path: 'compliance.approvals.epicCreation.minApprovals',
    },
    {
      name: 'approver that is not a login, team or agent',
      change: (c) => (c.compliance.approvals.milestoneChanges.approvers = ['not a login']),
      path: 'compliance.approvals.milestoneChanges.approvers.0',
    },
    {
      name: 'schema version 2',
      change: (c) => ((c as { version: number }).version = 2),
      path: 'version',
    },
    {
      name: 'unknown key',
      change: (c) => ((c.generation as Record<string, unknown>)['maxFeaturesPerEpik'] = 3),
      path: 'generation',
      message: /maxFeaturesPerEpik/,
    },
  ])('$name -> $path', ({ change, path, message }) => {
    const r = governanceConfigSchema.safeParse(withChange(change));
    expect(r.success).toBe(false);
    expect(issuePaths(withChange(change))).toEqual([path]);
    if (message) expect(r.error?.issues[0]?.message).toMatch(message);
  });
});

describe('configOverrideSchema', () => {
  it.each<{ name: string; override: unknown; ok: boolean; path?: string }>([
    { name: 'empty', override: {}, ok: true },
    { name: 'one leaf', override: { generation: { maxFeaturesPerEpic: 5 } }, ok: true },
    { name: 'partial agent', override: { agents: { 'agent:dev': { maxConcurrentTasks: 5 } } }, ok: true },
    { name: 'typo at the top', override: { generaton: {} }, ok: false, path: '(root)' },
    {
      name: 'typo deep',
      override: { labels: { type: { epic: { colour: 'ffffff' } } } },
      ok: false,
      path: 'labels.type.epic',
    },
    {
      name: 'explicit null',
      override: { milestones: { autoCreate: null } },
      ok: false,
      path: 'milestones.autoCreate',
    },
    {
      name: 'leaf checks kept',
      override: { labels: { agent: { 'agent:qa': { color: 'red' } } } },
      ok: false,
      path: 'labels.agent.agent:qa.color',
    },
    { name: 'wrong version', override: { version: 2 }, ok: false, path: 'version' },
    {
      name: 'array item checked',
      override: { templates: { task: { defaultLabels: [''] } } },
      ok: false,
      path: 'templates.task.defaultLabels.0',
    },
  ])('$name', ({ override, ok, path }) => {
    const r = configOverrideSchema.safeParse(override);
    expect(r.success).toBe(ok);
    if (path) expect(r.error?.issues.map((i) => formatPath(i.path))).toEqual([path]);
  });
});
