import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import type { ConfigIssue } from '../../../src/governance/config/issues.js';
import { effectiveConfig } from '../../../src/governance/config/merge.js';
import { MAX_POLICY_BYTES, parsePolicyYaml } from '../../../src/governance/config/policy-file.js';
import { DomainError } from '../../../src/governance/errors.js';

function failure(text: string, base?: typeof DEFAULT_CONFIG): DomainError {
  try {
    parsePolicyYaml(text, base ? { base } : {});
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

const issuesOf = (err: DomainError) => err.details?.['issues'] as ConfigIssue[];

const VALID = `# .github/governance.yml
version: 1
generation:
  maxFeaturesPerEpic: 6
  autoTaskBreakdown: false
labels:
  priority:
    low:
      color: "c2e0c6"
agents:
  agent:dev:
    maxConcurrentTasks: 5
templates:
  feature:
    requiredSections: [Acceptance criteria, Test plan]
milestones:
  namingPattern: "{year}-Q{quarter}-{epic_name}"
`;

describe('parsePolicyYaml: valid files', () => {
  it('returns the override, which merges over the defaults', () => {
    const override = parsePolicyYaml(VALID);
    expect(override).toEqual({
      version: 1,
      generation: { maxFeaturesPerEpic: 6, autoTaskBreakdown: false },
      labels: { priority: { low: { color: 'c2e0c6' } } },
      agents: { 'agent:dev': { maxConcurrentTasks: 5 } },
      templates: { feature: { requiredSections: ['Acceptance criteria', 'Test plan'] } },
      milestones: { namingPattern: '{year}-Q{quarter}-{epic_name}' },
    });
    const eff = effectiveConfig(DEFAULT_CONFIG, undefined, override);
    expect(eff.agents['agent:dev']?.maxConcurrentTasks).toBe(5);
    expect(eff.agents['agent:dev']?.capabilities).toEqual(DEFAULT_CONFIG.agents['agent:dev']?.capabilities);
  });

  it.each([
    { name: 'the defaults, stringified', text: stringify(DEFAULT_CONFIG) },
    {
      name: 'an effective config, stringified',
      text: stringify(effectiveConfig(DEFAULT_CONFIG, undefined, parsePolicyYaml(VALID))),
    },
  ])('round-trips $name', ({ text }) => {
    const parsed = parsePolicyYaml(text);
    expect(stringify(parsed)).toBe(text);
  });

  it.each([
    { name: 'empty file', text: '' },
    { name: 'only comments', text: '# nothing to override yet\n' },
    { name: 'only whitespace', text: '\n\n   \n' },
    { name: 'empty document marker', text: '---\n' },
  ])('$name is an empty override', ({ text }) => {
    expect(parsePolicyYaml(text)).toEqual({});
  });
});

describe('parsePolicyYaml: YAML syntax errors name line and column', () => {
  it.each([
    {
      name: 'unclosed flow sequence',
      text: 'templates:\n  task:\n    requiredSections: [a, b\nversion: 1\n',
      line: 4,
      column: 1,
    },
    {
      name: 'bad indentation',
      text: 'generation:\n  maxFeaturesPerEpic: 3\n maxTasksPerFeature: 4\n',
      line: 3,
      column: 1,
    },
    { name: 'duplicate key', text: 'version: 1\ngeneration: {}\ngeneration: {}\n', line: 3, column: 1 },
    { name: 'bad escape', text: 'milestones:\n  namingPattern: "Q\\q"\n', line: 2, column: 20 },
    { name: 'two documents', text: 'version: 1\n---\nversion: 1\n', line: 2, column: 1 },
    { name: 'custom tag', text: 'version: !!js/function 1\n', line: 1, column: 10 },
  ])('$name -> $line:$column', ({ text, line, column }) => {
    const err = failure(text);
    expect(err.code).toBe('POLICY.YAML_SYNTAX');
    expect(issuesOf(err)[0]).toMatchObject({ line, column });
    expect(err.message).toContain(`line ${line}:${column}`);
  });
});

const BAD_COLOUR = `version: 1
labels:
  type:
    epic:
      name: type:epic
    task:
      color: "#ff0000"
`;

describe('parsePolicyYaml: schema errors point at the node', () => {
  it.each([
    { name: 'bad colour on line 7', text: BAD_COLOUR, path: 'labels.type.task.color', line: 7, column: 14 },
    {
      name: 'unquoted numeric colour',
      text: 'labels:\n  priority:\n    high:\n      color: 123456\n',
      path: 'labels.priority.high.color',
      line: 4,
      column: 14,
    },
    {
      name: 'unknown key at its line',
      text: 'version: 1\ngeneration:\n  maxFeaturesPerEpic: 3\n  maxTaskPerFeature: 4\n',
      path: 'generation.maxTaskPerFeature',
      line: 4,
      column: 3,
    },
    {
      name: 'unknown top-level key',
      text: 'version: 1\n\ngovernance: {}\n',
      path: 'governance',
      line: 3,
      column: 1,
    },
    {
      name: 'number out of bounds',
      text: 'generation:\n  maxFeaturesPerEpic: 500\n',
      path: 'generation.maxFeaturesPerEpic',
      line: 2,
      column: 23,
    },
    {
      name: 'empty value (null) points at its key',
      text: 'milestones:\n  autoCreate:\n  defaultDurationDays: 7\n',
      path: 'milestones.autoCreate',
      line: 2,
      column: 3,
    },
    {
      name: 'unknown placeholder',
      text: 'templates:\n  epic:\n    titlePattern: "Epic {title}"\n',
      path: 'templates.epic.titlePattern',
      line: 3,
      column: 19,
    },
    {
      name: 'bad list item',
      text: 'templates:\n  task:\n    defaultLabels:\n      - ok\n      - ""\n',
      path: 'templates.task.defaultLabels.1',
      line: 5,
      column: 9,
    },
    {
      name: 'bad agent key',
      text: 'agents:\n  dev:\n    maxConcurrentTasks: 2\n',
      path: 'agents.dev',
      line: 2,
      column: 3,
    },
    { name: 'not a mapping', text: '- version: 1\n', path: '(root)', line: 1, column: 1 },
    { name: 'wrong version', text: '# policy\nversion: 2\n', path: 'version', line: 2, column: 10 },
    {
      name: 'through an alias: nearest node in the file',
      text: 'x-limits: &l\n  maxFeaturesPerEpic: 0\ngeneration: *l\n',
      path: 'generation.maxFeaturesPerEpic',
      line: 3,
      column: 13,
    },
  ])('$name -> $path at $line:$column', ({ text, path, line, column }) => {
    const err = failure(text);
    expect(err.code).toBe('CONFIG.INVALID');
    const issues = issuesOf(err).filter((i) => i.path === path);
    expect(issues[0], JSON.stringify(issuesOf(err))).toMatchObject({ path, line, column });
    expect(err.details?.['source']).toBe('repo');
  });

  it('lists every problem with its own line', () => {
    const err = failure(
      'version: 1\ngeneration:\n  maxFeaturesPerEpic: 0\n  typo: 1\nlabels:\n  bogus: {}\n',
    );
    expect(issuesOf(err).map((i) => [i.path, i.line])).toEqual([
      ['generation.maxFeaturesPerEpic', 3],
      ['generation.typo', 4],
      ['labels.bogus', 6],
    ]);
  });

  it('with a base, places cross-section problems of the merged result in the file', () => {
    const text = 'generation:\n  estimation:\n    simple:\n      maxDays: 8\n';
    expect(parsePolicyYaml(text)).toEqual({ generation: { estimation: { simple: { maxDays: 8 } } } });
    const err = failure(text, DEFAULT_CONFIG);
    expect(err.code).toBe('CONFIG.INVALID');
    expect(err.details?.['source']).toBe('effective');
    // medium.minDays is not in the file: the nearest ancestor present is `estimation` (line 3).
    expect(issuesOf(err)).toEqual([
      {
        path: 'generation.estimation.medium.minDays',
        line: 3,
        column: 5,
        message: expect.stringMatching(/simple\.maxDays \(8\)/) as unknown,
      },
    ]);
  });
});

describe('parsePolicyYaml: size', () => {
  it.each([
    { name: 'just over the limit (ASCII)', text: `# ${'x'.repeat(MAX_POLICY_BYTES)}\n` },
    {
      name: 'over the limit in bytes, not in characters',
      text: `# ${'é'.repeat(MAX_POLICY_BYTES / 2 + 1)}\n`,
    },
  ])('refuses $name', ({ text }) => {
    expect(failure(text).code).toBe('POLICY.TOO_LARGE');
  });

  it('accepts a file at the limit', () => {
    const text = `#${'x'.repeat(MAX_POLICY_BYTES - 2)}\n`;
    expect(parsePolicyYaml(text)).toEqual({});
  });
});

describe('parsePolicyYaml: aliases', () => {
  it('expands an anchored block reused by alias', () => {
    const text = 'agents:\n  agent:dev: &busy\n    maxConcurrentTasks: 4\n  agent:qa: *busy\n';
    expect(parsePolicyYaml(text)).toEqual({
      agents: { 'agent:dev': { maxConcurrentTasks: 4 }, 'agent:qa': { maxConcurrentTasks: 4 } },
    });
  });

  it('refuses an alias bomb as a YAML problem', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh']) {
      rows.push(`${name}: &${name} [${Array<string>(9).fill(`*${prev}`).join(', ')}]`);
    }
    const err = failure(rows.join('\n'));
    expect(err.code).toBe('POLICY.YAML_SYNTAX');
    expect(err.message).toMatch(/alias/i);
  });
});
