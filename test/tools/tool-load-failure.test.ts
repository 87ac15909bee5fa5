/** A tool module that cannot load answers like any other failure: INTERNAL, logged, no crash. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { registerTools } from '../../src/mcp/register-tools.js';
import { connectClient, errorPayload, silentLogger } from '../helpers/mcp.js';

describe('tools/call', () => {
  it('reports a tool whose module fails to load as INTERNAL and logs why', async () => {
    const base = await connectClient();
    const log = silentLogger();
    const server = new McpServer({ name: 'test', version: '0' });
    registerTools(server, {
      tools: [
        { name: 'broken', toolset: 'items', effect: 'read', load: () => Promise.reject(new Error('boom')) },
      ],
      deps: base.deps,
      log,
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 't', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    try {
      const r = (await client.callTool({ name: 'broken', arguments: {} })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(errorPayload(r)?.code).toBe('INTERNAL');
      expect(JSON.stringify(r.content)).not.toContain('boom');
      const logged = log.entries.map((e) => [e.level, (e.obj as { err?: Error }).err?.message]);
      expect(logged).toContainEqual(['error', 'boom']);
    } finally {
      await client.close();
      await base.close();
    }
  });
});
