import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it, vi } from 'vitest';
import { registerTools } from '../../src/mcp/register-tools.js';
import { loadTools } from '../../src/mcp/registry.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import { connectClient, errorPayload, silentLogger, type ConnectOptions } from '../helpers/mcp.js';
import { ALL_TOOLS as ALL, READ_TOOLS as READ } from '../helpers/tool-names.js';

const allTools = await loadTools(toolCatalog);

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

  it('lists the definitions in catalog order', () => {
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
  it('names each definition once, with the toolset and effect the definition declares', () => {
    expect(new Set(toolCatalog.map((s) => s.name)).size).toBe(toolCatalog.length);
    toolCatalog.forEach((spec, i) => {
      const tool = allTools[i]!;
      expect({ name: tool.name, toolset: tool.toolset, effect: tool.effect }).toEqual({
        name: spec.name,
        toolset: spec.toolset,
        effect: spec.effect,
      });
    });
  });
});

describe('tools registered through the McpServer', () => {
  it('a disabled tool leaves tools/list with a list_changed notice and is refused like an unknown one', async () => {
    const base = await connectClient();
    const mcp = new McpServer({ name: 'test', version: '0' });
    const registered = registerTools(mcp, { tools: toolCatalog, deps: base.deps, log: silentLogger() });
    const client = new Client({ name: 't', version: '1' });
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([mcp.connect(a), client.connect(b)]);
    try {
      expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
      registered.get('create_item')!.disable();
      await vi.waitFor(() => expect(changed).toBe(1));
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(ALL.filter((n) => n !== 'create_item'));
      const r = (await client.callTool({
        name: 'create_item',
        arguments: { workspace: 'acme/web', type: 'epic', title: 'E' },
      })) as CallToolResult;
      expect(errorPayload(r)?.code).toBe('INPUT.INVALID');
      registered.get('create_item')!.enable();
      const ok = (await client.callTool({
        name: 'create_item',
        arguments: { workspace: 'acme/web', type: 'epic', title: 'E' },
      })) as CallToolResult;
      expect(ok.isError).toBeFalsy();
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(ALL);
    } finally {
      await client.close();
      await base.close();
    }
  });
});
