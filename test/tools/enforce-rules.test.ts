/**
 * Enforcing compliance rules through MCP on SQLite and PostgreSQL: with
 * compliance.rules.<id>.enforce, a write that would add a violation of the rule to an item is
 * refused with COMPLIANCE.VIOLATION (rule, item, remediation) and changes nothing; a standing
 * violation does not block unrelated writes. A property test: whatever sequence of writes is
 * tried, a refused one leaves the audit trail and the items as they were, and an accepted one
 * leaves no new violation of an enforcing rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorPayload, useClient, useSharedClient, ws, WS, type BackendName } from '../helpers/mcp.js';

const ENFORCE = {
  'estimate.missing': { enforce: true },
  'labels.unknown': { enforce: true },
};

describe.each<BackendName>(['sqlite', 'postgres'])('enforcing rules on %s', (backend) => {
  const c = useClient({ backend });

  async function feature() {
    const epic = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Billing' })).item;
    return (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Invoices', parentId: epic.id })
    ).item;
  }

  it('refuses a write that adds a violation, with the rule and its fix, and lets standing ones be', async () => {
    const f = await feature();
    // Made before the rule was enforcing: a standing violation.
    const old = (await c().ok('create_item', { workspace: WS, type: 'task', title: 'Send', parentId: f.id }))
      .item;
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'estimates are mandatory',
      override: { compliance: { rules: ENFORCE } },
    });
    const seq = await c().auditSeq();
    const count = (await c().ok('get_item_tree', { workspace: WS, limit: 100 })).items.length;
    const refused = await c().failure('create_item', {
      workspace: WS,
      type: 'task',
      title: 'Print',
      parentId: f.id,
    });
    expect(refused.code).toBe('COMPLIANCE.VIOLATION');
    expect(refused.message).toMatch(/estimate\.missing/);
    expect(refused.hint).toMatch(/estimateDays/);
    expect(refused.details?.violations).toEqual([
      expect.objectContaining({ rule: 'estimate.missing', severity: 'warning' }),
    ]);
    expect(await c().auditSeq()).toBe(seq);
    expect((await c().ok('get_item_tree', { workspace: WS, limit: 100 })).items).toHaveLength(count);

    // With the estimate it goes through; removing it again is refused.
    const t = (
      await c().ok('create_item', {
        workspace: WS,
        type: 'task',
        title: 'Print',
        parentId: f.id,
        estimateDays: 1,
      })
    ).item;
    const removed = await c().failure('update_item', {
      workspace: WS,
      id: t.id,
      expectedVersion: t.version,
      estimateDays: null,
    });
    expect(removed.code).toBe('COMPLIANCE.VIOLATION');
    const unknownLabel = await c().failure('update_item', {
      workspace: WS,
      id: t.id,
      expectedVersion: t.version,
      labels: ['made-up'],
    });
    expect(unknownLabel.code).toBe('COMPLIANCE.VIOLATION');
    expect(unknownLabel.details?.violations).toEqual([expect.objectContaining({ rule: 'labels.unknown' })]);
    expect((await c().ok('get_item', { workspace: WS, id: t.id })).item).toMatchObject({
      version: t.version,
      estimateDays: 1,
      labels: t.labels,
    });

    // The standing violation of the older task does not stop a change to its title or status.
    await c().ok('update_item', {
      workspace: WS,
      id: old.id,
      expectedVersion: old.version,
      title: 'Send out',
    });
    await c().ok('set_item_status', { workspace: WS, id: old.id, status: 'in_progress' });

    // Off again (enforce false): the same write is accepted.
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'relax',
      override: { compliance: { rules: { 'estimate.missing': { enforce: false } } } },
    });
    await c().ok('create_item', { workspace: WS, type: 'task', title: 'Archive', parentId: f.id });
    expect((await c().ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });

  it('refuses to make a rule enforcing that a write cannot be checked against', async () => {
    const before = await c().ok('get_config', { workspace: WS });
    const refused = await c().failure('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'try',
      override: {
        compliance: {
          rules: { 'structure.emptyFeature': { enforce: true }, 'estimate.missing': { enforce: true } },
        },
      },
    });
    expect(refused.code).toBe('CONFIG.INVALID');
    expect(refused.details?.issues).toEqual([
      expect.objectContaining({ path: 'compliance.rules.structure.emptyFeature.enforce' }),
    ]);
    expect(refused.hint).toMatch(/estimate\.missing/);
    expect((await c().ok('get_config', { workspace: WS })).versions).toEqual(before.versions);
    // Reported, not enforced, is still allowed.
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'tag it',
      override: { compliance: { rules: { 'structure.emptyFeature': { categories: ['sox'] } } } },
    });
  });

  it('enforces a milestone rule against the milestones as stored, and follows a changed override', async () => {
    const f = await feature();
    const closed = (await c().ok('upsert_milestone', { workspace: WS, title: 'Old', state: 'closed' }))
      .milestone;
    const open = (await c().ok('upsert_milestone', { workspace: WS, title: 'Next' })).milestone;
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'no work in closed milestones',
      override: { compliance: { rules: { 'milestone.closed': { enforce: true } } } },
    });
    const t = (
      await c().ok('create_item', {
        workspace: WS,
        type: 'task',
        title: 'Ship',
        parentId: f.id,
        milestoneId: open.id,
      })
    ).item;
    const moved = await c().failure('update_item', {
      workspace: WS,
      id: t.id,
      expectedVersion: t.version,
      milestoneId: closed.id,
    });
    expect(moved.code).toBe('COMPLIANCE.VIOLATION');
    expect(moved.details?.violations).toEqual([
      expect.objectContaining({ rule: 'milestone.closed', itemId: t.id }),
    ]);
    // Reopened, the milestone takes the task.
    await c().ok('upsert_milestone', { workspace: WS, id: closed.id, title: 'Old', state: 'open' });
    const r = await c().ok('update_item', {
      workspace: WS,
      id: t.id,
      expectedVersion: t.version,
      milestoneId: closed.id,
    });
    expect(r.item.milestoneId).toBe(closed.id);
    // Another enforcing rule instead: the milestone one no longer refuses, the new one does.
    await c().ok('upsert_milestone', { workspace: WS, id: closed.id, title: 'Old', state: 'closed' });
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'estimates instead',
      override: { compliance: { rules: { 'estimate.missing': { enforce: true } } } },
    });
    const titled = await c().ok('update_item', {
      workspace: WS,
      id: t.id,
      expectedVersion: r.item.version,
      title: 'Ship it',
    });
    expect(titled.item.title).toBe('Ship it');
    const unestimated = await c().failure('create_item', {
      workspace: WS,
      type: 'task',
      title: 'Tell',
      parentId: f.id,
    });
    expect(unestimated.code).toBe('COMPLIANCE.VIOLATION');
  });
});

describe('a refused enforcing write changes nothing (property)', () => {
  const c = useSharedClient({ backend: 'sqlite' });
  const LABELS = ['type:task', 'priority:high', 'made-up', 'other'];
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('create' as const),
      estimate: fc.option(fc.constantFrom(1, 2, 5), { nil: null }),
      labels: fc.subarray(LABELS, { maxLength: 2 }),
    }),
    fc.record({
      kind: fc.constant('update' as const),
      pick: fc.nat(),
      estimate: fc.option(fc.constantFrom(1, 3), { nil: null }),
      labels: fc.option(fc.subarray(LABELS, { maxLength: 2 }), { nil: undefined }),
    }),
  );

  it('holds for random writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 8 }), async (ops) => {
        const W = ws();
        const epic = (await c().ok('create_item', { workspace: W, type: 'epic', title: 'E' })).item;
        const f = (
          await c().ok('create_item', { workspace: W, type: 'feature', title: 'F', parentId: epic.id })
        ).item;
        await c().ok('update_config', {
          workspace: W,
          scope: 'repo',
          reason: 'enforce',
          override: { compliance: { rules: ENFORCE } },
        });
        const tasks: string[] = [];
        for (const o of ops) {
          const seq = await c().auditSeq();
          const tree = JSON.stringify((await c().ok('get_item_tree', { workspace: W, limit: 100 })).items);
          let r;
          if (o.kind === 'create') {
            r = await c().call('create_item', {
              workspace: W,
              type: 'task',
              title: `T${tasks.length}`,
              parentId: f.id,
              labels: o.labels,
              ...(o.estimate !== null && { estimateDays: o.estimate }),
            });
          } else {
            if (tasks.length === 0) continue;
            const id = tasks[o.pick % tasks.length]!;
            const cur = (await c().ok('get_item', { workspace: W, id })).item;
            r = await c().call('update_item', {
              workspace: W,
              id,
              expectedVersion: cur.version,
              estimateDays: o.estimate,
              ...(o.labels !== undefined && { labels: o.labels }),
            });
          }
          if (r.isError) {
            expect(errorPayload(r)?.code).toBe('COMPLIANCE.VIOLATION');
            expect(await c().auditSeq()).toBe(seq);
            expect(JSON.stringify((await c().ok('get_item_tree', { workspace: W, limit: 100 })).items)).toBe(
              tree,
            );
          } else {
            const item = (r.structuredContent as { item: { id: string } }).item;
            if (o.kind === 'create') tasks.push(item.id);
            const report = await c().ok('check_compliance', { workspace: W, scope: 'item', id: item.id });
            const rules = report.items.flatMap((x: { violations: { rule: string }[] }) =>
              x.violations.map((v) => v.rule),
            );
            expect(rules).not.toContain('estimate.missing');
            expect(rules).not.toContain('labels.unknown');
          }
        }
      }),
      { numRuns: 15 },
    );
  });
});
