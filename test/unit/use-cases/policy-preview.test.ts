import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import { effectiveConfig } from '../../../src/governance/config/merge.js';
import { DomainError } from '../../../src/governance/errors.js';
import {
  checkPolicy,
  policyBaseline,
  policyIssues,
  previewPolicy,
  type Baseline,
} from '../../../src/governance/use-cases/policy-preview.js';
import { policyLocation } from '../../../src/governance/use-cases/policy-sync.js';

const FILE = 'version: 1\ngeneration:\n  maxFeaturesPerEpic: 6\n';

describe('policy preview', () => {
  it('without a workspace, the file is read over the defaults and diffed against them', async () => {
    const baseline = await policyBaseline(
      {
        effective: () => Promise.reject(new Error('not read')),
        history: () => Promise.reject(new Error('not read')),
      },
      undefined,
    );
    expect(baseline).toEqual({ base: DEFAULT_CONFIG, current: DEFAULT_CONFIG });
    const preview = previewPolicy(baseline, FILE);
    expect(preview.override).toEqual({ version: 1, generation: { maxFeaturesPerEpic: 6 } });
    expect(preview.effective.generation.maxFeaturesPerEpic).toBe(6);
    expect(preview.changes).toEqual([{ path: 'generation.maxFeaturesPerEpic', old: 8, new: 6 }]);
  });

  it('keeps the org override under the file and lists changes against the current configuration', () => {
    const base = effectiveConfig(DEFAULT_CONFIG, { generation: { maxTasksPerFeature: 4 } });
    // The stored repo override the file replaces: what changes is measured from here.
    const current = effectiveConfig(base, undefined, { generation: { maxFeaturesPerEpic: 6 } });
    const baseline: Baseline = { base, current };
    const preview = previewPolicy(baseline, 'version: 1\n');
    expect(preview.effective.generation.maxTasksPerFeature).toBe(4);
    expect(preview.changes).toEqual([{ path: 'generation.maxFeaturesPerEpic', old: 6, new: 8 }]);
  });

  it.each([
    { name: 'a YAML syntax error', text: 'generation: [1, 2\n', code: 'POLICY.YAML_SYNTAX' },
    { name: 'an unknown key', text: 'version: 1\nbogus: true\n', code: 'CONFIG.INVALID' },
    {
      name: 'a bad value',
      text: 'version: 1\ngeneration:\n  maxFeaturesPerEpic: -1\n',
      code: 'CONFIG.INVALID',
    },
  ])('checkPolicy answers $name with line-precise issues', ({ text, code }) => {
    const baseline = { base: DEFAULT_CONFIG, current: DEFAULT_CONFIG };
    expect(() => previewPolicy(baseline, text)).toThrow(expect.objectContaining({ code }));
    const check = checkPolicy(baseline, text);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.issues.length).toBeGreaterThan(0);
    expect(check.issues[0]!.line).toBeGreaterThanOrEqual(1);
  });

  it('checkPolicy answers a valid file with its preview', () => {
    const check = checkPolicy({ base: DEFAULT_CONFIG, current: DEFAULT_CONFIG }, FILE);
    expect(check).toEqual({
      ok: true,
      preview: previewPolicy({ base: DEFAULT_CONFIG, current: DEFAULT_CONFIG }, FILE),
    });
  });

  it('policyIssues always gives at least the error itself, and joins array paths', () => {
    const bare = new DomainError('CONFIG.INVALID', 'broken', 'fix it');
    expect(policyIssues(bare)).toEqual([{ path: null, line: null, column: null, message: 'broken' }]);
    const detailed = new DomainError('CONFIG.INVALID', 'broken', 'fix it', {
      issues: [{ path: ['generation', 'maxFeaturesPerEpic'], line: 3, column: 5 }],
    });
    expect(policyIssues(detailed)).toEqual([
      { path: 'generation.maxFeaturesPerEpic', line: 3, column: 5, message: 'broken' },
    ]);
  });

  it('names a file by its location and short blob SHA', () => {
    expect(policyLocation({ kind: 'file', location: '/p/.github/governance.yml' })).toBe(
      '/p/.github/governance.yml',
    );
    expect(policyLocation({ kind: 'github', location: 'https://x/y', sha: 'abcdef0123456789' })).toBe(
      'https://x/y (blob abcdef012345)',
    );
  });
});
