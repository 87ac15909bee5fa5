// Tree paging and status changes on a 10,000-item workspace, over stdio, on SQLite (default) or
// PostgreSQL (pass --postgres; uses TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test,
// in a throwaway schema).
// Usage: npm run build && node bench/workspace-10k.mjs [--postgres] [--items 10000]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BIN, summarize, tempDataDir } from './lib.mjs';

const argv = process.argv.slice(2);
const usePg = argv.includes('--postgres');
const total = argv.includes('--items') ? Number(argv[argv.indexOf('--items') + 1]) : 10_000;
const ws = 'bench/big';
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gf_bench_${process.pid}`;

const env = { ...process.env, GF_DATA_DIR: tempDataDir(), GF_LOG_LEVEL: 'warn' };
if (usePg) Object.assign(env, { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema });
else delete env.DATABASE_URL;

const client = new Client({ name: 'bench', version: '1' });
await client.connect(
  new StdioClientTransport({ command: process.execPath, args: [BIN, 'stdio'], env, stderr: 'inherit' }),
);

async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
  return r.structuredContent;
}

// Shape: 20 epics x 10 features x N tasks, N chosen so the total is `total`.
const epics = 20;
const featuresPer = 10;
const taskTotal = total - epics - epics * featuresPer;
const tasksIn = (featureIndex) =>
  Math.floor(taskTotal / (epics * featuresPer)) + (featureIndex < taskTotal % (epics * featuresPer) ? 1 : 0);
const tasks = [];
const t0 = performance.now();
for (let e = 0; e < epics; e++) {
  const epic = (await call('create_item', { workspace: ws, type: 'epic', title: `Epic ${e}` })).item;
  for (let f = 0; f < featuresPer; f++) {
    const feature = (
      await call('create_item', {
        workspace: ws,
        type: 'feature',
        title: `Feature ${e}.${f}`,
        parentId: epic.id,
      })
    ).item;
    for (let t = 0, n = tasksIn(e * featuresPer + f); t < n; t++) {
      const task = (
        await call('create_item', {
          workspace: ws,
          type: 'task',
          title: `Task ${e}.${f}.${t}`,
          parentId: feature.id,
          agent: t % 2 ? 'agent:dev' : 'agent:qa',
        })
      ).item;
      tasks.push(task.id);
    }
  }
}
const seeded = epics + epics * featuresPer + tasks.length;
const seedMs = performance.now() - t0;

// Tree pages of 100: walk the whole tree three times (every page position sampled).
const treeMs = [];
for (let round = 0; round < 3; round++) {
  let cursor;
  do {
    const s = performance.now();
    const page = await call('get_item_tree', { workspace: ws, limit: 100, ...(cursor ? { cursor } : {}) });
    treeMs.push(performance.now() - s);
    cursor = page.nextCursor;
  } while (cursor);
}

// Status changes with roll-up on random tasks: planning -> in_progress -> review -> done.
const statusMs = [];
let rnd = 42;
const next = () => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 1), rnd); // deterministic LCG
for (let i = 0; i < 200; i++) {
  const id = tasks[next() % tasks.length];
  for (const status of ['in_progress', 'review', 'done']) {
    const s = performance.now();
    const r = await call('set_item_status', { workspace: ws, id, status });
    statusMs.push(performance.now() - s);
    if (!r.changed) break;
  }
}
const verify = await call('verify_audit', { workspace: ws });
await client.close();

if (usePg) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
}

console.log(
  JSON.stringify(
    {
      bench: 'workspace-10k',
      backend: usePg ? 'postgres' : 'sqlite',
      items: seeded,
      seed_seconds: Math.round(seedMs / 100) / 10,
      tree_page_100_ms: { ...summarize(treeMs), target_p99: 20 },
      set_status_rollup_ms: { ...summarize(statusMs), target_p99: 10 },
      audit_records_verified: verify.checked,
      audit_ok: verify.ok,
    },
    null,
    2,
  ),
);
