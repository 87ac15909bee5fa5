import { FIRST_PAGE_SIZE, STORED_PAGE_SIZE } from '../../src/governance/compliance/check-stored.js';
import { describe, expect, it } from 'vitest';
import { connectClient, seedHierarchy, useClient, WS, type Connected } from '../helpers/mcp.js';

const c = useClient();

interface Tree {
  milestone: string;
  epic: string;
  feature: string;
  tasks: string[];
}

const TASK_DESCRIPTION = '## Acceptance criteria\n\n- [ ] it works\n';

/** Epic -> feature -> 3 tasks that satisfy every rule of the default configuration on 2025-01-15. */
async function compliantTree(cl: Connected = c()): Promise<Tree> {
  const milestone = (
    await cl.ok('upsert_milestone', { workspace: WS, title: 'Q1-2025-checkout', dueOn: '2025-03-31' })
  ).milestone.id as string;
  const create = async (args: Record<string, unknown>) =>
    (await cl.ok('create_item', { workspace: WS, ...args })).item.id as string;
  const epic = await create({
    type: 'epic',
    title: 'Epic: Checkout',
    description: '## Overview\n\nBuy things.\n\n## Acceptance criteria\n\n- [ ] people can pay\n',
    labels: ['type:epic'],
    milestoneId: milestone,
  });
  const feature = await create({
    type: 'feature',
    title: 'Feature: Cart',
    parentId: epic,
    description: '## Acceptance criteria\n\n- [ ] cart persists\n\n## Technical notes\n\n- session storage\n',
    labels: ['type:feature'],
    agent: 'agent:dev',
    estimateDays: 3,
  });
  const tasks: string[] = [];
  for (const name of ['Add item', 'Remove item', 'Show total']) {
    tasks.push(
      await create({
        type: 'task',
        title: `Task: ${name}`,
        parentId: feature,
        description: TASK_DESCRIPTION,
        labels: ['type:task'],
        agent: 'agent:dev',
        estimateDays: 1,
      }),
    );
  }
  return { milestone, epic, feature, tasks };
}

const validate = (args: Record<string, unknown> = {}) =>
  c().ok('validate_hierarchy', { workspace: WS, source: { kind: 'stored' }, limit: 200, ...args });

const update = async (id: string, patch: Record<string, unknown>) => {
  const { item } = await c().ok('get_item', { workspace: WS, id });
  await c().ok('update_item', { workspace: WS, id, expectedVersion: item.version, ...patch });
};

const configure = (override: Record<string, unknown>) =>
  c().ok('update_config', { workspace: WS, scope: 'repo', override, reason: 'test' });

describe('validate_hierarchy on stored items', () => {
  it('reports a compliant tree as compliant, and writes nothing', async () => {
    await compliantTree();
    const before = await c().auditSeq();
    expect(await validate()).toEqual({
      compliant: true,
      checked: 5,
      counts: { error: 0, warning: 0, info: 0 },
      matched: 0,
      violations: [],
      rules: {},
      nextCursor: null,
      configVersions: { org: null, repo: null },
    });
    expect(await c().auditSeq()).toBe(before);
  });

  it.each<{
    name: string;
    act: (t: Tree) => Promise<unknown>;
    rule: string;
    item: (t: Tree) => string;
    severity: string;
    fix: RegExp;
  }>([
    {
      name: 'a title off the pattern',
      act: (t) => update(t.tasks[0]!, { title: 'Add item' }),
      rule: 'title.pattern',
      item: (t) => t.tasks[0]!,
      severity: 'info',
      fix: /"Task: Add item"/,
    },
    {
      name: 'a feature without criteria',
      act: (t) => update(t.feature, { description: '## Technical notes\n\n- n\n' }),
      rule: 'sections.documentation',
      item: (t) => t.feature,
      severity: 'warning',
      fix: /## Acceptance criteria/,
    },
    {
      name: 'a task without estimate',
      act: (t) => update(t.tasks[1]!, { estimateDays: null }),
      rule: 'estimate.missing',
      item: (t) => t.tasks[1]!,
      severity: 'warning',
      fix: /Set estimateDays/,
    },
    {
      // update_item refuses one (AGENT.UNKNOWN), so it is written behind the server's back, as a
      // row stored before that check existed would be.
      name: 'an unconfigured agent',
      act: (t) =>
        c().exec('update items set agent = ? where workspace = ? and id = ?', [
          'agent:ghost',
          WS,
          t.tasks[2]!,
        ]),
      rule: 'agent.unknown',
      item: (t) => t.tasks[2]!,
      severity: 'error',
      fix: /agent:dev/,
    },
    {
      name: 'a label of another type',
      act: (t) => update(t.tasks[0]!, { labels: ['type:task', 'type:epic'] }),
      rule: 'labels.mismatch',
      item: (t) => t.tasks[0]!,
      severity: 'error',
      fix: /Remove type:epic/,
    },
    {
      name: 'a closed milestone with open work',
      act: (t) =>
        c().ok('upsert_milestone', {
          workspace: WS,
          id: t.milestone,
          title: 'Q1-2025-checkout',
          state: 'closed',
        }),
      rule: 'milestone.closed',
      item: (t) => t.epic,
      severity: 'warning',
      fix: /open milestone/,
    },
    {
      name: 'an overdue milestone',
      act: async () => c().clock.set('2025-04-02T09:00:00.000Z'),
      rule: 'milestone.overdue',
      item: (t) => t.epic,
      severity: 'warning',
      fix: /due date/,
    },
    {
      name: 'a feature without tasks',
      act: (t) =>
        c().ok('create_item', {
          workspace: WS,
          type: 'feature',
          title: 'Feature: Empty',
          parentId: t.epic,
          description: '## Acceptance criteria\n- a\n## Technical notes\n- b',
          labels: ['type:feature'],
          estimateDays: 2,
        }),
      rule: 'structure.emptyFeature',
      item: () => 'F-6',
      severity: 'warning',
      fix: /Break F-6 down into tasks/,
    },
    {
      name: 'a task limit below the feature size',
      act: () => configure({ generation: { maxTasksPerFeature: 2 } }),
      rule: 'limits.maxTasksPerFeature',
      item: (t) => t.feature,
      severity: 'error',
      fix: /it has 3 tasks; the limit is 2/,
    },
    {
      name: 'a required child feature',
      act: () => configure({ templates: { epic: { requiredChildFeatures: ['Docs'] } } }),
      rule: 'structure.requiredFeature',
      item: (t) => t.epic,
      severity: 'warning',
      fix: /"Docs"/,
    },
  ])('$name -> $rule', async ({ act, rule, item, severity, fix }) => {
    const t = await compliantTree();
    await act(t);
    const r = await validate();
    expect(r.violations.map((v: any) => [v.rule, v.itemId, v.severity])).toEqual([[rule, item(t), severity]]);
    expect(r.violations[0].fix).toMatch(fix);
    expect(Object.keys(r.rules)).toEqual([rule]);
    expect(r.compliant).toBe(severity !== 'error');
  });

  it('follows configuration overrides both ways', async () => {
    await seedHierarchy(c());
    const titles = (r: any) => r.violations.filter((v: any) => v.rule === 'title.pattern').length;
    const before = await validate();
    expect(titles(before)).toBe(9);
    expect(before.configVersions).toEqual({ org: null, repo: null });
    await configure({
      templates: { task: { titlePattern: '{name}' } },
      generation: { maxFeaturesPerEpic: 1 },
    });
    const after = await validate();
    expect(titles(after)).toBe(3);
    expect(after.configVersions).toEqual({ org: null, repo: 1 });
    expect(after.violations.filter((v: any) => v.rule === 'limits.maxFeaturesPerEpic')).toEqual([
      expect.objectContaining({ itemId: 'E-1', severity: 'error' }),
    ]);
    expect(after.compliant).toBe(false);
  });

  it('checks one subtree with rootId, and fails on an unknown one', async () => {
    const t = await compliantTree();
    await update(t.epic, { title: 'Checkout' });
    await update(t.tasks[0]!, { title: 'Add item' });
    const r = await validate({ source: { kind: 'stored', rootId: t.feature } });
    expect(r.checked).toBe(4);
    expect(r.violations.map((v: any) => v.itemId)).toEqual([t.tasks[0]]);
    expect(
      await c().err('validate_hierarchy', { workspace: WS, source: { kind: 'stored', rootId: 'F-404' } }),
    ).toBe('ITEM.NOT_FOUND');
  });

  it('pages violations with a cursor and filters by severity, totals unchanged', async () => {
    await seedHierarchy(c());
    const all = await validate();
    expect(all.matched).toBeGreaterThan(10);
    const paged: unknown[] = [];
    let cursor: string | undefined;
    do {
      const p = await validate({ limit: 4, ...(cursor && { cursor }) });
      expect(p.violations.length).toBeLessThanOrEqual(4);
      expect(p.counts).toEqual(all.counts);
      paged.push(...p.violations);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.violations);

    const warnings = await validate({ minSeverity: 'warning' });
    expect(warnings.matched).toBe(all.counts.error + all.counts.warning);
    expect(warnings.violations.every((v: any) => v.severity !== 'info')).toBe(true);
    expect(warnings.counts).toEqual(all.counts);
  });

  it.each([
    { name: 'a foreign cursor', args: { source: { kind: 'stored' }, cursor: 'abc' } },
    { name: 'an unknown source kind', args: { source: { kind: 'github' } } },
    { name: 'a bad severity', args: { source: { kind: 'stored' }, minSeverity: 'fatal' } },
  ])('refuses $name with INPUT.INVALID', async ({ args }) => {
    expect(await c().err('validate_hierarchy', { workspace: WS, ...args })).toBe('INPUT.INVALID');
  });
});

const SPEC = `# Checkout

Let people buy things.

## Cart

${Array.from({ length: 11 }, (_, i) => `- Cart step ${i + 1}`).join('\n')}
`;

describe('validate_hierarchy on a spec', () => {
  it('checks the plan as apply_spec would write it: an oversized feature is split by default', async () => {
    const r = await c().ok('validate_hierarchy', { workspace: WS, source: { kind: 'spec', text: SPEC } });
    expect(r.checked).toBe(14);
    expect(r.violations.filter((v: any) => v.rule === 'limits.maxTasksPerFeature')).toEqual([]);
  });

  it("checks the plan against the workspace's policy without writing it", async () => {
    // Without automatic breakdown the plan keeps the 11 tasks in one feature (and flags it).
    await configure({ generation: { autoTaskBreakdown: false } });
    const r = await c().ok('validate_hierarchy', {
      workspace: WS,
      source: { kind: 'spec', text: SPEC },
      limit: 200,
    });
    expect(r.checked).toBe(13);
    expect(r.violations.every((v: any) => /^[EFT]-[a-z0-9]+$/.test(v.itemId))).toBe(true);
    const limits = r.violations.filter((v: any) => v.rule === 'limits.maxTasksPerFeature');
    expect(limits).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(limits[0].fix).toMatch(/it has 11 tasks; the limit is 10/);
    const seq = await c().auditSeq();
    expect(await c().auditSeq()).toBe(seq);
    expect((await validate()).checked).toBe(0);

    // The same spec passes the limit once the workspace allows 11 tasks.
    await configure({ generation: { autoTaskBreakdown: false, maxTasksPerFeature: 11 } });
    const relaxed = await c().ok('validate_hierarchy', {
      workspace: WS,
      source: { kind: 'spec', text: SPEC },
    });
    expect(relaxed.counts.error).toBe(0);
    expect(relaxed.compliant).toBe(true);
  });

  it('fails on an empty spec like decompose_spec', async () => {
    expect(await c().err('validate_hierarchy', { workspace: WS, source: { kind: 'spec', text: '  ' } })).toBe(
      'SPEC.EMPTY',
    );
  });
});

describe('validate_hierarchy on a large workspace', () => {
  it('streams pages, reports progress and counts every item', async () => {
    const features = Array.from(
      { length: 60 },
      (_, f) =>
        `## Area ${f + 1}\n\n${Array.from({ length: 9 }, (_, t) => `- Step ${f + 1}.${t + 1}`).join('\n')}`,
    );
    await c().ok('apply_spec', {
      workspace: WS,
      text: `# Big\n\nMany things.\n\n${features.join('\n\n')}\n`,
      dryRun: false,
    });
    const progress: { progress: number; total?: number }[] = [];
    const r = (await c().client.callTool(
      {
        name: 'validate_hierarchy',
        arguments: { workspace: WS, source: { kind: 'stored' }, minSeverity: 'error' },
      },
      undefined,
      { onprogress: (p) => progress.push({ progress: p.progress, total: p.total }) },
    )) as any;
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent.checked).toBe(601);
    expect(r.structuredContent.violations).toEqual([
      expect.objectContaining({ rule: 'limits.maxFeaturesPerEpic', itemId: 'E-1', severity: 'error' }),
    ]);
    // One report per page read (a short one first), the last at the total.
    const ends: number[] = [];
    for (let end = FIRST_PAGE_SIZE; ; end += STORED_PAGE_SIZE) {
      ends.push(Math.min(601, end));
      if (end >= 601) break;
    }
    expect(ends.length).toBeGreaterThan(1);
    expect(progress).toEqual(ends.map((progress) => ({ progress, total: 601 })));
  }, 60_000);
});

describe('validate_hierarchy on PostgreSQL', () => {
  it('reads the same tree in the same order', async () => {
    const pg = await connectClient({ backend: 'postgres' });
    try {
      const t = await compliantTree(pg);
      const { item } = await pg.ok('get_item', { workspace: WS, id: t.tasks[1]! });
      await pg.ok('update_item', {
        workspace: WS,
        id: item.id,
        expectedVersion: item.version,
        estimateDays: 4,
      });
      const r = await pg.ok('validate_hierarchy', { workspace: WS, source: { kind: 'stored' } });
      expect(r.checked).toBe(5);
      expect(r.violations.map((v: any) => [v.rule, v.itemId])).toEqual([['estimate.tier', t.tasks[1]]]);
    } finally {
      await pg.close();
    }
  });
});
