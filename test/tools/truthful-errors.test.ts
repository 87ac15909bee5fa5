/**
 * Answers that tell the truth about what the caller asked for: a filter that can never match, a
 * workspace nothing was written to, an agent the configuration does not know and a plan's preview
 * id are refused with a stable code and a hint naming what would work, instead of an empty answer
 * or a silent acceptance.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../src/governance/model/audit.js';
import { seedHierarchy, useClient, WS } from '../helpers/mcp.js';

const c = useClient();

describe('query_audit.action', () => {
  it('refuses an action that is not one of the audit actions, listing them', async () => {
    await seedHierarchy(c());
    const f = await c().failure('query_audit', { workspace: WS, action: 'status_changed' });
    expect(f.code).toBe('INPUT.INVALID');
    for (const a of AUDIT_ACTIONS) expect(f.message).toContain(a);
  });

  it.each(['item.created', 'item.status_changed', 'item.rolled_up'])('filters on %s', async (action) => {
    await seedHierarchy(c());
    await c().ok('set_item_status', { workspace: WS, id: 'T-3', status: 'in_progress' });
    const { records } = await c().ok('query_audit', { workspace: WS, action });
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r: { action: string }) => r.action === action)).toBe(true);
  });

  it('lists every action a use-case writes', async () => {
    await seedHierarchy(c());
    await c().ok('set_item_status', { workspace: WS, id: 'T-3', status: 'in_progress' });
    await c().ok('link_items', { workspace: WS, fromId: 'T-3', kind: 'blocks', toId: 'T-4' });
    await c().ok('upsert_milestone', { workspace: WS, title: 'v1' });
    const { records } = await c().ok('query_audit', { workspace: WS, limit: 200 });
    for (const r of records as { action: string }[]) expect(AUDIT_ACTIONS).toContain(r.action);
  });
});

describe('WORKSPACE.NOT_FOUND', () => {
  // acme/wbe is one transposition away from acme/web.
  const MISSING = 'acme/wbe';
  it.each([
    { tool: 'get_item_tree', args: {} },
    { tool: 'get_item', args: { id: 'T-1' } },
    { tool: 'list_milestones', args: {} },
    { tool: 'query_audit', args: {} },
    { tool: 'verify_audit', args: {} },
    { tool: 'validate_hierarchy', args: { source: { kind: 'stored' } } },
    { tool: 'enhance_item', args: { id: 'T-1', method: 'heuristic' } },
    { tool: 'update_item', args: { id: 'T-1', expectedVersion: 1, title: 'x' } },
  ])('$tool on a workspace nothing was written to names the nearest ones', async ({ tool, args }) => {
    await seedHierarchy(c());
    await seedHierarchy(c(), 'acme/api');
    await seedHierarchy(c(), 'zeta/other');
    const f = await c().failure(tool, { workspace: MISSING, ...args });
    expect(f.code).toBe('WORKSPACE.NOT_FOUND');
    expect((f.details?.nearest as string[])[0]).toBe(WS);
    expect(f.details?.nearest).toHaveLength(3);
    expect(f.hint).toContain('"acme/web"');
    expect(f.hint).toContain('list_workspaces');
  });

  it.each([
    { tool: 'list_milestones', args: {}, empty: { milestones: [] } },
    { tool: 'get_item_tree', args: { statuses: ['done'] }, empty: { items: [], nextCursor: null } },
    { tool: 'query_audit', args: { action: 'link.deleted' }, empty: { records: [], nextBeforeSeq: null } },
  ])('$tool answers empty for a workspace that exists', async ({ tool, args, empty }) => {
    await seedHierarchy(c());
    expect(await c().ok(tool, { workspace: WS, ...args })).toEqual(empty);
  });

  it('get_item on an unknown id of a known workspace stays ITEM.NOT_FOUND', async () => {
    await seedHierarchy(c());
    expect(await c().err('get_item', { workspace: WS, id: 'T-99' })).toBe('ITEM.NOT_FOUND');
  });

  it('says so on an empty store', async () => {
    const f = await c().failure('get_item_tree', { workspace: WS });
    expect(f).toMatchObject({ code: 'WORKSPACE.NOT_FOUND', details: { nearest: [] } });
    expect(f.hint).toContain('create_item');
  });

  it('get_config answers the defaults for a new workspace (its first update_config needs them)', async () => {
    const r = await c().ok('get_config', { workspace: MISSING });
    expect(r.versions).toEqual({ org: null, repo: null });
    expect(Object.keys(r.config.agents)).toContain('agent:qa');
  });
});

describe('AGENT.UNKNOWN', () => {
  it.each([
    { tool: 'update_item', args: { id: 'T-3', expectedVersion: 1, agent: 'qa' }, agent: 'qa' },
    {
      tool: 'update_item',
      args: { id: 'T-3', expectedVersion: 1, agent: 'agent:nobody' },
      agent: 'agent:nobody',
    },
    { tool: 'create_item', args: { type: 'epic', title: 'E', agent: 'qa' }, agent: 'qa' },
  ])('$tool with agent $agent is refused with the configured agents', async ({ tool, args, agent }) => {
    await seedHierarchy(c());
    const before = await c().auditSeq();
    const f = await c().failure(tool, { workspace: WS, ...args });
    expect(f.code).toBe('AGENT.UNKNOWN');
    expect(f.details).toEqual({
      agent,
      agents: ['agent:orchestrator', 'agent:dev', 'agent:qa', 'agent:security', 'agent:pm'],
    });
    expect(f.hint).toContain('agent:qa');
    if (agent === 'qa') expect(f.hint).toContain('Did you mean "agent:qa"?');
    expect(await c().auditSeq()).toBe(before);
  });

  it('accepts a configured agent, and clearing one', async () => {
    await seedHierarchy(c());
    const { item } = await c().ok('update_item', {
      workspace: WS,
      id: 'T-3',
      expectedVersion: 1,
      agent: 'agent:qa',
    });
    expect(item.agent).toBe('agent:qa');
    const r = await c().ok('update_item', { workspace: WS, id: 'T-3', expectedVersion: 2, agent: null });
    expect(r.item.agent).toBeNull();
  });

  it("follows the workspace's configuration", async () => {
    await seedHierarchy(c());
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      expectedVersion: 0,
      reason: 'a docs agent',
      override: {
        agents: {
          'agent:docs': {
            capabilities: ['writing'],
            specializations: [],
            assignmentPriority: 10,
            maxConcurrentTasks: 2,
            escalateAfterDaysOverdue: 3,
          },
        },
        labels: { agent: { 'agent:docs': { name: 'agent:docs', color: 'c5def5', description: 'Docs' } } },
      },
    });
    const { item } = await c().ok('create_item', {
      workspace: WS,
      type: 'epic',
      title: 'Docs',
      agent: 'agent:docs',
    });
    expect(item.agent).toBe('agent:docs');
  });
});

describe('ITEM.PREVIEW_ID', () => {
  it('get_item on a decompose_spec id says it is a preview and how to apply it', async () => {
    await seedHierarchy(c());
    const plan = await c().ok('decompose_spec', {
      text: '# Shop\n\n## Cart\n\n- Add to cart\n',
      method: 'heuristic',
    });
    const id = plan.items[0].id as string;
    const f = await c().failure('get_item', { workspace: WS, id });
    expect(f.code).toBe('ITEM.PREVIEW_ID');
    expect(f.message).toContain(id);
    expect(f.hint).toContain('apply_spec');
    expect(f.hint).toContain('dryRun: false');
  });

  it('is recognised on a workspace nothing was written to as well', async () => {
    expect(await c().err('get_item', { workspace: 'acme/new', id: 'T-abcdefgh23' })).toBe('ITEM.PREVIEW_ID');
  });
});

describe('where changes live', () => {
  it('the instructions and apply_spec say changes stay in the store, not on GitHub', async () => {
    expect(c().client.getInstructions()).toMatch(/not on GitHub/);
    const tools = (await c().client.listTools()).tools;
    expect(tools.find((t) => t.name === 'apply_spec')?.description).toMatch(
      /nothing is on GitHub until plan_github_sync and apply_github_sync run/,
    );
    const r = await c().call('apply_spec', {
      workspace: WS,
      text: '# Shop\n\n## Cart\n\n- Add to cart\n',
      method: 'heuristic',
      dryRun: false,
    });
    const text = r.content.map((x) => (x.type === 'text' ? x.text : '')).join('\n');
    expect(text).toContain('not on GitHub');
  });
});
