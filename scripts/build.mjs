// Bundles src/main.ts into dist/governance-factory.js (the package's bin).
//
// Usage: node scripts/build.mjs [--entry path/to/main.ts] [--outdir dir] [--no-splitting]
// The flags exist to measure the build on another entry; `npm run build` uses the defaults.
//
// Code splitting is ON: it gave the lower cold start. Measured with esbuild 0.28 on Node 20.20
// (2-core machine, median of 30 spawns, process start to exit) on a stand-in entry shaped like
// main.ts: MCP SDK + zod + pino static, 30 tools registered; the transports, express, kysely and
// better-sqlite3 behind `await import()`:
//                         static graph only   stdio + SQLite   HTTP listening
//   one file (2.3 MiB)         266 ms             312 ms           366 ms
//   split (454 KiB entry)      211 ms             258 ms           329 ms
// Chunks (dist/chunks/) are parsed only when the chosen command imports them, so express never
// loads under stdio; the path that loads everything is no slower.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stubsPlugin } from './build-stubs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    entry: { type: 'string', default: 'src/main.ts' },
    outdir: { type: 'string', default: 'dist' },
    'no-splitting': { type: 'boolean', default: false },
  },
});

const splitting = !args['no-splitting'];
const entry = path.resolve(root, args.entry);
const outdir = path.resolve(root, args.outdir);
const outfile = path.join(outdir, 'governance-factory.js');

// esbuild keeps a hashbang that the entry itself starts with; add ours only when it has none,
// or the output would start with two of them.
const entrySource = await readFile(entry, 'utf8').catch(() => {
  console.error(`build: entry ${path.relative(process.cwd(), entry)} not found`);
  process.exit(1);
});
const entryHasHashbang = entrySource.startsWith('#!');
const banner = [
  ...(entryHasHashbang ? [] : ['#!/usr/bin/env node']),
  // Bundled CommonJS dependencies call require(); ESM output has none, so give them one.
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
].join('\n');

// tools/list entries computed once here rather than at every start (see src/mcp/tool-schema.ts).
const toolEntries = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/tool-entries.ts'], {
  cwd: root,
  encoding: 'utf8',
});

await rm(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'governance-factory': entry },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: banner },
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  sourcemap: 'linked',
  tsconfig: path.join(root, 'tsconfig.json'),
  // Database drivers stay plain node_modules imports: better-sqlite3 is a native addon, pg is
  // loaded lazily and pg-native is its optional native binding. The other drivers are optional
  // back-ends that must not be inlined (native parts, optional peer dependencies).
  // Native addons and the chart libraries (large, loaded by the first chart) stay in node_modules.
  external: [
    'better-sqlite3',
    'pg',
    'pg-native',
    'mongodb',
    'ioredis',
    'redis',
    '@resvg/resvg-js',
    'vega',
    'vega-lite',
  ],
  plugins: [stubsPlugin(root)],
  define: { __GF_TOOL_ENTRIES__: toolEntries },
  metafile: true,
  logLevel: 'warning',
});

await chmod(outfile, 0o755);
// The audit export verifier ships as it is (plain Node, no dependencies) as a second bin, so an
// auditor with only the package and the public key can check an export.
const verifier = path.join(outdir, 'verify-audit-export.mjs');
await copyFile(path.join(root, 'scripts', 'verify-audit-export.mjs'), verifier);
await chmod(verifier, 0o755);

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => !file.endsWith('.map'));
const kib = (bytes) => `${Math.ceil(bytes / 1024)} KiB`;
const entryBytes = result.metafile.outputs[path.relative(root, outfile)]?.bytes ?? 0;
const allBytes = outputs.reduce((sum, [, out]) => sum + out.bytes, 0);
console.log(
  `built ${path.relative(process.cwd(), outfile)}: ${kib(entryBytes)}` +
    (outputs.length > 1 ? ` + ${outputs.length - 1} chunks, ${kib(allBytes)} in all` : ''),
);
