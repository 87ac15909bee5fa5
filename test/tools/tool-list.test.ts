import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { connectClient, type ConnectOptions } from '../helpers/mcp.js';
import { ALL_TOOLS as ALL, READ_TOOLS as READ } from '../helpers/tool-names.js';

describe('tools/list per configuration', () => {
  it.each<{ config: string; opts: ConnectOptions; tools: string[] }>([
    { config: 'default', opts: {}, tools: ALL },
    { config: 'readOnly', opts: { readOnly: true }, tools: READ },
    { config: 'readOnly: false', opts: { readOnly: false }, tools: ALL },
    {
      config: "toolsets ['audit']",
      opts: { toolsets: ['audit'] },
      tools: ['query_audit', 'verify_audit', 'export_audit', 'checkpoint_audit'],
    },
    {
      config: "toolsets ['milestones']",
      opts: { toolsets: ['milestones'] },
      tools: ['upsert_milestone', 'list_milestones'],
    },
    {
      config: "toolsets ['items']",
      opts: { toolsets: ['items'] },
      tools: [
        'create_item',
        'get_item',
        'update_item',
        'move_item',
        'set_item_status',
        'link_items',
        'unlink_items',
        'get_item_tree',
        'list_workspaces',
        'enhance_item',
      ],
    },
    {
      config: "readOnly + ['items']",
      opts: { readOnly: true, toolsets: ['items'] },
      tools: ['get_item', 'get_item_tree', 'list_workspaces', 'enhance_item'],
    },
    {
      config: "readOnly + ['audit', 'milestones']",
      opts: { readOnly: true, toolsets: ['audit', 'milestones'] },
      tools: ['list_milestones', 'query_audit', 'verify_audit', 'export_audit'],
    },
    { config: 'no toolsets', opts: { toolsets: [] }, tools: [] },
  ])('$config', async ({ opts, tools }) => {
    const c = await connectClient(opts);
    try {
      expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(tools);
    } finally {
      await c.close();
    }
  });

  it('lists the definitions in allTools order', () => {
    expect(allTools.map((t) => t.name)).toEqual(ALL);
  });

  it('refuses a hidden tool like an unknown one', async () => {
    const c = await connectClient({ readOnly: true });
    try {
      expect(await c.err('create_item', { workspace: 'acme/web', type: 'epic', title: 'E' })).toBe(
        'INPUT.INVALID',
      );
      expect(await c.auditSeq()).toBe(0);
    } finally {
      await c.close();
    }
  });
});

describe('annotations follow the declared effect', () => {
  it.each([
    { name: 'create_item', hints: { destructiveHint: false, openWorldHint: false } },
    { name: 'get_item', hints: { readOnlyHint: true, openWorldHint: false } },
    { name: 'update_item', hints: { destructiveHint: false, idempotentHint: true, openWorldHint: false } },
    { name: 'move_item', hints: { destructiveHint: false, idempotentHint: true, openWorldHint: false } },
    {
      name: 'set_item_status',
      hints: { destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    { name: 'link_items', hints: { destructiveHint: false, idempotentHint: true, openWorldHint: false } },
    { name: 'unlink_items', hints: { openWorldHint: false } },
    { name: 'get_item_tree', hints: { readOnlyHint: true, openWorldHint: false } },
    { name: 'list_workspaces', hints: { readOnlyHint: true, openWorldHint: false } },
    {
      name: 'upsert_milestone',
      hints: { destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    { name: 'list_milestones', hints: { readOnlyHint: true, openWorldHint: false } },
    { name: 'query_audit', hints: { readOnlyHint: true, openWorldHint: false } },
    { name: 'verify_audit', hints: { readOnlyHint: true, openWorldHint: false } },
    // These may reach a model (the client's or a configured provider) or GitHub.
    { name: 'decompose_spec', hints: { readOnlyHint: true } },
    { name: 'apply_spec', hints: { destructiveHint: false } },
    { name: 'enhance_item', hints: { readOnlyHint: true } },
    { name: 'validate_policy', hints: { readOnlyHint: true } },
    { name: 'sync_policy', hints: { destructiveHint: false, idempotentHint: true } },
    { name: 'validate_hierarchy', hints: { readOnlyHint: true, openWorldHint: false } },
  ])('$name: $hints', async ({ name, hints }) => {
    const c = await connectClient();
    try {
      const tool = (await c.client.listTools()).tools.find((t) => t.name === name);
      expect(tool?.annotations).toEqual(hints);
    } finally {
      await c.close();
    }
  });
});

describe('tool catalog', () => {
  it('lists every definition once, in allTools order, with the same toolset and effect', async () => {
    const { toolCatalog } = await import('../../src/tools/catalog.js');
    expect(toolCatalog.map((s) => s.name)).toEqual(allTools.map((t) => t.name));
    for (const spec of toolCatalog) {
      const tool = await spec.load();
      expect({ name: tool.name, toolset: tool.toolset, effect: tool.effect }).toEqual({
        name: spec.name,
        toolset: spec.toolset,
        effect: spec.effect,
      });
    }
  });
});
