/**
 * Builds dist/ once per test run when it is missing or older than its sources, for the e2e suites
 * that spawn the built server. A failed build does not abort the run (unit suites do not need
 * dist/): the error is handed to the e2e suites, which fail with it (see test/helpers/spawn-server.ts).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when dist/ is up to date, else why the build failed. */
    e2eBuildError: string;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'dist', 'governance-factory.js');
const INPUTS = [
  'src',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  path.join('scripts', 'build.mjs'),
];

function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((n) => newestMtime(path.join(p, n))));
}

function builtAt(): number {
  try {
    return statSync(BIN).mtimeMs;
  } catch {
    return 0;
  }
}

export default function setup(project: TestProject): void {
  const sources = Math.max(...INPUTS.map((p) => newestMtime(path.join(root, p))));
  if (builtAt() >= sources) return project.provide('e2eBuildError', '');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const failed = r.status !== 0 || builtAt() === 0;
  project.provide(
    'e2eBuildError',
    failed ? `npm run build failed (exit ${r.status ?? r.signal}):\n${r.stdout ?? ''}${r.stderr ?? ''}` : '',
  );
}
