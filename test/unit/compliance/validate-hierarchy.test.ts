import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCollector } from '../../../src/governance/compliance/collect.js';
import {
  RULE_IDS,
  SEVERITIES,
  type HierarchyNode,
  type RuleId,
  type Violation,
} from '../../../src/governance/compliance/types.js';
import { createValidator, validateHierarchy } from '../../../src/governance/compliance/validate-hierarchy.js';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import type { GovernanceConfig } from '../../../src/governance/config/schema.js';

const TODAY = '2025-01-15';

type Cfg = GovernanceConfig;
const withConfig = (f: (c: Cfg) => void): Cfg => {
  const c = structuredClone(DEFAULT_CONFIG);
  f(c);
  return c;
};

/** A hierarchy that satisfies every rule of the default configuration. */
function compliant(): HierarchyNode[] {
  return [
    {
      id: 'E-1',
      type: 'epic',
      title: 'Epic: Checkout',
      parentId: null,
      description: '## Overview\n\nBuy things.\n\n## Acceptance criteria\n\n- [ ] people can pay\n',
      labels: ['type:epic'],
      estimateDays: null,
      agent: null,
      status: 'planning',
      milestone: { id: 'M-1', title: 'Q1-2025-checkout', dueOn: '2025-03-31', state: 'open' },
    },
    {
      id: 'F-2',
      type: 'feature',
      title: 'Feature: Cart',
      parentId: 'E-1',
      description: '## Acceptance criteria\n\n- cart persists\n\n## Technical notes\n\n- use the session\n',
      labels: ['type:feature'],
      estimateDays: 3,
      agent: 'agent:dev',
      status: 'planning',
      milestone: null,
    },
    task('T-3', 'F-2'),
  ];
}

function task(id: string, parentId: string | null, patch: Partial<HierarchyNode> = {}): HierarchyNode {
  return {
    id,
    type: 'task',
    title: `Task: Step ${id}`,
    parentId,
    description: '## Acceptance criteria\n\n- it works\n',
    labels: ['type:task'],
    estimateDays: 2,
    agent: 'agent:dev',
    status: 'planning',
    milestone: null,
    ...patch,
  };
}

const patchNode = (id: string, patch: Partial<HierarchyNode>) => (nodes: HierarchyNode[]) =>
  nodes.map((n) => (n.id === id ? { ...n, ...patch } : n));
const add =
  (...extra: HierarchyNode[]) =>
  (nodes: HierarchyNode[]) => [...nodes, ...extra];
const feature = (id: string, patch: Partial<HierarchyNode> = {}): HierarchyNode => ({
  ...compliant()[1]!,
  id,
  ...patch,
});

const check = (nodes: HierarchyNode[], config: Cfg = DEFAULT_CONFIG) =>
  validateHierarchy(nodes, config, { today: TODAY });

describe('validateHierarchy rules', () => {
  it('finds nothing in a compliant hierarchy', () => {
    const r = check(compliant());
    expect(r).toEqual({
      checked: 3,
      compliant: true,
      counts: { error: 0, warning: 0, info: 0 },
      violations: [],
    });
  });

  it.each<{
    rule: RuleId;
    why: string;
    change: (n: HierarchyNode[]) => HierarchyNode[];
    config?: Cfg;
    expected: { itemId: string; severity: string }[];
    fix?: RegExp;
  }>([
    {
      rule: 'structure.parent',
      why: 'task under an epic',
      change: add(task('T-9', 'E-1')),
      expected: [{ itemId: 'T-9', severity: 'error' }],
      fix: /Move T-9 under a feature/,
    },
    {
      rule: 'structure.parent',
      why: 'unparented task',
      change: add(task('T-9', null)),
      expected: [{ itemId: 'T-9', severity: 'error' }],
    },
    {
      rule: 'structure.parent',
      why: 'dangling parent',
      change: add(task('T-9', 'F-404')),
      expected: [{ itemId: 'T-9', severity: 'error' }],
      fix: /T-9/,
    },
    {
      rule: 'structure.emptyEpic',
      why: 'epic without features',
      change: add({ ...compliant()[0]!, id: 'E-8' }),
      expected: [{ itemId: 'E-8', severity: 'warning' }],
    },
    {
      rule: 'structure.emptyFeature',
      why: 'feature without tasks',
      change: add(feature('F-8')),
      expected: [{ itemId: 'F-8', severity: 'warning' }],
    },
    {
      rule: 'structure.emptyFeature',
      why: 'no auto breakdown: info',
      change: add(feature('F-8')),
      config: withConfig((c) => (c.generation.autoTaskBreakdown = false)),
      expected: [{ itemId: 'F-8', severity: 'info' }],
    },
    {
      rule: 'structure.requiredFeature',
      why: 'required feature absent',
      change: (n) => n,
      config: withConfig((c) => (c.templates.epic.requiredChildFeatures = ['Cart', 'Docs'])),
      expected: [{ itemId: 'E-1', severity: 'warning' }],
      fix: /"Docs"/,
    },
    {
      rule: 'limits.maxFeaturesPerEpic',
      why: '2 features, limit 1',
      change: add(feature('F-5'), task('T-6', 'F-5')),
      config: withConfig((c) => (c.generation.maxFeaturesPerEpic = 1)),
      expected: [{ itemId: 'E-1', severity: 'error' }],
      fix: /Split epic E-1: it has 2 features; the limit is 1/,
    },
    {
      rule: 'limits.maxTasksPerFeature',
      why: '2 tasks, limit 1',
      change: add(task('T-4', 'F-2')),
      config: withConfig((c) => (c.generation.maxTasksPerFeature = 1)),
      expected: [{ itemId: 'F-2', severity: 'error' }],
      fix: /Split feature F-2: it has 2 tasks; the limit is 1/,
    },
    {
      rule: 'title.pattern',
      why: 'no "Task: " prefix',
      change: patchNode('T-3', { title: 'Add item' }),
      expected: [{ itemId: 'T-3', severity: 'info' }],
      fix: /"Task: Add item"/,
    },
    {
      rule: 'title.pattern',
      why: "another type's prefix",
      change: patchNode('F-2', { title: 'Epic: Cart' }),
      expected: [{ itemId: 'F-2', severity: 'info' }],
      fix: /Rename F-2 to "Feature: Cart"/,
    },
    {
      rule: 'sections.required',
      why: 'no technical notes',
      change: patchNode('F-2', { description: '## Acceptance criteria\n- x' }),
      expected: [{ itemId: 'F-2', severity: 'warning' }],
      fix: /## Technical notes/,
    },
    {
      rule: 'sections.required',
      why: 'empty template heading',
      change: patchNode('T-3', { description: '## Acceptance criteria\n\nTBD\n' }),
      expected: [{ itemId: 'T-3', severity: 'warning' }],
    },
    {
      rule: 'sections.documentation',
      why: 'open feature lacks criteria',
      change: patchNode('F-2', { description: '## Technical notes\n- n' }),
      expected: [{ itemId: 'F-2', severity: 'warning' }],
      fix: /## Acceptance criteria/,
    },
    {
      rule: 'sections.documentation',
      why: 'done epic lacks overview',
      change: patchNode('E-1', { status: 'done', description: '## Acceptance criteria\n- y' }),
      expected: [{ itemId: 'E-1', severity: 'error' }],
    },
    {
      rule: 'estimate.missing',
      why: 'task without estimate',
      change: patchNode('T-3', { estimateDays: null }),
      expected: [{ itemId: 'T-3', severity: 'warning' }],
    },
    {
      rule: 'estimate.tier',
      why: 'between simple and medium',
      change: patchNode('T-3', { estimateDays: 4 }),
      expected: [{ itemId: 'T-3', severity: 'info' }],
    },
    {
      rule: 'estimate.tier',
      why: 'above complex',
      change: patchNode('T-3', { estimateDays: 30 }),
      expected: [{ itemId: 'T-3', severity: 'warning' }],
      fix: /Split T-3/,
    },
    {
      rule: 'labels.required',
      why: 'no type label',
      change: patchNode('T-3', { labels: [] }),
      expected: [{ itemId: 'T-3', severity: 'warning' }],
      fix: /type:task/,
    },
    {
      rule: 'labels.unknown',
      why: 'free label',
      change: patchNode('T-3', { labels: ['type:task', 'frontend'] }),
      expected: [{ itemId: 'T-3', severity: 'info' }],
      fix: /frontend/,
    },
    {
      rule: 'labels.mismatch',
      why: 'feature label on a task',
      change: patchNode('T-3', { labels: ['type:task', 'type:feature'] }),
      expected: [{ itemId: 'T-3', severity: 'error' }],
    },
    {
      rule: 'labels.mismatch',
      why: 'other agent label',
      change: patchNode('T-3', { labels: ['type:task', 'agent:qa'] }),
      expected: [{ itemId: 'T-3', severity: 'error' }],
    },
    {
      rule: 'agent.unknown',
      why: 'unconfigured agent',
      change: patchNode('T-3', { agent: 'agent:ghost' }),
      expected: [{ itemId: 'T-3', severity: 'error' }],
      fix: /agent:dev/,
    },
    {
      rule: 'agent.missing',
      why: 'open task without agent',
      change: patchNode('T-3', { agent: null }),
      expected: [{ itemId: 'T-3', severity: 'info' }],
    },
    {
      rule: 'milestone.missing',
      why: 'epic without milestone',
      change: patchNode('E-1', { milestone: null }),
      expected: [{ itemId: 'E-1', severity: 'info' }],
    },
    {
      rule: 'milestone.missing',
      why: 'autoCreate: warning',
      change: patchNode('E-1', { milestone: null }),
      config: withConfig((c) => (c.milestones.autoCreate = true)),
      expected: [{ itemId: 'E-1', severity: 'warning' }],
    },
    {
      rule: 'milestone.naming',
      why: 'free milestone title',
      change: patchNode('E-1', { milestone: { id: 'M-1', title: 'Sprint 1', dueOn: null, state: 'open' } }),
      expected: [{ itemId: 'E-1', severity: 'info' }],
    },
    {
      rule: 'milestone.overdue',
      why: 'due before today',
      change: patchNode('T-3', { milestone: { id: 'M-2', title: 'S', dueOn: '2025-01-14', state: 'open' } }),
      expected: [{ itemId: 'T-3', severity: 'warning' }],
      fix: /M-2/,
    },
    {
      rule: 'milestone.closed',
      why: 'open task, closed milestone',
      change: patchNode('T-3', { milestone: { id: 'M-2', title: 'S', dueOn: null, state: 'closed' } }),
      expected: [{ itemId: 'T-3', severity: 'warning' }],
    },
  ])('$rule: $why', ({ rule, change, config, expected, fix }) => {
    const r = check(change(compliant()), config);
    expect(r.violations.map((v) => ({ rule: v.rule, itemId: v.itemId, severity: v.severity }))).toEqual(
      expected.map((e) => ({ rule, ...e })),
    );
    expect(r.compliant).toBe(!expected.some((e) => e.severity === 'error'));
    if (fix) expect(r.violations[0]!.fix).toMatch(fix);
  });

  it('allows unparented tasks when the configuration does', () => {
    const config = withConfig((c) => (c.structure.allowUnparentedTasks = true));
    expect(check([...compliant(), task('T-9', null)], config).violations).toEqual([]);
  });

  it('accepts a subtree whose root parent is outside it', () => {
    const [, f, t] = compliant();
    const v = createValidator(DEFAULT_CONFIG, { today: TODAY, externalParents: { 'E-1': 'epic' } });
    expect([...v.push(f!), ...v.push(t!), ...v.finish()]).toEqual([]);
  });

  it('does not count milestones due today as overdue, nor done items', () => {
    const m = { id: 'M-2', title: 'S', dueOn: TODAY, state: 'open' as const };
    expect(check(patchNode('T-3', { milestone: m })(compliant())).violations).toEqual([]);
    const past = { ...m, dueOn: '2024-12-31' };
    expect(check(patchNode('T-3', { milestone: past, status: 'done' })(compliant())).violations).toEqual([]);
  });
});

/** Random trees of epics, features and tasks with random rule-relevant fields. */
const nodeFields = fc.record({
  title: fc.constantFrom('Epic: A', 'Feature: B', 'Task: C', 'plain title'),
  description: fc.constantFrom('', '## Acceptance criteria\n- x', '## Overview\nx\n## Technical notes\n- y'),
  labels: fc.subarray(['type:epic', 'type:feature', 'type:task', 'agent:qa', 'frontend']),
  estimateDays: fc.option(fc.constantFrom(1, 4, 8, 30), { nil: null }),
  agent: fc.option(fc.constantFrom('agent:dev', 'agent:qa', 'agent:x'), { nil: null }),
  status: fc.constantFrom('planning', 'in_progress', 'done'),
});
type Fields = typeof nodeFields extends fc.Arbitrary<infer T> ? T : never;
const featureArb = fc.record({ fields: nodeFields, tasks: fc.array(nodeFields, { maxLength: 12 }) });
const epicArb = fc.record({ fields: nodeFields, features: fc.array(featureArb, { maxLength: 10 }) });
/** Depth-first, as the store pages trees; some tasks are roots (unparented). */
const treeArb = fc
  .tuple(fc.array(epicArb, { maxLength: 4 }), fc.array(nodeFields, { maxLength: 2 }))
  .map(([epics, loose]) => {
    const out: HierarchyNode[] = [];
    let seq = 0;
    const mk = (type: HierarchyNode['type'], parentId: string | null, f: Fields): string => {
      const id = `${type[0]!.toUpperCase()}-${++seq}`;
      out.push({ id, type, parentId, milestone: null, ...f });
      return id;
    };
    for (const e of epics) {
      const eid = mk('epic', null, e.fields);
      for (const f of e.features) {
        const fid = mk('feature', eid, f.fields);
        for (const t of f.tasks) mk('task', fid, t);
      }
    }
    for (const t of loose) mk('task', null, t);
    return out;
  });

const key = (v: Violation) => `${v.itemId}|${v.rule}|${v.severity}|${v.message}`;

describe('validateHierarchy properties', () => {
  it('the report does not depend on input order, and counts add up', () => {
    fc.assert(
      fc.property(treeArb, fc.infiniteStream(fc.nat()), (nodes, rnd) => {
        const shuffled = [...nodes].sort(() => (rnd.next().value % 3) - 1);
        const a = check(nodes);
        const b = check(shuffled);
        expect(b.violations.map(key).sort()).toEqual(a.violations.map(key).sort());
        expect(a.counts.error + a.counts.warning + a.counts.info).toBe(a.violations.length);
        expect(a.compliant).toBe(a.violations.every((v) => v.severity !== 'error'));
        expect(a.violations.every((v) => RULE_IDS.includes(v.rule) && v.fix.length > 0)).toBe(true);
        // Deterministic: the same input gives the same report, order included.
        expect(check(nodes)).toEqual(a);
      }),
      { numRuns: 150 },
    );
  });

  it('streaming in tree order gives the batch report', () => {
    fc.assert(
      fc.property(treeArb, (nodes) => {
        const v = createValidator(DEFAULT_CONFIG, { today: TODAY });
        const streamed = [...nodes.flatMap((n) => v.push(n)), ...v.finish()];
        expect(streamed).toEqual(check(nodes).violations);
      }),
      { numRuns: 100 },
    );
  });

  it('pages of the collector concatenate to the filtered stream, and totals ignore the filter', () => {
    fc.assert(
      fc.property(
        treeArb,
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(...SEVERITIES),
        (nodes, limit, min) => {
          const all = check(nodes).violations;
          const want = all.filter((v) => SEVERITIES.indexOf(v.severity) <= SEVERITIES.indexOf(min));
          const got: Violation[] = [];
          let offset: number | null = 0;
          while (offset !== null) {
            const c = createCollector({ minSeverity: min, offset, limit });
            c.add(all);
            const page = c.page();
            expect(page.violations.length).toBeLessThanOrEqual(limit);
            expect(page.counts.error + page.counts.warning + page.counts.info).toBe(all.length);
            expect(page.matched).toBe(want.length);
            got.push(...page.violations);
            offset = page.nextOffset;
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });
});
