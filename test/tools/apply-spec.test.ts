import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTaskMaster } from '../../src/governance/import/index.js';
import { MAX_PLAN_ITEMS } from '../../src/governance/use-cases/apply-plan.js';
import { connectClient, useClient, WS, type BackendName, type Connected } from '../helpers/mcp.js';
import { governedPlan } from '../helpers/plans.js';
import { CHECKOUT_SPEC_BARE } from '../fixtures/checkout-spec.js';

const SPEC = CHECKOUT_SPEC_BARE;
const AS_OF = '2027-02-10';
const LEGACY = readFileSync(new URL('../fixtures/import/taskmaster-legacy.json', import.meta.url), 'utf8');

interface Node {
  id: string;
  type: string;
  title: string;
  status: string;
  parentId: string | null;
}
const tree = async (c: Connected): Promise<Node[]> =>
  (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items;
const apply = (c: Connected, text: string, dryRun?: boolean) =>
  c.ok('apply_spec', { workspace: WS, text, asOf: AS_OF, ...(dryRun !== undefined && { dryRun }) });

describe.each<BackendName>(['sqlite', 'postgres'])('apply_spec on %s', (backend) => {
  const c = useClient({ backend });

  it('writes the plan with its structure and links, and applying it again changes nothing', async () => {
    const plan = governedPlan(SPEC, AS_OF);
    const r = await apply(c(), SPEC, false);
    expect(r).toMatchObject({ dryRun: false, updated: [], unchanged: 0, links: { added: 1, skipped: [] } });
    expect(r.created.map((x: { planId: string }) => x.planId)).toEqual(plan.items.map((i) => i.id));
    const idOf = new Map<string, string>(
      r.created.map((x: { planId: string; id: string }) => [x.planId, x.id]),
    );
    const items = await tree(c());
    expect(items.map((i) => [i.type, i.title, i.parentId])).toEqual(
      plan.items.map((p) => [p.type, p.title, p.parentId === null ? null : idOf.get(p.parentId)]),
    );
    const [link] = plan.links;
    const dependent = await c().ok('get_item', { workspace: WS, id: idOf.get(link!.fromId)! });
    expect(dependent.dependsOn).toEqual([idOf.get(link!.toId)]);

    const seq = await c().auditSeq();
    const again = await apply(c(), SPEC, false);
    expect(again).toMatchObject({
      created: [],
      updated: [],
      unchanged: plan.items.length,
      links: { added: 0 },
    });
    expect(await c().auditSeq()).toBe(seq);
  });
});

describe('apply_spec', () => {
  const c = useClient();

  it('is a dry run by default: reports the plan and writes nothing', async () => {
    const r = await apply(c(), SPEC);
    expect(r.dryRun).toBe(true);
    expect(r.created).toHaveLength(7);
    expect(r.created.every((x: { id: string | null }) => x.id === null)).toBe(true);
    expect(r.links.added).toBe(1);
    expect(await c().auditSeq()).toBe(0);
    // Nothing written: not even the workspace exists.
    expect(await c().err('get_item_tree', { workspace: WS })).toBe('WORKSPACE.NOT_FOUND');
  });

  it('reports in a dry run exactly what the write then does', async () => {
    const dry = await apply(c(), SPEC, true);
    const real = await apply(c(), SPEC, false);
    const strip = (r: {
      created: { planId: string }[];
      spec: { specId: string; version: number; newVersion: boolean };
    }) => ({
      ...r,
      dryRun: 0,
      // A dry run stores nothing, so it has no stage statuses; the version it names is the one stored.
      spec: [r.spec.specId, r.spec.version, r.spec.newVersion],
      created: r.created.map((x) => x.planId),
    });
    expect(strip(real)).toEqual(strip(dry));
  });

  it('updates exactly the item whose title changed in the spec', async () => {
    const first = await apply(c(), SPEC, false);
    const edited = SPEC.replace('Build receipt email template', 'Build HTML receipt email template');
    const seq = await c().auditSeq();
    const r = await apply(c(), edited, false);
    const task = first.created.at(-1);
    expect(r).toMatchObject({ created: [], unchanged: first.created.length - 1, links: { added: 0 } });
    expect(r.updated).toEqual([
      {
        planId: expect.not.stringMatching(task.planId),
        id: task.id,
        fields: ['title', 'sourceRef'],
      },
    ]);
    expect((await c().ok('get_item', { workspace: WS, id: task.id })).item.title).toBe(
      'Task: Build HTML receipt email template',
    );
    expect((await c().auditAfter(seq)).map((x) => [x.action, x.entityId])).toEqual([
      ['item.updated', task.id],
      ['spec.applied', 'checkout'],
    ]);
    expect(await apply(c(), edited, false)).toMatchObject({ created: [], updated: [] });
  });

  it("never matches or re-pairs another spec's items", async () => {
    const one = await apply(c(), '# Billing\n\n## Invoices\n\n- Send invoices\n', false);
    const two = await apply(c(), '# Payroll\n\n## Payslips\n\n- Send payslips\n', false);
    expect(one.spec.specId).toBe('billing');
    expect(two.spec.specId).toBe('payroll');
    // Same shape, one new item on each level: a workspace-wide pairing would re-title Billing's items.
    expect(two).toMatchObject({ updated: [], unchanged: 0 });
    expect(two.created).toHaveLength(3);
    const titles = (await c().ok('get_item_tree', { workspace: WS })).items.map(
      (i: { title: string }) => i.title,
    );
    expect(titles).toEqual(
      expect.arrayContaining(['Epic: Billing', 'Feature: Invoices', 'Epic: Payroll', 'Feature: Payslips']),
    );
  });

  it('updates a stored item in place when a plan field changes', async () => {
    await apply(c(), SPEC, false);
    const seq = await c().auditSeq();
    const edited = SPEC.replace('- Test refunds end to end', '- Test refunds end to end (must)');
    const before = governedPlan(SPEC, AS_OF);
    const after = governedPlan(edited, AS_OF);
    const r = await apply(c(), edited, false);
    const changed = after.items.filter((a) => {
      const b = before.items.find((x) => x.id === a.id);
      return !b || JSON.stringify({ ...b, source: 0 }) !== JSON.stringify({ ...a, source: 0 });
    });
    expect(r.created.length + r.updated.length).toBe(changed.length);
    expect(r.created.length + r.updated.length).toBeGreaterThan(0);
    const records = await c().auditAfter(seq);
    expect(records.filter((x) => x.action === 'item.updated').length).toBe(r.updated.length);
    for (const x of records.filter((rec) => rec.action === 'item.updated')) {
      expect(x.reason).toMatch(/changed in the spec:checkout plan/);
    }
  });

  it('refuses a plan over the size limit and writes nothing', async () => {
    const text = Array.from(
      { length: Math.ceil(MAX_PLAN_ITEMS / 50) + 1 },
      (_, e) => `## Area ${e}\n\n${Array.from({ length: 50 }, (_, t) => `- Task ${e}.${t}`).join('\n')}\n`,
    ).join('\n');
    const f = await c().failure('apply_spec', { workspace: WS, text, asOf: AS_OF, dryRun: false });
    expect(f.code).toBe('PLAN.TOO_LARGE');
    expect(f.details).toMatchObject({ maxItems: MAX_PLAN_ITEMS });
    expect(await c().auditSeq()).toBe(0);
  });

  it('writes nothing when a step fails half way (a new child under a done parent)', async () => {
    await apply(c(), SPEC, false);
    const items = await tree(c());
    const feature = items.find((i) => i.title === 'Feature: Receipts')!;
    const task = items.find((i) => i.parentId === feature.id)!;
    for (const [id, status] of [
      [task.id, 'in_progress'],
      [task.id, 'done'],
      [feature.id, 'done'],
    ] as const) {
      await c().ok('set_item_status', { workspace: WS, id, status });
    }
    const seq = await c().auditSeq();
    // Adds a task under the done feature, after tasks elsewhere that would be created first.
    const edited = SPEC.replace(
      '- Test refunds end to end\n',
      '- Test refunds end to end\n- Audit refunds\n',
    ).replace('- Build receipt email template\n', '- Build receipt email template\n- Localize receipts\n');
    expect(await c().err('apply_spec', { workspace: WS, text: edited, asOf: AS_OF, dryRun: false })).toBe(
      'HIERARCHY.INVALID_PARENT',
    );
    expect(await c().auditSeq()).toBe(seq);
    expect(await tree(c())).toHaveLength(items.length);
  });
});

describe('import_tasks', () => {
  const c = useClient();

  it('imports a Task Master file with its statuses and links, and re-importing is a no-op', async () => {
    const plan = importTaskMaster(LEGACY, { now: '2025-01-15' });
    const dry = await c().ok('import_tasks', { workspace: WS, format: 'taskmaster', content: LEGACY });
    expect(dry.dryRun).toBe(true);
    expect(await c().auditSeq()).toBe(0);

    const r = await c().ok('import_tasks', {
      workspace: WS,
      format: 'taskmaster',
      content: LEGACY,
      dryRun: false,
    });
    expect(r.created).toHaveLength(plan.items.length);
    expect(r.links.added + r.links.skipped.length).toBe(plan.links.length);
    expect(r.statuses).toBe(dry.statuses);
    expect(r.statuses).toBe(plan.items.filter((i) => i.status !== 'planning').length);
    const idOf = new Map<string, string>(
      r.created.map((x: { planId: string; id: string }) => [x.planId, x.id]),
    );
    const byId = new Map((await tree(c())).map((n) => [n.id, n]));
    const parents = new Set(plan.items.map((i) => i.parentId));
    for (const p of plan.items) {
      const stored = byId.get(idOf.get(p.id)!)!.status;
      // Roll-up starts a planning parent once a child started: the hierarchy's rule wins.
      if (parents.has(p.id) && p.status === 'planning' && stored === 'in_progress') continue;
      expect([p.title, stored]).toEqual([p.title, p.status]);
    }
    expect(await c().ok('verify_audit', { workspace: WS })).toMatchObject({ ok: true });

    const seq = await c().auditSeq();
    const again = await c().ok('import_tasks', {
      workspace: WS,
      format: 'taskmaster',
      content: LEGACY,
      dryRun: false,
    });
    expect(again).toMatchObject({ created: [], updated: [], statuses: 0, links: { added: 0 } });
    expect(again.unchanged).toBe(plan.items.length);
    expect(await c().auditSeq()).toBe(seq);
  });

  it('refuses a tag for spec-kit files', async () => {
    expect(
      await c().err('import_tasks', {
        workspace: WS,
        format: 'speckit',
        content: '- [ ] T001 x',
        tag: 'master',
      }),
    ).toBe('INPUT.INVALID');
  });
});

it('keeps the spec and its imports apart by origin', async () => {
  const c = await connectClient();
  try {
    await apply(c, SPEC, false);
    const r = await c.ok('import_tasks', {
      workspace: WS,
      format: 'taskmaster',
      content: LEGACY,
      dryRun: false,
    });
    expect(r.created.length).toBeGreaterThan(0);
    expect(r.unchanged).toBe(0);
  } finally {
    await c.close();
  }
});
