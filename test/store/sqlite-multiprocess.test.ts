/**
 * Several server processes sharing one data directory: writes must serialize across processes
 * (BEGIN IMMEDIATE + busy_timeout) and racing migrations on a fresh directory must apply once.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hashRecord } from '../../src/governance/audit/chain.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const WORKERS = 4;
const N = 50;
const WORKSPACE = 'acme/multiprocess';
const script = fileURLToPath(new URL('./fixtures/sqlite-writer.ts', import.meta.url));

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  exit: Promise<{ code: number | null; stderr: string }>;
}

function startWorker(dataDir: string, worker: number): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(N), String(worker)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', () => reject(new Error(`worker ${worker} exited before ready: ${stderr}`)));
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr })),
  );
  return { child, ready, exit };
}

describe('sqlite store shared by several processes', () => {
  let root = '';
  afterAll(() => rm(root, { recursive: true, force: true }));

  it(`serializes ${WORKERS}x${N} writes and keeps one gapless audit chain`, async () => {
    // A directory that does not exist yet: every worker creates it and races on migrating it.
    root = await mkdtemp(join(tmpdir(), 'gf-mp-'));
    const dataDir = join(root, 'data');
    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(dataDir, i + 1));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin?.end('go\n');
    const exits = await Promise.all(workers.map((w) => w.exit));
    for (const e of exits) expect(e.code, e.stderr).toBe(0);

    const store = await createSqliteStore({ dataDir });
    try {
      const total = WORKERS * N;
      const items = await store.reader.treePage(WORKSPACE, { limit: total + 10 });
      expect(items.map((i) => i.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      for (let w = 1; w <= WORKERS; w++) {
        expect(items.filter((i) => i.agent === `agent:${w}`)).toHaveLength(N);
      }

      const chain = await store.reader.auditRange(WORKSPACE, 0, total + 10);
      expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      let prev = '';
      for (const record of chain) {
        const { hash, ...rest } = record;
        expect(record.prevHash).toBe(prev);
        expect(hashRecord(rest)).toBe(hash);
        // The record was chained in the same transaction that created its item.
        expect(record.entityId).toBe(`T-${record.seq}`);
        prev = hash;
      }
      expect(await store.reader.auditHead(WORKSPACE)).toEqual({ seq: total, hash: prev });
    } finally {
      await store.close();
    }
  }, 20_000);
});
