// Size of the tools/list answer a model reads: bytes and approximate tokens (bytes / 4) in all, per
// tool and per toolset (the server started with that toolset alone), against the budget of 48,000
// bytes with every toolset on; and the sentences repeated across tools (boilerplate a model pays
// for once per tool).
// Usage: npm run build && node bench/tools-list.mjs [--read-only]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, tempDataDir } from './lib.mjs';

const BUDGET_BYTES = 48_000;
const TOOLSETS = [
  'items',
  'milestones',
  'audit',
  'specs',
  'config',
  'github',
  'jobs',
  'agents',
  'compliance',
  'approvals',
  'analytics',
];

async function listTools(extra) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'stdio', ...process.argv.slice(2), ...extra],
    env: { ...process.env, GF_DATA_DIR: tempDataDir() },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

const bytesOf = (v) => Buffer.byteLength(JSON.stringify(v));

/** Every description a tool carries: its own and its parameters', recursively. */
function descriptions(value, out = []) {
  if (Array.isArray(value)) for (const v of value) descriptions(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'description' && typeof v === 'string') out.push(v);
      else descriptions(v, out);
    }
  }
  return out;
}

const tools = await listTools([]);
const bytes = bytesOf({ tools });
const perToolset = {};
for (const t of TOOLSETS) {
  const some = await listTools(['--toolsets', t]);
  perToolset[t] = { tools: some.length, bytes: bytesOf({ tools: some }) };
}

// Sentences of 6 words or more that three tools or more repeat.
const seen = new Map();
for (const t of tools) {
  const own = new Set(
    descriptions(t)
      .flatMap((d) => d.split(/(?<=[.;])\s+/))
      .map((s) => s.trim())
      .filter((s) => s.split(/\s+/).length >= 6),
  );
  for (const s of own) seen.set(s, (seen.get(s) ?? 0) + 1);
}
const repeated = [...seen].filter(([, n]) => n >= 3).map(([sentence, tools]) => ({ sentence, tools }));

console.log(
  JSON.stringify(
    {
      bench: 'tools-list',
      tools: tools.length,
      bytes,
      budgetBytes: BUDGET_BYTES,
      withinBudget: bytes <= BUDGET_BYTES,
      tokens: Math.round(bytes / 4),
      avg_tokens_per_tool: Math.round(bytes / 4 / tools.length),
      perToolset,
      repeatedSentences: repeated,
      per_tool: tools.map((t) => ({ name: t.name, bytes: bytesOf(t) })),
    },
    null,
    2,
  ),
);
