/**
 * The text part of a result carries the data compactly (several clients forward only the text):
 * ids, types, statuses and titles, capped, while structuredContent keeps everything.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../src/mcp/text.js';
import { seedHierarchy, useClient, WS } from '../helpers/mcp.js';

const c = useClient();

const textOf = (r: CallToolResult): string =>
  r.content.map((x) => (x.type === 'text' ? x.text : '')).join('\n');

async function text(tool: string, args: Record<string, unknown>): Promise<string> {
  const r = await c().call(tool, { workspace: WS, ...args });
  expect(r.isError).toBeFalsy();
  return textOf(r);
}

describe('text content', () => {
  it('get_item_tree: one line per item with id, type, status and title', async () => {
    const t = await seedHierarchy(c());
    await c().ok('set_item_status', { workspace: WS, id: 'T-3', status: 'in_progress' });
    const r = await c().call('get_item_tree', { workspace: WS });
    const lines = textOf(r).split('\n');
    const { items } = r.structuredContent as {
      items: { id: string; type: string; status: string; title: string }[];
    };
    expect(lines[0]).toBe('9 item(s)');
    expect(items.map((i) => i.id)).toEqual(t.all);
    for (const i of items) {
      expect(lines.some((l) => l.trim() === `${i.id} ${i.type} [${i.status}] ${i.title}`)).toBe(true);
    }
    expect(lines).toContain('  F-2 feature [in_progress] Cart'); // indented by depth
  });

  it('caps a long list, pointing at structuredContent', async () => {
    const { item: epic } = await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Big' });
    for (let i = 0; i < 70; i++) {
      await c().ok('create_item', {
        workspace: WS,
        type: 'feature',
        title: `Feature ${i}`,
        parentId: epic.id,
      });
    }
    const r = await c().call('get_item_tree', { workspace: WS, limit: 100 });
    const lines = textOf(r).split('\n');
    expect((r.structuredContent as { items: unknown[] }).items).toHaveLength(71);
    expect(lines.length).toBeLessThanOrEqual(TEXT_LIMITS.lines);
    expect(new TextEncoder().encode(textOf(r)).length).toBeLessThanOrEqual(TEXT_LIMITS.bytes);
    const shown = lines.length - 2; // summary and the closing line
    expect(lines.at(-1)).toBe(`... ${71 - shown} more, see structuredContent`);
  });

  it.each([
    {
      tool: 'get_item',
      args: { id: 'T-3' },
      want: ['T-3 task [planning] Cart task 1', 'parent: F-2', 'version: 1'],
    },
    {
      tool: 'update_item',
      args: { id: 'T-3', expectedVersion: 1, priority: 'high' },
      want: ['T-3 task', 'priority: high'],
    },
    {
      tool: 'create_item',
      args: { type: 'task', title: 'New', parentId: 'F-2' },
      want: ['T-10 task [planning] New'],
    },
    { tool: 'list_milestones', args: {}, want: ['M-1 [open] v1 due 2025-03-01: 0/0 done (0%)'] },
    {
      tool: 'query_audit',
      args: { limit: 3 },
      want: ['#10 ', 'milestone.created M-1 by test:alice via upsert_milestone'],
    },
    {
      tool: 'decompose_spec',
      args: { text: '# Shop\n\n## Cart\n\n- Add to cart\n', method: 'heuristic' },
      want: ['epic', 'feature', 'task', 'Add to cart'],
    },
    { tool: 'validate_hierarchy', args: { source: { kind: 'stored' } }, want: ['warning '] },
    { tool: 'get_config', args: {}, want: ['agents: agent:orchestrator, agent:dev'] },
    {
      tool: 'set_item_status',
      args: { id: 'T-3', status: 'in_progress' },
      want: [
        'T-3 task [in_progress] Cart task 1',
        'version: 2',
        'rolled up F-2 [in_progress]',
        'rolled up E-1',
      ],
    },
    {
      tool: 'upsert_milestone',
      args: { id: 'M-1', title: 'v1', dueOn: '2025-04-01' },
      want: ['M-1 [open] v1', 'dueOn: 2025-04-01; version: 2; changed: dueOn'],
    },
    {
      tool: 'link_items',
      args: { fromId: 'T-3', kind: 'blocks', toId: 'T-4' },
      want: ['T-3 blocks T-4'],
    },
    { tool: 'verify_audit', args: {}, want: ['Audit trail intact: 10 record(s)'] },
    {
      tool: 'update_config',
      args: {
        scope: 'repo',
        expectedVersion: 0,
        reason: 'deeper',
        override: { generation: { maxTasksPerFeature: 6 } },
      },
      want: ['generation.maxTasksPerFeature: null -> 6'],
    },
  ])('$tool renders its data', async ({ tool, args, want }) => {
    await seedHierarchy(c());
    await c().ok('upsert_milestone', { workspace: WS, title: 'v1', dueOn: '2025-03-01' });
    const t = await text(tool, args);
    for (const w of want) expect(t).toContain(w);
  });

  it('list_workspaces renders each workspace with its counts', async () => {
    await seedHierarchy(c());
    const t = textOf(await c().call('list_workspaces', {}));
    expect(t).toContain(`${WS}: items: 9; milestones: 0; specs: 0; lastChange: `);
  });

  it('verify_audit lists each item the trail does not explain', async () => {
    await seedHierarchy(c());
    await c().exec("UPDATE items SET title = 'Forged' WHERE id = 'T-4'");
    const t = await text('verify_audit', {});
    expect(t).toContain('Audit trail not intact');
    expect(t).toContain('T-4 title: stored "Forged", trail says "Cart task 2"');
  });
});
