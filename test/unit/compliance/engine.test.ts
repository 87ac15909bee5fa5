import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkItem,
  checkItems,
  summarizeResults,
  type RuleOverrides,
} from '../../../src/governance/compliance/engine.js';
import { buildPolicy } from '../../../src/governance/compliance/policy.js';
import type { HierarchyNode } from '../../../src/governance/compliance/types.js';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';

const policy = buildPolicy(structuredClone(DEFAULT_CONFIG), '2025-01-15');

const task = (id: string, over: Partial<HierarchyNode> = {}): HierarchyNode => ({
  id,
  type: 'task',
  title: `Task ${id}`,
  parentId: null,
  description: '',
  labels: [],
  estimateDays: null,
  agent: null,
  status: 'planning',
  milestone: null,
  ...over,
});

describe('compliance engine', () => {
  it('reports estimate.missing by default and drops it when the rule is disabled', () => {
    const found = checkItem(task('t1'), policy, {});
    expect(found.violations.map((v) => v.rule)).toContain('estimate.missing');
    const off = checkItem(task('t1'), policy, { 'estimate.missing': { enabled: false } });
    expect(off.violations.map((v) => v.rule)).not.toContain('estimate.missing');
    expect(off.score).toBeGreaterThanOrEqual(found.score);
  });

  it.each([
    { severity: 'error' as const, rate: 0 },
    { severity: 'info' as const, rate: 1 },
  ])('severity override $severity drives the compliance rate', ({ severity, rate }) => {
    const all = Object.fromEntries(
      checkItem(task('t'), policy, {}).violations.map((v) => [v.rule, { severity, categories: ['sox'] }]),
    ) as RuleOverrides;
    const report = summarizeResults(checkItems([task('a'), task('b')], policy, all));
    expect(report.complianceRate).toBe(rate);
    expect(report.byCategory.sox).toBe(report.bySeverity[severity]);
  });

  it('gives the same results item by item and in bulk', () => {
    const node = fc.record({
      id: fc.uuid(),
      description: fc.constantFrom('', '## Acceptance criteria\n- works'),
      labels: fc.subarray(['type:task', 'type:epic', 'priority:high', 'odd']),
      estimateDays: fc.option(fc.integer({ min: 0, max: 30 })),
      agent: fc.option(fc.constantFrom('agent:dev', 'agent:nope')),
    });
    fc.assert(
      fc.property(fc.array(node, { maxLength: 20 }), (parts) => {
        const nodes = parts.map((p) => task(p.id, p));
        const bulk = checkItems(nodes, policy, {});
        expect(bulk).toEqual(nodes.map((n) => checkItem(n, policy, {})));
      }),
      { numRuns: 50 },
    );
  });
});
