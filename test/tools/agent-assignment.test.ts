/**
 * list_agent_services, assign_item and auto_assign through MCP: the policy's services with their
 * load, an automatic choice by capability then load, explicit assignment refused over a WIP limit,
 * an item no service can take refused with the reason, a bulk dry run that writes nothing and an
 * apply that never exceeds a limit, each assignment audited with its reasoning.
 */
import { describe, expect, it } from 'vitest';
import { useClient, WS } from '../helpers/mcp.js';

describe('agent services and assignment', () => {
  const c = useClient();

  async function setup() {
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'small WIP limits',
      override: {
        agents: { 'agent:dev': { maxConcurrentTasks: 2 }, 'agent:qa': { maxConcurrentTasks: 1 } },
      },
    });
    const epic = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Checkout' })).item;
    const feature = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Payments', parentId: epic.id })
    ).item;
    const task = async (title: string) =>
      (await c().ok('create_item', { workspace: WS, type: 'task', title, parentId: feature.id })).item;
    return {
      feature,
      implement: [
        await task('Implement card charges'),
        await task('Implement refunds'),
        await task('Implement receipts'),
      ],
      test: [await task('Test refunds end to end'), await task('Test receipts')],
      vague: await task('Talk to the bank'),
    };
  }

  const services = async () =>
    Object.fromEntries(
      (await c().ok('list_agent_services', { workspace: WS })).services.map(
        (x: { id: string; openTasks: number; available: boolean }) => [x.id, x],
      ),
    );

  it('chooses by capability, refuses over a WIP limit or without a capable service, and audits why', async () => {
    const t = await setup();
    expect((await services())['agent:qa']).toMatchObject({
      openTasks: 0,
      maxConcurrentTasks: 1,
      available: true,
    });

    const seq = await c().auditSeq(WS);
    const qa = await c().ok('assign_item', { workspace: WS, id: t.test[0].id });
    expect(qa.decision).toMatchObject({ agent: 'agent:qa', rule: 'capability' });
    expect(qa.decision.candidates[0]).toMatchObject({ agent: 'agent:qa', capabilities: ['testing'] });
    expect(qa.item.agent).toBe('agent:qa');
    const [record] = await c().auditAfter(seq, WS);
    expect(record).toMatchObject({
      action: 'item.assigned',
      diff: { agent: { old: null, new: 'agent:qa' } },
    });
    expect(record!.reason).toMatch(/^capability: agent:qa/);
    expect((await services())['agent:qa']).toMatchObject({ openTasks: 1, available: false });

    // The second test task: QA is full, and nobody else names testing.
    const full = await c().failure('assign_item', { workspace: WS, id: t.test[1].id });
    expect(full.code).toBe('AGENT.NONE_AVAILABLE');
    expect(full.details).toMatchObject({ rule: 'all-full' });
    const explicit = await c().failure('assign_item', { workspace: WS, id: t.test[1].id, agent: 'agent:qa' });
    expect(explicit.code).toBe('AGENT.WIP_LIMIT');
    const none = await c().failure('assign_item', { workspace: WS, id: t.vague.id });
    expect(none).toMatchObject({ code: 'AGENT.NONE_AVAILABLE', details: { rule: 'none-capable' } });
    expect(
      (await c().failure('assign_item', { workspace: WS, id: t.vague.id, agent: 'agent:nobody' })).code,
    ).toBe('AGENT.UNKNOWN');
    // Nothing was written by the refusals.
    expect(await c().auditAfter(seq + 1, WS)).toEqual([]);
    const vague = (await c().ok('get_item', { workspace: WS, id: t.vague.id })).item;
    expect(vague).toMatchObject({ agent: null, version: t.vague.version });

    // Assigning a service explicitly where it has room.
    const pm = await c().ok('assign_item', { workspace: WS, id: t.vague.id, agent: 'agent:pm' });
    expect(pm.decision).toMatchObject({ rule: 'explicit', agent: 'agent:pm' });
    expect((await c().ok('assign_item', { workspace: WS, id: t.vague.id, agent: 'agent:pm' })).changed).toBe(
      false,
    );
  });

  it('auto-assigns a feature as a dry run first, then never over a WIP limit', async () => {
    const t = await setup();
    const seq = await c().auditSeq(WS);
    const dry = await c().ok('auto_assign', { workspace: WS, rootId: t.feature.id });
    expect(dry).toMatchObject({ dryRun: true, assigned: 3, unassigned: 3 });
    const byItem = Object.fromEntries(dry.decisions.map((d: { itemId: string }) => [d.itemId, d]));
    expect(byItem[t.implement[0].id]).toMatchObject({ agent: 'agent:dev' });
    expect(byItem[t.implement[1].id]).toMatchObject({ agent: 'agent:dev' });
    // The third implementation task finds the developer service full.
    expect(byItem[t.implement[2].id]).toMatchObject({ agent: null, rule: 'all-full' });
    expect(byItem[t.test[0].id]).toMatchObject({ agent: 'agent:qa' });
    expect(byItem[t.test[1].id]).toMatchObject({ agent: null, rule: 'all-full' });
    expect(byItem[t.vague.id]).toMatchObject({ agent: null, rule: 'none-capable' });
    expect(await c().auditAfter(seq, WS)).toEqual([]);

    const applied = await c().ok('auto_assign', { workspace: WS, rootId: t.feature.id, dryRun: false });
    expect(applied).toMatchObject({ dryRun: false, assigned: 3, unassigned: 3 });
    const s = await services();
    expect(s['agent:dev']).toMatchObject({ openTasks: 2, available: false });
    expect(s['agent:qa']).toMatchObject({ openTasks: 1, available: false });
    const records = await c().auditAfter(seq, WS);
    expect(records.map((r) => r.action)).toEqual(['item.assigned', 'item.assigned', 'item.assigned']);
    expect((await c().ok('verify_audit', { workspace: WS })).ok).toBe(true);
    // The agents resource shows the same load.
    const res = await c().client.readResource({ uri: `governance://${WS}/agents` });
    const body = JSON.parse((res.contents[0] as { text: string }).text);
    const dev = body.services.find((x: { id: string }) => x.id === 'agent:dev');
    expect(dev).toMatchObject({ openTasks: 2, utilization: 1, available: false });
    // Again: the assigned tasks are no longer candidates, and the services are full.
    expect(await c().ok('auto_assign', { workspace: WS, rootId: t.feature.id, dryRun: false })).toMatchObject(
      {
        assigned: 0,
        unassigned: 3,
      },
    );
  });

  it('auto-assigns the open tasks of a milestone, its own and inherited, and nothing outside it', async () => {
    const m = (await c().ok('upsert_milestone', { workspace: WS, title: 'R1' })).milestone;
    const other = (await c().ok('upsert_milestone', { workspace: WS, title: 'R2' })).milestone;
    const epic = (
      await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Shop', milestoneId: m.id })
    ).item;
    const f = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Cart', parentId: epic.id })
    ).item;
    const task = async (title: string, parentId: string, milestoneId?: string) =>
      (
        await c().ok('create_item', {
          workspace: WS,
          type: 'task',
          title,
          parentId,
          ...(milestoneId && { milestoneId }),
        })
      ).item;
    const inherited = await task('Implement cart totals', f.id);
    const elsewhere = await task('Implement cart export', f.id, other.id);
    const e2 = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Ops' })).item;
    const f2 = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Deploy', parentId: e2.id })
    ).item;
    const own = await task('Test the deploy', f2.id, m.id);
    await task('Implement the deploy', f2.id);
    const dry = await c().ok('auto_assign', { workspace: WS, milestoneId: m.id });
    expect(dry.decisions.map((d: { itemId: string }) => d.itemId)).toEqual([inherited.id, own.id]);
    expect(dry.decisions.map((d: { agent: string }) => d.agent)).toEqual(['agent:dev', 'agent:qa']);
    expect(dry.decisions.some((d: { itemId: string }) => d.itemId === elsewhere.id)).toBe(false);
    expect((await c().failure('auto_assign', { workspace: WS })).code).toBe('INPUT.INVALID');
    expect(
      (await c().failure('auto_assign', { workspace: WS, rootId: epic.id, milestoneId: m.id })).code,
    ).toBe('INPUT.INVALID');
    expect((await c().failure('auto_assign', { workspace: WS, milestoneId: 'M-99' })).code).toBe(
      'MILESTONE.NOT_FOUND',
    );
  });
});
