/**
 * register_agent_service through MCP on SQLite and PostgreSQL: a run-time service merged into the
 * registry, assignable, audited on registration and change but not on a plain heartbeat, and
 * unavailable once its heartbeat window passes (assignment skips it, list shows it) until the next
 * heartbeat. A property test: auto_assign never exceeds a WIP limit and picks a capable available
 * service whenever one exists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeRegistry, decide, type AgentService } from '../../src/governance/use-cases/assignment.js';
import type { WorkItem } from '../../src/governance/model/work-item.js';
import { useClient, WS, type BackendName } from '../helpers/mcp.js';

const MIN = 60_000;

describe.each<BackendName>(['sqlite', 'postgres'])('agent registry on %s', (backend) => {
  const c = useClient({ backend });

  async function tasks(...titles: string[]) {
    const epic = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Docs' })).item;
    const feature = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Guides', parentId: epic.id })
    ).item;
    const out = [];
    for (const title of titles)
      out.push(
        (await c().ok('create_item', { workspace: WS, type: 'task', title, parentId: feature.id })).item,
      );
    return { feature, tasks: out };
  }

  const listed = async (id: string) =>
    (await c().ok('list_agent_services', { workspace: WS })).services.find(
      (x: { id: string }) => x.id === id,
    );

  it('registers, assigns, expires without a heartbeat, and comes back on the next one', async () => {
    const { tasks: t } = await tasks('Write documentation for setup', 'Write documentation for upgrades');
    const seq = await c().auditSeq();
    const reg = await c().ok('register_agent_service', {
      workspace: WS,
      id: 'agent:docs',
      capabilities: ['documentation'],
      maxConcurrentTasks: 1,
      heartbeatTimeoutMinutes: 10,
    });
    expect(reg).toMatchObject({ id: 'agent:docs', outcome: 'registered', healthy: true });
    expect(await listed('agent:docs')).toMatchObject({
      registered: true,
      healthy: true,
      available: true,
      fallbackAssignee: null,
    });
    const [record, ...rest] = await c().auditAfter(seq);
    expect(rest).toHaveLength(0);
    expect(record).toMatchObject({ entityType: 'agent', entityId: 'agent:docs', action: 'agent.registered' });
    expect(record!.diff.capabilities).toEqual({ old: null, new: ['documentation'] });

    // Assignable like a policy service (the capability is named by the title).
    const a = await c().ok('assign_item', { workspace: WS, id: t[0].id });
    expect(a.decision).toMatchObject({ agent: 'agent:docs', rule: 'capability' });
    expect(await listed('agent:docs')).toMatchObject({ openTasks: 1, available: false, healthy: true });

    // Past the window: unhealthy, skipped by assignment and refused when named.
    c().clock.advance(11 * MIN);
    await c().ok('update_item', { workspace: WS, id: t[0].id, expectedVersion: a.item.version, agent: null });
    expect(await listed('agent:docs')).toMatchObject({ healthy: false, available: false, openTasks: 0 });
    const none = await c().failure('assign_item', { workspace: WS, id: t[1].id });
    expect(none.code).toBe('AGENT.NONE_AVAILABLE');
    expect(none.details?.rule).toBe('all-full');
    expect(none.details?.candidates).toContainEqual(
      expect.objectContaining({ agent: 'agent:docs', excluded: 'unhealthy' }),
    );
    const named = await c().failure('assign_item', { workspace: WS, id: t[1].id, agent: 'agent:docs' });
    expect(named.code).toBe('AGENT.UNAVAILABLE');
    expect(named.hint).toMatch(/register_agent_service/);

    // A heartbeat (the same call again, values unchanged) is stored but not audited.
    const beatSeq = await c().auditSeq();
    const beat = await c().ok('register_agent_service', { workspace: WS, id: 'agent:docs' });
    expect(beat.outcome).toBe('heartbeat');
    expect(beat).toMatchObject({ healthy: true, lastHeartbeatAt: c().clock.now() });
    expect(await c().auditAfter(beatSeq)).toHaveLength(0);
    expect((await c().ok('assign_item', { workspace: WS, id: t[1].id })).decision.agent).toBe('agent:docs');

    // A changed value is audited with its diff.
    const chSeq = await c().auditSeq();
    expect(
      (await c().ok('register_agent_service', { workspace: WS, id: 'agent:docs', maxConcurrentTasks: 4 }))
        .outcome,
    ).toBe('updated');
    const [changed] = await c().auditAfter(chSeq);
    expect(changed!.diff).toEqual({ maxConcurrentTasks: { old: 1, new: 4 } });
    expect((await c().ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });

  it('overrides a policy service at run time and keeps policy services without a window available', async () => {
    await tasks('Implement search');
    await c().ok('register_agent_service', {
      workspace: WS,
      id: 'agent:dev',
      maxConcurrentTasks: 7,
      heartbeatTimeoutMinutes: 5,
    });
    // Unchanged values come from the policy entry.
    expect(await listed('agent:dev')).toMatchObject({
      maxConcurrentTasks: 7,
      capabilities: expect.arrayContaining(['implementation']),
    });
    c().clock.advance(6 * MIN);
    expect(await listed('agent:dev')).toMatchObject({ healthy: false });
    expect(await listed('agent:qa')).toMatchObject({ registered: false, healthy: true, available: true });
  });

  it('makes a registered service known to item writes', async () => {
    const { feature } = await tasks();
    expect(
      await c().err('create_item', {
        workspace: WS,
        type: 'task',
        title: 'Translate',
        parentId: feature.id,
        agent: 'agent:i18n',
      }),
    ).toBe('AGENT.UNKNOWN');
    await c().ok('register_agent_service', {
      workspace: WS,
      id: 'agent:i18n',
      capabilities: ['translation'],
    });
    const item = (
      await c().ok('create_item', {
        workspace: WS,
        type: 'task',
        title: 'Translate',
        parentId: feature.id,
        agent: 'agent:i18n',
      })
    ).item;
    expect(item.agent).toBe('agent:i18n');
  });

  it.each([
    ['a new service without capabilities', { id: 'agent:new' }, 'INPUT.INVALID'],
    ['an id that is not agent:<name>', { id: 'docs', capabilities: ['x'] }, 'INPUT.INVALID'],
    [
      'a fallback that is not a GitHub login',
      { id: 'agent:x', capabilities: ['x'], fallbackAssignee: 'a b' },
      'INPUT.INVALID',
    ],
    ['a WIP limit of 0', { id: 'agent:x', capabilities: ['x'], maxConcurrentTasks: 0 }, 'INPUT.INVALID'],
  ])('refuses %s and writes nothing', async (_, args, code) => {
    await tasks();
    const seq = await c().auditSeq();
    expect(await c().err('register_agent_service', { workspace: WS, ...args })).toBe(code);
    expect(await c().auditAfter(seq)).toHaveLength(0);
    expect(
      (await c().ok('list_agent_services', { workspace: WS })).services.some(
        (x: { registered: boolean }) => x.registered,
      ),
    ).toBe(false);
  });

  it.each([
    ["the full service's fallback", { fallbackAssignee: 'octocat' }, {}, 'octocat'],
    ['the workspace fallback', {}, { rules: { fallbackAssignee: 'hubot' } }, 'hubot'],
  ])('assigns %s when every capable service is full, and says why', async (_, reg, override, login) => {
    if (Object.keys(override).length > 0)
      await c().ok('update_config', { workspace: WS, scope: 'repo', reason: 'fallback', override });
    const { tasks: t, feature } = await tasks('Write documentation for a', 'Write documentation for b');
    await c().ok('register_agent_service', {
      workspace: WS,
      id: 'agent:docs',
      capabilities: ['documentation'],
      maxConcurrentTasks: 1,
      ...reg,
    });
    await c().ok('assign_item', { workspace: WS, id: t[0].id });
    const seq = await c().auditSeq();
    const r = await c().ok('assign_item', { workspace: WS, id: t[1].id });
    expect(r.decision).toMatchObject({ agent: null, assignee: login, rule: 'fallback' });
    expect(r.decision.reason).toMatch(login);
    expect(r.item).toMatchObject({ agent: null, assignee: login });
    const [record] = await c().auditAfter(seq);
    expect(record).toMatchObject({ action: 'item.assigned', diff: { assignee: { old: null, new: login } } });
    expect(record!.reason).toMatch(/^fallback: /);
    // Once the service has room again, an explicit assignment clears the human fallback.
    await c().ok('register_agent_service', { workspace: WS, id: 'agent:docs', maxConcurrentTasks: 2 });
    const back = await c().ok('assign_item', { workspace: WS, id: t[1].id, agent: 'agent:docs' });
    expect(back.item).toMatchObject({ agent: 'agent:docs', assignee: null });
    // auto_assign counts fallbacks apart from the tasks left to nobody.
    const third = (
      await c().ok('create_item', {
        workspace: WS,
        type: 'task',
        title: 'Write documentation for c',
        parentId: feature.id,
      })
    ).item;
    const auto = await c().ok('auto_assign', { workspace: WS, rootId: feature.id });
    expect(auto).toMatchObject({ assigned: 0, fallback: 1, unassigned: 0 });
    expect(auto.decisions[0]).toMatchObject({ itemId: third.id, assignee: login });
  });

  it('stays AGENT.NONE_AVAILABLE when no fallback exists', async () => {
    const { tasks: t } = await tasks('Write documentation for a', 'Write documentation for b');
    await c().ok('register_agent_service', {
      workspace: WS,
      id: 'agent:docs',
      capabilities: ['documentation'],
      maxConcurrentTasks: 1,
    });
    await c().ok('assign_item', { workspace: WS, id: t[0].id });
    expect(await c().err('assign_item', { workspace: WS, id: t[1].id })).toBe('AGENT.NONE_AVAILABLE');
  });

  it('shows registered services with health on the agents resource', async () => {
    await tasks();
    await c().ok('register_agent_service', {
      workspace: WS,
      id: 'agent:docs',
      capabilities: ['documentation'],
      heartbeatTimeoutMinutes: 1,
    });
    c().clock.advance(2 * MIN);
    const r = await c().client.readResource({ uri: `governance://${WS}/agents` });
    const body = JSON.parse((r.contents[0] as { text: string }).text);
    expect(body.services.find((x: AgentService) => x.id === 'agent:docs')).toMatchObject({
      registered: true,
      healthy: false,
    });
  });
});

describe('automatic assignment (property)', () => {
  const CAPS = ['testing', 'documentation', 'security'];
  const service = fc.record({
    caps: fc.subarray(CAPS, { minLength: 1 }),
    max: fc.integer({ min: 1, max: 3 }),
    timeout: fc.option(fc.constant(10), { nil: null }),
    beatAgo: fc.integer({ min: 0, max: 20 }),
  });
  const item = (k: number, cap: string): WorkItem =>
    ({
      id: `T-${k}`,
      type: 'task',
      title: `${cap} work ${k}`,
      description: '',
      labels: [],
    }) as unknown as WorkItem;

  it('never exceeds a WIP limit and picks a capable available service when one exists', () => {
    const now = '2025-01-15T10:00:00.000Z';
    fc.assert(
      fc.property(
        fc.array(service, { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(...CAPS), { maxLength: 15 }),
        (specs, caps) => {
          const registered = specs.map((x, k) => ({
            workspace: WS,
            id: `agent:s${k}`,
            capabilities: x.caps,
            specializations: [],
            assignmentPriority: 50,
            maxConcurrentTasks: x.max,
            escalateAfterDaysOverdue: 2,
            fallbackAssignee: null,
            heartbeatTimeoutMinutes: x.timeout,
            registeredAt: now,
            lastHeartbeatAt: new Date(Date.parse(now) - x.beatAgo * MIN).toISOString(),
            version: 1,
          }));
          let services = mergeRegistry({}, registered, now);
          for (const [k, cap] of caps.entries()) {
            const fits = services.filter((x) => x.available && x.capabilities.includes(cap));
            const d = decide(item(k, cap), services);
            if (fits.length === 0) {
              expect(d.agent).toBeNull();
              continue;
            }
            expect(fits.map((x) => x.id)).toContain(d.agent);
            services = services.map((x) =>
              x.id === d.agent
                ? {
                    ...x,
                    openTasks: x.openTasks + 1,
                    utilization: (x.openTasks + 1) / x.maxConcurrentTasks,
                    available: x.openTasks + 1 < x.maxConcurrentTasks,
                  }
                : x,
            );
          }
          for (const x of services) expect(x.openTasks).toBeLessThanOrEqual(x.maxConcurrentTasks);
        },
      ),
      { numRuns: 200, seed: 10 },
    );
  });
});
