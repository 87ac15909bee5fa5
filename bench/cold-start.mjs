// Cold start of the built server over stdio: spawn -> initialize -> tools/list answered.
// Usage: npm run build && node bench/cold-start.mjs [runs] [--baseline path/to/other/governance-factory.js]
// --baseline times another build (an earlier commit's dist/) interleaved in the same runs, for a
// before/after ratio that machine noise hits alike.
// Also times, in the same runs, bare `node -e` and a one-tool server on the bare SDK bundled with
// esbuild (bench/floor-server.mjs): the floor no MCP server on this SDK can beat.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, ROOT, summarize, tempDataDir, timeUntil } from './lib.mjs';

const { values: opts, positionals } = parseArgs({
  options: { baseline: { type: 'string' } },
  allowPositionals: true,
});
const runs = Number(positionals[0] ?? 21);
const BASELINE = opts.baseline && resolve(opts.baseline);
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

const floorDir = mkdtempSync(join(tmpdir(), 'gf-floor-'));
const FLOOR = join(floorDir, 'floor.mjs');
await build({
  absWorkingDir: ROOT,
  entryPoints: [join(ROOT, 'bench', 'floor-server.mjs')],
  outfile: FLOOR,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

const server = [];
const bare = [];
const floor = [];
const baseline = [];
for (let i = 0; i < runs; i++) {
  // Interleave the two so machine noise hits both alike.
  bare.push(await timeUntil(process.execPath, ['-e', 'console.log("x")'], { env: {}, done: () => true }));
  floor.push(await timeUntil(process.execPath, [FLOOR], { env: {}, input, done: isToolsList }));
  server.push(await timeUntil(process.execPath, [BIN, 'stdio'], { env, input, done: isToolsList }));
  if (BASELINE) {
    baseline.push(await timeUntil(process.execPath, [BASELINE, 'stdio'], { env, input, done: isToolsList }));
  }
}
const s = summarize(server);
const b = summarize(bare);
const f = summarize(floor);
console.log(
  JSON.stringify(
    {
      bench: 'cold-start-stdio',
      target_median_ms: 160,
      server_ms: s,
      bare_node_ms: b,
      bare_sdk_floor_ms: f,
      ratio_to_bare_node: Math.round((s.median / b.median) * 100) / 100,
      target_ratio_to_floor: 1.15,
      ratio_to_floor: Math.round((s.median / f.median) * 100) / 100,
      ...(BASELINE && {
        baseline: BASELINE,
        baseline_ms: summarize(baseline),
        ratio_to_baseline: Math.round((s.median / summarize(baseline).median) * 100) / 100,
      }),
    },
    null,
    2,
  ),
);
