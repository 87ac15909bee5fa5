// Size of the tools/list answer a model reads: bytes and approximate tokens (bytes / 4) per tool.
// Usage: npm run build && node bench/tools-list.mjs [--read-only]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, tempDataDir } from './lib.mjs';

const args = [BIN, 'stdio', ...process.argv.slice(2)];
const transport = new StdioClientTransport({
  command: process.execPath,
  args,
  env: { ...process.env, GF_DATA_DIR: tempDataDir() },
  stderr: 'ignore',
});
const client = new Client({ name: 'bench', version: '1' });
await client.connect(transport);
const { tools } = await client.listTools();
const per = tools.map((t) => {
  const bytes = Buffer.byteLength(JSON.stringify(t));
  return { name: t.name, bytes, tokens: Math.round(bytes / 4) };
});
const bytes = Buffer.byteLength(JSON.stringify({ tools }));
console.log(
  JSON.stringify(
    {
      bench: 'tools-list',
      tools: tools.length,
      bytes,
      tokens: Math.round(bytes / 4),
      avg_tokens_per_tool: Math.round(bytes / 4 / tools.length),
      target_avg_tokens: 120,
      per_tool: per,
    },
    null,
    2,
  ),
);
await client.close();
