/**
 * remediate through MCP on SQLite and PostgreSQL: a dry run lists the fixes and changes nothing;
 * applying adds required labels, removes mismatched ones, opens missing sections as drafts and sets
 * an epic's policy-named milestone, each item audited; what needs a person is listed; a second run
 * has nothing left to change, and a change made between the dry run and the apply is kept.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { buildPolicy, milestoneTitleFor } from '../../src/governance/compliance/policy.js';
import { useClient, WS, type BackendName } from '../helpers/mcp.js';

interface Remediation {
  itemId: string;
  version: number;
  actions: { rule: string; kind: string; detail: string }[];
  manual: { rule: string; detail: string }[];
}

describe.each<BackendName>(['sqlite', 'postgres'])('remediate on %s', (backend) => {
  const c = useClient({ backend });
  const rulesOf = async (id: string) =>
    (await c().ok('check_compliance', { workspace: WS, scope: 'item', id })).items.flatMap(
      (i: { violations: { rule: string }[] }) => i.violations.map((v) => v.rule),
    );

  async function setup() {
    const epic = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Checkout' })).item;
    const title = milestoneTitleFor(buildPolicy(DEFAULT_CONFIG, c().clock.now().slice(0, 10)), epic.title);
    const m = (await c().ok('upsert_milestone', { workspace: WS, title })).milestone;
    const f = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Pay', parentId: epic.id })
    ).item;
    const made = async (t: string) =>
      (
        await c().ok('create_item', {
          workspace: WS,
          type: 'task',
          title: t,
          parentId: f.id,
          estimateDays: 1,
          agent: 'agent:dev',
        })
      ).item;
    const bare = await made('Charge cards');
    const t1 = (
      await c().ok('update_item', { workspace: WS, id: bare.id, expectedVersion: bare.version, labels: [] })
    ).item;
    const mixed = await made('Refund cards');
    const t2 = (
      await c().ok('update_item', {
        workspace: WS,
        id: mixed.id,
        expectedVersion: mixed.version,
        labels: ['type:task', 'type:epic', 'agent:qa'],
      })
    ).item;
    return { epic, m, f, t1, t2 };
  }

  it('dry-runs, applies with audit, leaves manual work listed, and is idempotent', async () => {
    const { epic, m, t1, t2 } = await setup();
    expect(await rulesOf(t1.id)).toContain('labels.required');
    expect(await rulesOf(t2.id)).toContain('labels.mismatch');
    expect(await rulesOf(epic.id)).toContain('milestone.missing');

    const seq = await c().auditSeq();
    const dry = await c().ok('remediate', { workspace: WS });
    expect(dry.dryRun).toBe(true);
    expect(await c().auditSeq()).toBe(seq);
    const plan = new Map((dry.items as Remediation[]).map((i) => [i.itemId, i]));
    expect(plan.get(t1.id)!.actions).toContainEqual(
      expect.objectContaining({ rule: 'labels.required', kind: 'addLabels', detail: 'add "type:task"' }),
    );
    expect(plan.get(t2.id)!.actions).toContainEqual(
      expect.objectContaining({ rule: 'labels.mismatch', detail: 'remove "type:epic", "agent:qa"' }),
    );
    expect(plan.get(t1.id)!.actions).toContainEqual(
      expect.objectContaining({ kind: 'openSections', detail: expect.stringMatching(/Acceptance criteria/) }),
    );
    expect(plan.get(epic.id)!.actions).toContainEqual(
      expect.objectContaining({ rule: 'milestone.missing', kind: 'setMilestone' }),
    );
    expect((await c().ok('get_item', { workspace: WS, id: t1.id })).item.labels).toEqual([]);

    // Meanwhile someone adds the label by hand: the apply must not add it twice.
    const hand = await c().ok('update_item', {
      workspace: WS,
      id: t1.id,
      expectedVersion: t1.version,
      labels: ['type:task'],
    });
    const applied = await c().ok('remediate', { workspace: WS, dryRun: false });
    expect(applied.dryRun).toBe(false);
    const after = (id: string) =>
      c()
        .ok('get_item', { workspace: WS, id })
        .then((r) => r.item);
    const a1 = await after(t1.id);
    expect(a1.labels).toEqual(['type:task']);
    expect(a1.version).toBe(hand.item.version + 1); // only the draft section was still to do
    expect(a1.description).toMatch(/## Acceptance criteria\n\n\(draft\)/);
    expect((await after(t2.id)).labels).toEqual(['type:task']);
    expect((await after(epic.id)).milestoneId).toBe(m.id);

    const records = (await c().auditAfter(seq)).filter((r) => r.action === 'item.remediated');
    expect(records.map((r) => r.entityId).sort()).toEqual(
      (applied.items as Remediation[])
        .filter((i) => i.actions.length > 0)
        .map((i) => i.itemId)
        .sort(),
    );
    const r2 = records.find((r) => r.entityId === t2.id)!;
    expect(r2.diff.labels).toEqual({ old: ['type:task', 'type:epic', 'agent:qa'], new: ['type:task'] });
    expect(r2.reason).toMatch(/^remediate: labels.mismatch: remove/);

    for (const id of [t1.id, t2.id]) {
      const rules = await rulesOf(id);
      expect(rules).not.toContain('labels.required');
      expect(rules).not.toContain('labels.mismatch');
    }
    expect(await rulesOf(epic.id)).not.toContain('milestone.missing');

    // Again: the drafted sections are a person's to write; nothing changes.
    const seq2 = await c().auditSeq();
    const again = await c().ok('remediate', { workspace: WS, dryRun: false });
    expect(again.changed).toBe(0);
    expect(again.manual).toBeGreaterThan(0);
    expect((again.items as Remediation[]).find((i) => i.itemId === t1.id)!.manual).toContainEqual(
      expect.objectContaining({ detail: expect.stringMatching(/drafted section/) }),
    );
    expect(await c().auditSeq()).toBe(seq2);
    expect((await c().ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });

  it('keeps to its scope and rules, and says what a person must do', async () => {
    const { epic, t1, t2, m } = await setup();
    await c().ok('upsert_milestone', { workspace: WS, id: m.id, title: m.title, state: 'closed' });
    const only = await c().ok('remediate', {
      workspace: WS,
      scope: 'item',
      id: t2.id,
      rules: ['labels.mismatch'],
      dryRun: false,
    });
    expect((only.items as Remediation[]).map((i) => i.itemId)).toEqual([t2.id]);
    expect(only.byRule).toEqual({ 'labels.mismatch': 1 });
    expect((await c().ok('get_item', { workspace: WS, id: t1.id })).item.labels).toEqual([]);
    const closed = await c().ok('remediate', { workspace: WS, scope: 'item', id: epic.id });
    expect((closed.items as Remediation[])[0]!.manual).toContainEqual(
      expect.objectContaining({ rule: 'milestone.missing', detail: expect.stringMatching(/closed/) }),
    );
    expect((await c().failure('remediate', { workspace: WS, scope: 'subtree' })).code).toBe('INPUT.INVALID');
    expect((await c().failure('remediate', { workspace: 'nobody/here' })).code).toBe('WORKSPACE.NOT_FOUND');
    expect((await c().failure('remediate', { workspace: WS, rules: ['estimate.missing'] })).code).toBe(
      'INPUT.INVALID',
    );
  });
});
