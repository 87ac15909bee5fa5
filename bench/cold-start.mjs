// Cold start of the built server over stdio: spawn -> initialize -> tools/list answered.
// Usage: npm run build && node bench/cold-start.mjs [runs]
import { BIN, summarize, tempDataDir, timeUntil } from './lib.mjs';

const runs = Number(process.argv[2] ?? 21);
const init = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
};
const input = [
  JSON.stringify(init),
  JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
];
const env = { GF_DATA_DIR: tempDataDir(), GF_LOG_LEVEL: 'warn' };
const isToolsList = (line) => line.includes('"id":2') && line.includes('"tools"');

const server = [];
const bare = [];
for (let i = 0; i < runs; i++) {
  // Interleave the two so machine noise hits both alike.
  bare.push(await timeUntil(process.execPath, ['-e', 'console.log("x")'], { env: {}, done: () => true }));
  server.push(await timeUntil(process.execPath, [BIN, 'stdio'], { env, input, done: isToolsList }));
}
const s = summarize(server);
const b = summarize(bare);
console.log(
  JSON.stringify(
    {
      bench: 'cold-start-stdio',
      target_median_ms: 160,
      server_ms: s,
      bare_node_ms: b,
      ratio_to_bare_node: Math.round((s.median / b.median) * 100) / 100,
    },
    null,
    2,
  ),
);
