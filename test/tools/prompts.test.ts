import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { seedHierarchy, useClient, WS } from '../helpers/mcp.js';

const c = useClient();

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

  it('lists status_report with its arguments', async () => {
    const { prompts } = await c().client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['status_report']);
    expect(prompts[0]!.arguments).toEqual([
      expect.objectContaining({ name: 'owner', required: true }),
      expect.objectContaining({ name: 'repo', required: true }),
      expect.objectContaining({ name: 'audience', required: false }),
    ]);
  });

  it('embeds the workspace hierarchy and milestones as data', async () => {
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

  it.each<{ arg: string; value: string; context: Record<string, string>; values: string[] }>([
    { arg: 'owner', value: 'ac', context: {}, values: ['acme'] },
    { arg: 'repo', value: '', context: { owner: 'acme' }, values: ['web', 'api'] },
  ])('completes $arg', async ({ arg, value, context, values }) => {
    const r = await c().client.complete({
      ref: { type: 'ref/prompt', name: 'status_report' },
      argument: { name: arg, value },
      context: { arguments: context },
    });
    expect([...r.completion.values].sort()).toEqual([...values].sort());
  });

  it('answers a bad workspace with the stable code, not a crash', async () => {
    const e = await c()
      .client.getPrompt({ name: 'status_report', arguments: { owner: 'bad owner', repo: 'x' } })
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(e).toBeInstanceOf(McpError);
    expect((e as McpError).message).toContain('WORKSPACE.INVALID');
    expect((e as McpError).data).toMatchObject({ code: 'WORKSPACE.INVALID', hint: expect.any(String) });
  });
});
