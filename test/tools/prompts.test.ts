import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { REVIEW_ITEM_CAP } from '../../src/prompts/review-plan.js';
import { seedHierarchy, useClient, WS } from '../helpers/mcp.js';

const c = useClient();

type Args = Record<string, string>;

/** The instruction text, the JSON data block and every message's text, of a rendered prompt. */
async function render(name: string, args: Args) {
  const { messages } = await c().client.getPrompt({ name, arguments: args });
  const texts = messages.map((m) => {
    if (m.content.type === 'text') return m.content.text;
    return m.content.type === 'resource' && 'text' in m.content.resource ? m.content.resource.text : '';
  });
  const data = messages.find((m) => m.content.type === 'resource')!.content as {
    resource: { uri: string; text: string };
  };
  return {
    text: texts[0] as string,
    all: texts.join('\n'),
    uri: data.resource.uri,
    data: JSON.parse(data.resource.text),
  };
}

async function renderError(name: string, args: Args) {
  const e = await c()
    .client.getPrompt({ name, arguments: args })
    .then(
      () => undefined,
      (x: unknown) => x,
    );
  expect(e).toBeInstanceOf(McpError);
  return (e as McpError).data as { code: string; hint: string };
}

const complete = async (prompt: string, name: string, value: string, context: Args) =>
  (
    await c().client.complete({
      ref: { type: 'ref/prompt', name: prompt },
      argument: { name, value },
      context: { arguments: context },
    })
  ).completion.values;

const ws = { owner: 'acme', repo: 'web' };
const setRepoConfig = (override: Record<string, unknown>) =>
  c().ok('update_config', { workspace: WS, scope: 'repo', override, reason: 'test' });

describe('prompts', () => {
  beforeEach(async () => {
    await seedHierarchy(c());
    await c().ok('create_item', { workspace: 'acme/api', type: 'epic', title: 'API' });
    await c().ok('set_item_status', {
      workspace: WS,
      id: 'T-3',
      status: 'blocked',
      reason: 'waiting on keys',
    });
    await c().ok('upsert_milestone', { workspace: WS, title: 'Beta', dueOn: '2026-01-01' });
  });

  it('lists exactly the five prompts with their arguments', async () => {
    const { prompts } = await c().client.listPrompts();
    expect(
      Object.fromEntries(prompts.map((p) => [p.name, p.arguments!.map((a) => [a.name, a.required])])),
    ).toEqual({
      status_report: [
        ['owner', true],
        ['repo', true],
        ['audience', false],
      ],
      decompose_spec: [
        ['owner', true],
        ['repo', true],
        ['spec', true],
        ['focus', false],
      ],
      review_plan: [
        ['owner', true],
        ['repo', true],
        ['rootId', false],
      ],
      compliance_review: [
        ['owner', true],
        ['repo', true],
        ['since', false],
      ],
      sprint_plan: [
        ['owner', true],
        ['repo', true],
        ['milestone', true],
        ['capacity', false],
        ['agents', false],
      ],
    });
    expect(prompts.flatMap((p) => p.arguments!).every((a) => (a.description ?? '').length > 0)).toBe(true);
  });

  it('status_report embeds the workspace hierarchy and milestones as data', async () => {
    const r = await c().client.getPrompt({
      name: 'status_report',
      arguments: { owner: 'acme', repo: 'web', audience: 'leads' },
    });
    expect(r.messages).toHaveLength(2);
    const [ask, data] = r.messages;
    expect(ask!.content).toMatchObject({ type: 'text', text: expect.stringContaining('acme/web for leads') });
    expect(data!.content).toMatchObject({
      type: 'resource',
      resource: { uri: 'governance://acme/web/tree', mimeType: 'application/json' },
    });
    const body = JSON.parse((data!.content as { resource: { text: string } }).resource.text);
    expect(body.items.map((i: { id: string }) => i.id)).toEqual([
      'E-1',
      'F-2',
      'T-3',
      'T-4',
      'T-5',
      'F-6',
      'T-7',
      'T-8',
      'T-9',
    ]);
    expect(body.items.find((i: { id: string }) => i.id === 'T-3')).toMatchObject({
      status: 'blocked',
      statusReason: 'waiting on keys',
    });
    expect(body.milestones).toEqual([
      expect.objectContaining({ id: 'M-1', title: 'Beta', overdue: expect.any(Boolean) }),
    ]);
    expect(body.truncated).toBe(false);
  });

  describe('decompose_spec', () => {
    const spec = '# Checkout\n\n## Cart\n\n- Add items to the cart\n';

    it.each<{ override?: Record<string, unknown>; features: number; tasks: number }>([
      {
        features: DEFAULT_CONFIG.generation.maxFeaturesPerEpic,
        tasks: DEFAULT_CONFIG.generation.maxTasksPerFeature,
      },
      { override: { generation: { maxFeaturesPerEpic: 3, maxTasksPerFeature: 4 } }, features: 3, tasks: 4 },
    ])(
      'quotes the effective limits ($features features, $tasks tasks) and the spec',
      async ({ override, features, tasks }) => {
        if (override) await setRepoConfig(override);
        const r = await render('decompose_spec', { ...ws, spec, focus: 'MVP only' });
        expect(r.text).toContain('in acme/web, keeping only: MVP only');
        expect(r.text).toContain(`at most ${features} features per epic`);
        expect(r.text).toContain(`at most ${tasks} tasks per feature`);
        expect(r.text).toContain(`decompose_spec with {text, workspace: "acme/web"}`);
        expect(r.text).toContain('apply_spec with {workspace: "acme/web", text, dryRun: true}');
        expect(r.text).toContain('feature: Acceptance criteria, Technical notes');
        expect(r.uri).toBe('governance://acme/web/config');
        expect(r.data.rules).toMatchObject({ maxFeaturesPerEpic: features, maxTasksPerFeature: tasks });
        expect(r.data.versions.repo).toBe(override ? 1 : null);
        expect(r.all).toContain(spec);
      },
    );

    it('takes a real-sized spec (names and ids stay capped at 200 characters)', async () => {
      const long = `# Checkout\n\n## Cart\n\n${'- Add items to the cart with a long explanation\n'.repeat(2000)}`;
      expect(long.length).toBeGreaterThan(90_000);
      const r = await render('decompose_spec', { ...ws, spec: long });
      expect(r.all).toContain(long);
      await expect(
        c().client.getPrompt({ name: 'decompose_spec', arguments: { ...ws, spec, focus: 'x'.repeat(201) } }),
      ).rejects.toThrow();
    });

    it('refuses a blank spec with INPUT.INVALID', async () => {
      expect(await renderError('decompose_spec', { ...ws, spec: '  \n' })).toMatchObject({
        code: 'INPUT.INVALID',
        hint: expect.stringContaining('spec text'),
      });
    });
  });

  describe('review_plan', () => {
    it('renders the subtree with versions, links, missing sections and the policy limits', async () => {
      await c().ok('link_items', { workspace: WS, fromId: 'T-4', kind: 'blocks', toId: 'T-7' });
      await c().ok('update_item', {
        workspace: WS,
        id: 'T-8',
        expectedVersion: 1,
        description: '## Acceptance criteria\n\nThe payment is captured.',
      });
      const r = await render('review_plan', { ...ws, rootId: 'F-6' });
      expect(r.uri).toBe('governance://acme/web/items/F-6');
      expect(r.text).toContain('acme/web under F-6');
      expect(r.data.items.map((i: { id: string }) => i.id)).toEqual(['F-6', 'T-7', 'T-8', 'T-9']);
      const byId = new Map(r.data.items.map((i: { id: string }) => [i.id, i]));
      expect(byId.get('T-8')).toMatchObject({ title: 'Payment task 2', version: 2, missingSections: [] });
      expect(byId.get('T-9')).toMatchObject({ version: 1, missingSections: ['Acceptance criteria'] });
      expect(byId.get('F-6')).toMatchObject({ children: 3 });
      expect(r.data.links).toEqual([{ blockerId: 'T-4', blockedId: 'T-7' }]);
      expect(r.data.overLimit).toEqual([]);
      expect(r.data.truncated).toBe(false);
      expect(r.text).not.toContain('truncated');
    });

    it('flags features over a lowered tasks-per-feature limit', async () => {
      await setRepoConfig({ generation: { maxTasksPerFeature: 2 } });
      const r = await render('review_plan', ws);
      expect(r.text).toContain('2 tasks per feature');
      expect(r.data.overLimit).toEqual([
        { id: 'F-2', children: 3, max: 2 },
        { id: 'F-6', children: 3, max: 2 },
      ]);
    });

    it('answers an unknown root with ITEM.NOT_FOUND', async () => {
      expect((await renderError('review_plan', { ...ws, rootId: 'T-99' })).code).toBe('ITEM.NOT_FOUND');
    });

    it(`says truncated only past ${REVIEW_ITEM_CAP} items`, async () => {
      // 1 epic, 29 features of 9 tasks: 291 items, with the 9 seeded exactly the cap.
      const spec = [
        '# Bulk',
        ...Array.from({ length: 29 }, (_, f) => [
          `## Area ${f + 1}`,
          ...Array.from({ length: 9 }, (_, t) => `- Build part ${f + 1}.${t + 1}`),
        ]).flat(),
      ].join('\n');
      const applied = await c().ok('apply_spec', { workspace: WS, text: spec, dryRun: false });
      expect(applied.totals.created).toBe(REVIEW_ITEM_CAP - 9);
      const atCap = await render('review_plan', ws);
      expect([atCap.data.items.length, atCap.data.truncated]).toEqual([REVIEW_ITEM_CAP, false]);

      await c().ok('create_item', { workspace: WS, type: 'epic', title: 'One more' });
      const past = await render('review_plan', ws);
      expect([past.data.items.length, past.data.truncated]).toEqual([REVIEW_ITEM_CAP, true]);
      expect(past.text).toContain('truncated (items)');
    });
  });

  describe('compliance_review', () => {
    it('summarises the audit trail by action and actor, with the chain verified', async () => {
      const records = await c().auditAfter(0);
      const byAction: Record<string, number> = {};
      for (const x of records) byAction[x.action] = (byAction[x.action] ?? 0) + 1;
      const r = await render('compliance_review', ws);
      expect(r.uri).toBe('governance://acme/web/audit');
      expect(r.data.audit).toMatchObject({
        records: records.length,
        truncated: false,
        byAction,
        byActor: [{ type: 'user', id: 'test:alice', name: 'Alice', count: records.length }],
        first: { seq: 1, entity: 'item:E-1', action: 'item.created' },
        last: { seq: records.length, entity: 'milestone:M-1' },
      });
      expect(r.data.audit.epicCreations.items.map((x: { entity: string }) => x.entity)).toEqual(['item:E-1']);
      expect(r.data.audit.milestoneChanges.items.map((x: { entity: string }) => x.entity)).toEqual([
        'milestone:M-1',
      ]);
      expect(r.data.verification).toMatchObject({ ok: true, checked: records.length, firstBad: null });
      expect(r.text).toContain(`intact (${records.length} records)`);
      expect(r.text).toContain('check_compliance {workspace: "acme/web"}');
      // The engine's report, the same check_compliance gives.
      const report = await c().ok('check_compliance', { workspace: 'acme/web', limit: 10 });
      expect(r.data.report).toEqual(report);
      // And remediate's dry run, and the pending approvals.
      const fix = await c().ok('remediate', { workspace: 'acme/web' });
      expect(r.data.remediation).toMatchObject({
        actions: fix.actions,
        changed: fix.changed,
        manual: fix.manual,
      });
      expect(r.text).toContain(`would fix ${fix.actions} finding(s) on ${fix.changed} item(s)`);
      expect(r.data.pendingApprovals).toEqual([]);
      expect(r.text).toContain('Pending approvals: 0');
    });

    it('reports the first broken record of a tampered chain', async () => {
      await c().exec('update audit_log set reason = ? where workspace = ? and seq = 3', ['edited', WS]);
      const r = await render('compliance_review', ws);
      expect(r.data.verification).toMatchObject({ ok: false, firstBad: { seq: 3, problem: 'altered' } });
      expect(r.text).toContain('BROKEN at record 3 (altered)');
    });

    it('quotes the approval rules of the effective configuration, and audits that change too', async () => {
      expect((await render('compliance_review', ws)).text).toContain('epic creation approval not required');
      await setRepoConfig({
        compliance: {
          approvals: { epicCreation: { required: true, minApprovals: 1, approvers: ['alice'] } },
        },
      });
      const r = await render('compliance_review', ws);
      expect(r.text).toContain('epic creation approval required (1 of alice)');
      expect(r.data.compliance.approvals.epicCreation.approvers).toEqual(['alice']);
      expect(r.data.audit.configChanges.items).toEqual([
        expect.objectContaining({ action: 'config.updated' }),
      ]);
    });

    it('keeps only the changes since the given date', async () => {
      c().clock.advance(2 * 86_400_000);
      await c().ok('update_item', { workspace: WS, id: 'T-4', expectedVersion: 1, priority: 'high' });
      const r = await render('compliance_review', { ...ws, since: '2025-01-16' });
      expect(r.data.since).toBe('2025-01-16T00:00:00.000Z');
      expect(r.data.audit).toMatchObject({
        records: 1,
        byAction: { 'item.updated': 1 },
        first: { entity: 'item:T-4' },
      });
    });

    it.each(['yesterday', '2025-13-01', '2025-01-01 10:00'])(
      'refuses since "%s" with INPUT.INVALID',
      async (since) => {
        expect(await renderError('compliance_review', { ...ws, since })).toMatchObject({
          code: 'INPUT.INVALID',
          hint: expect.stringContaining('YYYY-MM-DD'),
        });
      },
    );
  });

  describe('sprint_plan', () => {
    beforeEach(async () => {
      await c().ok('link_items', { workspace: WS, fromId: 'T-8', kind: 'blocks', toId: 'T-4' });
      await c().ok('set_item_status', { workspace: WS, id: 'T-5', status: 'in_progress' });
      await c().ok('set_item_status', { workspace: WS, id: 'T-5', status: 'done' });
      await c().ok('update_item', { workspace: WS, id: 'T-9', expectedVersion: 1, priority: 'critical' });
      await c().ok('update_item', {
        workspace: WS,
        id: 'T-7',
        expectedVersion: 1,
        agent: 'agent:dev',
        estimateDays: 2,
      });
      await c().ok('set_item_status', { workspace: WS, id: 'T-7', status: 'in_progress' });
    });

    it.each(['M-1', 'Beta'])('renders open tasks blockers first for milestone %s', async (milestone) => {
      const r = await render('sprint_plan', {
        ...ws,
        milestone,
        capacity: '10 days',
        agents: 'agent:dev,agent:qa',
      });
      expect(r.text).toContain('towards milestone Beta (M-1, due 2026-01-01) with a capacity of 10 days');
      expect(r.text).toContain('milestoneId: "M-1"');
      const ids: string[] = r.data.tasks.map((t: { id: string }) => t.id);
      expect([...ids].sort()).toEqual(['T-3', 'T-4', 'T-7', 'T-8', 'T-9']);
      expect(ids[0]).toBe('T-9');
      expect(ids.indexOf('T-8')).toBeLessThan(ids.indexOf('T-4'));
      expect(r.data.tasks.find((t: { id: string }) => t.id === 'T-4').dependsOn).toEqual(['T-8']);
      expect(r.data.tasks.find((t: { id: string }) => t.id === 'T-7')).toMatchObject({
        agent: 'agent:dev',
        estimateDays: 2,
      });
      expect(r.data.agents.map((a: { id: string }) => a.id)).toEqual(['agent:dev', 'agent:qa']);
      expect(r.data.agents[0]).toMatchObject({ openTasks: 1, maxConcurrentTasks: 3, healthy: true });
      expect(r.data.milestones).toEqual([expect.objectContaining({ id: 'M-1', dueOn: '2026-01-01' })]);
      expect(r.data.tasksTruncated).toBe(false);
      // Velocity and the forecast are the analytics tools' own figures.
      const v = await c().ok('get_delivery_metrics', { workspace: WS, view: 'velocity' });
      expect(r.data.velocity.perWeek).toBe(v.perPeriod);
      const f = await c().ok('forecast_milestone', {
        workspace: WS,
        milestoneId: 'M-1',
        runs: 2000,
        seed: 1,
      });
      expect(r.data.forecast).toMatchObject({ remaining: f.remaining, p85: f.p85, assumption: f.assumption });
      expect(r.text).toContain(`${v.perPeriod} task(s) done a week`);
      expect(r.text).toContain('auto_assign');
    });

    it('uses the agent services of the effective configuration', async () => {
      await setRepoConfig({ agents: { 'agent:dev': { maxConcurrentTasks: 1 } } });
      const r = await render('sprint_plan', { ...ws, milestone: 'M-1' });
      expect(r.data.agents.find((a: { id: string }) => a.id === 'agent:dev')).toMatchObject({
        maxConcurrentTasks: 1,
      });
      expect(r.data.agents.map((a: { id: string }) => a.id)).toEqual(Object.keys(DEFAULT_CONFIG.agents));
    });

    it('drops a link once its blocker is done', async () => {
      await c().ok('set_item_status', { workspace: WS, id: 'T-8', status: 'in_progress' });
      await c().ok('set_item_status', { workspace: WS, id: 'T-8', status: 'done' });
      const r = await render('sprint_plan', { ...ws, milestone: 'M-1' });
      expect(r.data.tasks.find((t: { id: string }) => t.id === 'T-4').dependsOn).toEqual([]);
    });

    it.each<{ args: Args; code: string }>([
      { args: { milestone: 'Gamma' }, code: 'MILESTONE.NOT_FOUND' },
      { args: { milestone: 'M-1', agents: 'agent:dev,agent:ghost' }, code: 'INPUT.INVALID' },
    ])('answers $args with $code', async ({ args, code }) => {
      expect((await renderError('sprint_plan', { ...ws, ...args })).code).toBe(code);
    });
  });

  it.each<{ prompt: string; arg: string; value: string; context: Args; values: string[] }>([
    { prompt: 'status_report', arg: 'owner', value: 'ac', context: {}, values: ['acme'] },
    { prompt: 'status_report', arg: 'repo', value: '', context: { owner: 'acme' }, values: ['web', 'api'] },
    { prompt: 'decompose_spec', arg: 'repo', value: 'w', context: { owner: 'acme' }, values: ['web'] },
    { prompt: 'compliance_review', arg: 'owner', value: 'a', context: {}, values: ['acme'] },
    { prompt: 'review_plan', arg: 'rootId', value: 'F', context: ws, values: ['F-2', 'F-6'] },
    {
      prompt: 'review_plan',
      arg: 'rootId',
      value: 'e',
      context: { owner: 'acme', repo: 'api' },
      values: ['E-1'],
    },
    { prompt: 'review_plan', arg: 'rootId', value: 'F', context: { owner: 'acme' }, values: [] },
    { prompt: 'sprint_plan', arg: 'milestone', value: '', context: ws, values: ['Beta', 'M-1'] },
    { prompt: 'sprint_plan', arg: 'milestone', value: 'be', context: ws, values: ['Beta'] },
    {
      prompt: 'sprint_plan',
      arg: 'milestone',
      value: 'B',
      context: { owner: 'acme', repo: 'api' },
      values: [],
    },
    { prompt: 'sprint_plan', arg: 'agents', value: 'agent:d', context: ws, values: ['agent:dev'] },
    {
      prompt: 'sprint_plan',
      arg: 'agents',
      value: 'agent:qa,agent:',
      context: ws,
      values: [
        'agent:qa,agent:orchestrator',
        'agent:qa,agent:dev',
        'agent:qa,agent:security',
        'agent:qa,agent:pm',
      ],
    },
    // 1, 7, 30 and 90 days before the test clock's 2025-01-15.
    {
      prompt: 'compliance_review',
      arg: 'since',
      value: '',
      context: ws,
      values: ['2025-01-14', '2025-01-08', '2024-12-16', '2024-10-17'],
    },
    {
      prompt: 'compliance_review',
      arg: 'since',
      value: '2025',
      context: ws,
      values: ['2025-01-14', '2025-01-08'],
    },
  ])('$prompt completes $arg from "$value"', async ({ prompt, arg, value, context, values }) => {
    expect([...(await complete(prompt, arg, value, context))].sort()).toEqual([...values].sort());
  });

  it.each<{ prompt: string; args: Args }>([
    { prompt: 'status_report', args: {} },
    { prompt: 'decompose_spec', args: { spec: '# E' } },
    { prompt: 'review_plan', args: {} },
    { prompt: 'compliance_review', args: {} },
    { prompt: 'sprint_plan', args: { milestone: 'M-1' } },
  ])('$prompt answers a bad workspace with the stable code, not a crash', async ({ prompt, args }) => {
    expect(await renderError(prompt, { owner: 'bad owner', repo: 'x', ...args })).toMatchObject({
      code: 'WORKSPACE.INVALID',
      hint: expect.any(String),
    });
  });
});
