/**
 * export_audit verified by scripts/verify-audit-export.mjs with the public key alone, as a third
 * party would; and refused after tampering, with a wrong key, or against an older export.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashRecord } from '../../src/governance/audit/chain.js';
import { ed25519Signer, generateAuditKey } from '../../src/store/files/audit-signer.js';
import { connectClient, seedHierarchy, type Connected } from '../helpers/mcp.js';

const VERIFIER = fileURLToPath(new URL('../../scripts/verify-audit-export.mjs', import.meta.url));

function runVerifier(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFIER, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

describe.each([{ name: 'sqlite' as const }, { name: 'postgres' as const }])('export on $name', ({ name }) => {
  let c: Connected;
  let dir = '';
  let ws = '';
  let n = 0;
  let keyFile = '';
  beforeAll(async () => {
    c = await connectClient({ backend: name });
    dir = await mkdtemp(join(tmpdir(), 'gf-export-'));
    keyFile = join(dir, 'public.pem');
    await writeFile(keyFile, await c.deps.auditSigner!.publicKey());
  });
  afterAll(async () => {
    await c?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    ws = `acme/export-${++n}`;
    await seedHierarchy(c, ws);
    await c.ok('set_item_status', { workspace: ws, id: 'T-3', status: 'in_progress' });
    await c.ok('checkpoint_audit', { workspace: ws });
    await c.ok('create_item', { workspace: ws, type: 'epic', title: 'Later' });
  });

  /** Every page of the export, concatenated, written to a file. */
  async function exportTo(file: string, limit = 5): Promise<string> {
    let jsonl = '';
    let afterSeq: number | null = 0;
    while (afterSeq !== null) {
      const page: { jsonl: string; nextAfterSeq: number | null } = await c.ok('export_audit', {
        workspace: ws,
        afterSeq,
        limit,
      });
      jsonl += page.jsonl;
      afterSeq = page.nextAfterSeq;
    }
    const path = join(dir, file);
    await writeFile(path, jsonl);
    return path;
  }

  it('verifies with the public key alone, pages concatenated', async () => {
    const file = await exportTo(`${ws.replace('/', '_')}.jsonl`);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['header', ...Array(13).fill('record'), 'checkpoint', 'seal']);
    expect(lines[0]).toMatchObject({
      format: 'gf-audit-export/v1',
      workspace: ws,
      publicKey: expect.any(String),
    });
    const r = await runVerifier([file, '--public-key', keyFile]);
    expect(r).toEqual({
      code: 0,
      out: expect.stringMatching(/^VERIFIED acme\/export-\d+: 13 record\(s\), 1 checkpoint\(s\)/),
    });
  });

  it.each([
    {
      change: 'a record edited in the file',
      edit: (l: any) => (l.type === 'record' && l.seq === 3 ? { ...l, reason: 'rewritten' } : l),
      says: 'record 3: content does not match its hash',
    },
    {
      change: 'a record dropped from the file',
      edit: (l: any) => (l.type === 'record' && l.seq === 12 ? null : l),
      says: 'record 12 is missing',
    },
    {
      change: 'the checkpoint edited in the file',
      edit: (l: any) => (l.type === 'checkpoint' ? { ...l, headSeq: 10 } : l),
      says: 'checkpoint 1: fields do not match its digest',
    },
    {
      change: 'the seal moved to an earlier record',
      edit: (l: any) => (l.type === 'seal' ? { ...l, headSeq: 12 } : l),
      says: 'the seal signature does not verify',
    },
  ])('fails after $change', async ({ edit, says }) => {
    const file = await exportTo('edit.jsonl');
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    await writeFile(
      file,
      lines
        .map(edit)
        .filter(Boolean)
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const r = await runVerifier([file, '--public-key', keyFile]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(says);
  });

  it('fails with another public key', async () => {
    const file = await exportTo('wrong-key.jsonl');
    const other = join(dir, 'other.pem');
    await writeFile(other, await ed25519Signer(generateAuditKey()).publicKey());
    const r = await runVerifier([file, '--public-key', other]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('signed with key');
    expect(r.out).toContain('checkpoint 1: signature does not verify');
  });

  it('fails on an export of a store rewritten with recomputed hashes', async () => {
    const records = await c.auditAfter(0, ws);
    let prevHash = records[3]!.hash;
    for (const r of records.slice(4)) {
      const next = { ...r, prevHash, ...(r.seq === 5 && { reason: 'nothing to see' }) };
      const hash = hashRecord(next);
      await c.exec(
        'update audit_log set reason = ?, prev_hash = ?, hash = ? where workspace = ? and seq = ?',
        [next.reason, prevHash, hash, ws, r.seq],
      );
      prevHash = hash;
    }
    await c.exec('update audit_heads set hash = ? where workspace = ?', [prevHash, ws]);
    const r = await runVerifier([await exportTo('rewritten.jsonl'), '--public-key', keyFile]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('checkpoint 1: record 12 is not the one it signed (rewritten)');
  });

  it('catches a wipe of records and checkpoints only against an older export', async () => {
    const before = await exportTo('before.jsonl');
    for (const table of ['audit_log', 'audit_checkpoints']) {
      await c.exec(`delete from ${table} where workspace = ?`, [ws]);
    }
    await c.exec('delete from audit_heads where workspace = ?', [ws]);
    const after = await exportTo('after.jsonl');
    expect((await runVerifier([after, '--public-key', keyFile])).code).toBe(0);
    const r = await runVerifier([after, '--public-key', keyFile, '--previous', before]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('checkpoint 1 of the previous export is gone');
  });
});
