/**
 * check_compliance and the compliance resource through MCP: the validator's findings under the
 * policy's per-rule settings, scores per item, totals per rule, severity and category, scopes, and
 * the same totals whether the items are checked one by one or all at once.
 */
import { describe, expect, it } from 'vitest';
import { runWrite } from '../../src/governance/use-cases/write-scope.js';
import { useClient, WS, type BackendName } from '../helpers/mcp.js';

const CALLER = {
  actor: { type: 'system' as const, id: 'webhook', name: 'GitHub webhook' },
  client: null,
  tool: null,
  correlationId: 'test',
};

interface Finding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  itemId: string;
  categories: string[];
}
interface Report {
  checked: number;
  complianceRate: number;
  meanScore: number;
  byRule: Record<string, number>;
  bySeverity: Record<string, number>;
  byCategory: Record<string, number>;
  itemsWithFindings: number;
  items: { itemId: string; score: number; violations: Finding[] }[];
}

const PENALTY = { error: 25, warning: 10, info: 2 } as const;

describe.each<BackendName>(['sqlite', 'postgres'])('check_compliance on %s', (backend) => {
  const c = useClient({ backend });

  async function tree() {
    const epic = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Checkout' })).item;
    const feature = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Payments', parentId: epic.id })
    ).item;
    const tasks = [];
    for (const [title, extra] of [
      ['Charge cards', { estimateDays: 2, agent: 'agent:dev' }],
      ['Refund cards', {}],
      ['Send receipts', { estimateDays: 1 }],
    ] as const) {
      tasks.push(
        (await c().ok('create_item', { workspace: WS, type: 'task', title, parentId: feature.id, ...extra }))
          .item,
      );
    }
    return { epic, feature, tasks };
  }

  const check = (args: Record<string, unknown> = {}) =>
    c().ok<Report>('check_compliance', { workspace: WS, limit: 200, ...args });

  it('scores each item by its findings and totals them per rule and severity', async () => {
    await tree();
    const r = await check();
    expect(r.checked).toBe(5);
    expect(r.itemsWithFindings).toBeGreaterThan(0);
    const all = r.items.flatMap((i) => i.violations);
    const count = (f: (v: Finding) => string) =>
      all.reduce<Record<string, number>>((m, v) => ({ ...m, [f(v)]: (m[f(v)] ?? 0) + 1 }), {});
    expect(r.byRule).toEqual(count((v) => v.rule));
    expect(r.bySeverity).toEqual({ error: 0, warning: 0, info: 0, ...count((v) => v.severity) });
    for (const item of r.items) {
      const penalty = item.violations.reduce((s, v) => s + PENALTY[v.severity], 0);
      expect(item.score).toBe(Math.max(0, 100 - penalty));
    }
    // Lowest score first; items without findings count as 100 and compliant.
    expect(r.items.map((i) => i.score)).toEqual([...r.items.map((i) => i.score)].sort((a, b) => a - b));
    const withErrors = r.items.filter((i) => i.violations.some((v) => v.severity === 'error')).length;
    expect(r.complianceRate).toBeCloseTo((r.checked - withErrors) / r.checked, 10);
    const sum = r.items.reduce((s, i) => s + i.score, 0) + 100 * (r.checked - r.items.length);
    expect(r.meanScore).toBeCloseTo(sum / r.checked, 10);
    // The unestimated, unassigned task is among them.
    expect(all).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'estimate.missing' })]));
  });

  it('gives the same totals item by item as for the workspace at once', async () => {
    const { epic, feature, tasks } = await tree();
    const whole = await check();
    const byRule: Record<string, number> = {};
    let checked = 0;
    for (const id of [epic.id, feature.id, ...tasks.map((t: { id: string }) => t.id)]) {
      const one = await check({ scope: 'item', id });
      expect(one.checked).toBe(1);
      expect(one.items.every((i) => i.itemId === id)).toBe(true);
      checked += one.checked;
      for (const [rule, n] of Object.entries(one.byRule)) byRule[rule] = (byRule[rule] ?? 0) + n;
    }
    expect(checked).toBe(whole.checked);
    expect(byRule).toEqual(whole.byRule);
    const sub = await check({ scope: 'subtree', id: feature.id });
    expect(sub.checked).toBe(4);
  });

  it('follows compliance.rules: a rule off, another severity, categories', async () => {
    await tree();
    const before = await check();
    expect(before.byRule['estimate.missing']).toBeGreaterThan(0);
    const sections = before.byRule['sections.required'] ?? 0;
    expect(sections).toBeGreaterThan(0);
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'SOX controls',
      override: {
        compliance: {
          rules: {
            'estimate.missing': { enabled: false },
            'sections.required': { severity: 'error', categories: ['sox', 'iso27001'] },
          },
        },
      },
    });
    const after = await check();
    expect(after.byRule['estimate.missing']).toBeUndefined();
    expect(after.byCategory).toEqual({ sox: sections, iso27001: sections });
    const tagged = after.items.flatMap((i) => i.violations).filter((v) => v.rule === 'sections.required');
    expect(tagged.every((v) => v.severity === 'error' && v.categories.includes('sox'))).toBe(true);
    expect(after.complianceRate).toBeLessThanOrEqual(before.complianceRate);
  });

  it.each([
    ['a subtree without its item', { scope: 'subtree' }, 'INPUT.INVALID'],
    ['an unknown item', { scope: 'item', id: 'T-999' }, 'ITEM.NOT_FOUND'],
    ['an unknown workspace', { workspace: 'nobody/here' }, 'WORKSPACE.NOT_FOUND'],
  ])('refuses %s', async (_name, args, code) => {
    await tree();
    expect(await c().err('check_compliance', { workspace: WS, ...args })).toBe(code);
  });

  it('refuses a policy naming a rule that does not exist, and changes nothing', async () => {
    await tree();
    const seq = await c().auditSeq(WS);
    expect(
      await c().err('update_config', {
        workspace: WS,
        scope: 'repo',
        reason: 'typo',
        override: { compliance: { rules: { 'estimates.missing': { enabled: false } } } },
      }),
    ).toBe('CONFIG.INVALID');
    expect(await c().auditSeq(WS)).toBe(seq);
  });

  it('reports a done item with an open blocker, and drift from GitHub since the last sync', async () => {
    const { tasks } = await tree();
    const [a, b] = tasks;
    await c().ok('link_items', { workspace: WS, fromId: a!.id, kind: 'blocks', toId: b!.id });
    await c().ok('set_item_status', { workspace: WS, id: b!.id, status: 'in_progress' });
    await c().ok('set_item_status', { workspace: WS, id: b!.id, status: 'done' }); // a warning, by default
    const rules = async (id: string) =>
      (await check({ scope: 'item', id })).items.flatMap((i) => i.violations.map((v) => v.rule));
    expect(await rules(b!.id)).toContain('dependencies.open');
    expect(await rules(a!.id)).not.toContain('dependencies.open');
    // Within a subtree that holds it, and not in one that does not.
    expect((await check({ scope: 'subtree', id: b!.id })).byRule['dependencies.open']).toBe(1);
    expect((await check({ scope: 'subtree', id: a!.id })).byRule['dependencies.open']).toBeUndefined();
    await c().ok('set_item_status', { workspace: WS, id: a!.id, status: 'in_progress' });
    await c().ok('set_item_status', { workspace: WS, id: a!.id, status: 'done' });
    expect(await rules(b!.id)).not.toContain('dependencies.open');

    // Drift: what a webhook applied after the last sync, until the next one.
    const audit = (
      action: 'github.synced' | 'github.drift',
      entityId: string,
      diff: Record<string, unknown>,
    ) =>
      runWrite(c().deps, CALLER, WS, (s) =>
        s.audit({
          entityType: action === 'github.synced' ? 'github' : 'item',
          entityId,
          action,
          diff: diff as never,
        }),
      );
    await audit('github.synced', 'acme/shop', {});
    c().clock.advance(60_000);
    await audit('github.drift', a!.id, { title: { old: 'Charge cards', new: 'Charge all cards' } });
    expect(await rules(a!.id)).toContain('github.drift');
    c().clock.advance(60_000);
    await audit('github.synced', 'acme/shop', {});
    expect(await rules(a!.id)).not.toContain('github.drift');
  });

  it('keeps hourly snapshots and reports the trend since a date', async () => {
    const { tasks } = await tree();
    const start = c().clock.now().slice(0, 10);
    const first = await check();
    // No earlier snapshot to compare with yet.
    const alone = await c().ok('check_compliance', { workspace: WS, since: start });
    expect(alone.trend.change).toBeNull();
    expect(alone.trend.points).toHaveLength(1);
    // Fix the missing estimate, two hours on: one snapshot then, the current report now.
    c().clock.advance(2 * 3_600_000);
    const refund = tasks[1]!;
    await c().ok('update_item', {
      workspace: WS,
      id: refund.id,
      expectedVersion: refund.version,
      estimateDays: 2,
    });
    const later = await c().ok('check_compliance', { workspace: WS, since: start });
    expect(later.trend.points).toHaveLength(2);
    expect(later.trend.points[0]).toMatchObject({
      complianceRate: first.complianceRate,
      meanScore: first.meanScore,
    });
    expect(later.trend.points[1]).toMatchObject({
      complianceRate: later.complianceRate,
      meanScore: later.meanScore,
    });
    expect(later.trend.change.meanScore).toBeCloseTo(later.meanScore - first.meanScore, 2);
    expect(later.trend.change.warnings).toBe(later.bySeverity.warning - first.bySeverity.warning!);
    expect(later.trend.change.warnings).toBeLessThan(0);
    // Within the hour no new snapshot is kept.
    c().clock.advance(10 * 60_000);
    expect((await c().ok('check_compliance', { workspace: WS, since: start })).trend.points).toHaveLength(3);
    c().clock.advance(10 * 60_000);
    expect((await c().ok('check_compliance', { workspace: WS, since: start })).trend.points).toHaveLength(3);
    // A date after every snapshot: only the current report.
    c().clock.advance(3 * 86_400_000);
    const recent = await c().ok('check_compliance', { workspace: WS, since: c().clock.now().slice(0, 10) });
    expect(recent.trend.points).toHaveLength(1);
    const bad = await c().failure('check_compliance', {
      workspace: WS,
      scope: 'item',
      id: refund.id,
      since: start,
    });
    expect(bad.code).toBe('INPUT.INVALID');
  });

  it('serves the workspace report as a resource that follows the items', async () => {
    const { tasks } = await tree();
    const read = async () => {
      const r = await c().client.readResource({ uri: `governance://${WS}/compliance` });
      return JSON.parse((r.contents[0] as { text: string }).text) as Report;
    };
    const first = await read();
    expect(first).toMatchObject({ checked: 5, complianceRate: (await check()).complianceRate });
    await c().ok('update_item', {
      workspace: WS,
      id: tasks[1].id,
      expectedVersion: tasks[1].version,
      estimateDays: 3,
      agent: 'agent:qa',
    });
    const second = await read();
    expect(second.byRule['estimate.missing'] ?? 0).toBeLessThan(first.byRule['estimate.missing']!);
  });
});
