// Shared helpers for the benchmarks: spawning the built server and summarising samples.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
// GF_BENCH_BIN measures another build (an earlier commit's dist/) with the same script.
export const BIN = process.env.GF_BENCH_BIN || join(ROOT, 'dist', 'governance-factory.js');

export function tempDataDir() {
  return mkdtempSync(join(tmpdir(), 'gf-bench-'));
}

export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const round = (x) => Math.round(x * 100) / 100;
  return {
    n: s.length,
    median: round(q(0.5)),
    p90: round(q(0.9)),
    p99: round(q(0.99)),
    min: round(s[0]),
    max: round(s[s.length - 1]),
  };
}

/**
 * Spawns a process and resolves with the ms until `done(line)` returns true for a stdout line.
 * `input` lines are written to stdin at start.
 */
export function timeUntil(cmd, args, { env, input = [], done }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
    let buf = '';
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (done(line)) {
          const ms = performance.now() - t0;
          child.kill('SIGTERM');
          resolve(ms);
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code !== 0 && code !== null ? reject(new Error(`exit ${code}`)) : undefined));
    for (const l of input) child.stdin.write(l + '\n');
  });
}
