// The floor for cold start: a one-tool MCP server on the bare SDK over stdio, nothing else.
// bench/cold-start.mjs bundles this file with esbuild (as the real server is bundled) and times it
// beside the built server, so the ratio between them is what our own code costs.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'floor', version: '0.0.0' });
server.registerTool(
  'echo',
  { description: 'Echo a text.', inputSchema: { text: z.string().describe('Text to echo') } },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);
await server.connect(new StdioServerTransport());
