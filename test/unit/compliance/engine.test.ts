import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  checkItem,
  checkItems,
  lowestResults,
  ReportBuilder,
  summarizeResults,
  type ItemResult,
  type RuleOverrides,
} from '../../../src/governance/compliance/engine.js';
import { ITEM_RULE_IDS } from '../../../src/governance/compliance/item-rules.js';
import { buildPolicy } from '../../../src/governance/compliance/policy.js';
import {
  RULE_IDS,
  SEVERITIES,
  type HierarchyNode,
  type Violation,
} from '../../../src/governance/compliance/types.js';
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

  it('lists the lowest scores first, ids in numeric order among equals, whatever the limit', () => {
    const byId = new Intl.Collator('en', { numeric: true });
    const result = fc.record({
      itemId: fc.oneof(
        fc
          .tuple(fc.constantFrom('T', 'F', 'E', 'TA'), fc.integer({ min: 1, max: 300 }))
          .map(([p, n]) => `${p}-${n}`),
        fc.constantFrom('t-7', 'T-007', 'X_1', 'T-2a'),
      ),
      score: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(0, 88, 88, 98)),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(result, { selector: (r) => r.itemId, maxLength: 80 }),
        fc.integer({ min: 1, max: 100 }),
        (rows, limit) => {
          const results: ItemResult[] = rows.map((r) => ({ ...r, violations: [] }));
          const expected = [...results]
            .sort((a, b) => a.score - b.score || byId.compare(a.itemId, b.itemId))
            .slice(0, limit);
          expect(lowestResults(results, limit).map((r) => r.itemId)).toEqual(expected.map((r) => r.itemId));
        },
      ),
    );
  });

  it('builds as findings stream in the report the whole result list gives, items settled or not', () => {
    const rule = fc.constantFrom(...RULE_IDS.slice(0, 6));
    const finding = fc.record({
      item: fc.integer({ min: 1, max: 40 }),
      rule,
      // Mostly one severity, so that many items tie on a score.
      severity: fc.oneof(
        { arbitrary: fc.constant('warning' as const), weight: 4 },
        fc.constantFrom(...SEVERITIES),
      ),
    });
    const override = fc.record(
      {
        enabled: fc.boolean(),
        severity: fc.constantFrom(...SEVERITIES),
        categories: fc.subarray(['sox', 'iso27001', 'gdpr']),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(finding, { maxLength: 150 }),
        fc.dictionary(rule, override, { maxKeys: 4 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.boolean(), { minLength: 1 }),
        (found, overrides, unsettled, limit, slack, extraChecked, cuts) => {
          const vs: Violation[] = found.map((f) => ({
            severity: f.severity,
            rule: f.rule,
            itemId: `T-${f.item}`,
            message: `m ${f.item}`,
            fix: `f ${f.item}`,
          }));
          // Findings come in batches (cut where `cuts` says); every item but the unsettled is
          // settled with the batch that holds its last finding, whose earlier ones came before.
          const lastOf = new Map(vs.map((v, i) => [v.itemId, i]));
          const builder = new ReportBuilder(overrides, limit, slack);
          let batch: Violation[] = [];
          vs.forEach((v, i) => {
            batch.push(v);
            const n = Number(v.itemId.slice(2));
            if (lastOf.get(v.itemId) === i && !unsettled.includes(n)) {
              builder.add(batch, v.itemId);
              batch = [];
            } else if (cuts[i % cuts.length]) {
              builder.add(batch);
              batch = [];
            }
          });
          builder.add(batch);
          builder.add([], 'T-99'); // an item without findings
          const byItem = new Map<string, Violation[]>();
          for (const v of vs) byItem.set(v.itemId, [...(byItem.get(v.itemId) ?? []), v]);
          const results: ItemResult[] = [...byItem].flatMap(([itemId, list]) => {
            const violations = applyOverrides(list, overrides);
            if (violations.length === 0) return [];
            return [
              {
                itemId,
                score: Math.max(
                  0,
                  100 - violations.reduce((s, v) => s + { error: 25, warning: 10, info: 2 }[v.severity], 0),
                ),
                violations,
              },
            ];
          });
          const checked = results.length + extraChecked;
          const report = builder.report(checked);
          expect(report).toEqual({
            ...summarizeResults(results, checked),
            items: lowestResults(results, limit),
            itemsWithFindings: results.length,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports from an item alone only the rules a write can be checked against', () => {
    const node = fc.record({
      type: fc.constantFrom('epic' as const, 'feature' as const, 'task' as const),
      title: fc.constantFrom('Task: Ship', 'Epic: Billing', 'ship', ''),
      description: fc.constantFrom('', '## Acceptance criteria\n- [ ] it works', '## Overview\n(draft)'),
      labels: fc.subarray(['type:task', 'type:epic', 'agent:qa', 'made-up', 'priority:high']),
      estimateDays: fc.constantFrom(null, 0.1, 1, 4, 40),
      agent: fc.constantFrom(null, 'agent:dev', 'agent:nobody'),
      status: fc.constantFrom('planning' as const, 'in_progress' as const, 'done' as const),
      milestone: fc.constantFrom(
        null,
        { id: 'M-1', title: 'Old', dueOn: '2024-01-01', state: 'open' as const },
        {
          id: 'M-2',
          title: 'Shut',
          dueOn: null,
          state: 'closed' as const,
        },
      ),
    });
    fc.assert(
      fc.property(node, (n) => {
        for (const v of checkItem(task('x', n), policy, {}).violations)
          expect(ITEM_RULE_IDS).toContain(v.rule);
      }),
    );
  });
});
