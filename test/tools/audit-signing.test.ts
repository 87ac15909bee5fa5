/**
 * Issue 7: tampering that keeps the hash chain consistent (someone who can write the database but
 * does not hold the signing key), caught by the signed checkpoints and by replaying the records.
 */
import { sign } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashRecord } from '../../src/governance/audit/chain.js';
import { ed25519Signer, generateAuditKey } from '../../src/store/files/audit-signer.js';
import { connectClient, seedHierarchy, type Connected } from '../helpers/mcp.js';

describe.each([{ name: 'sqlite' as const }, { name: 'postgres' as const }])(
  'audit integrity on $name',
  ({ name }) => {
    let c: Connected;
    let ws = '';
    let n = 0;
    beforeAll(async () => {
      c = await connectClient({ backend: name });
    });
    afterAll(async () => {
      await c?.close();
    });
    beforeEach(async () => {
      ws = `acme/signed-${++n}`;
      // 9 creations, 3 records for a start with roll-ups, 1 link: seq 1..13, signed; then E-10 at 14.
      await seedHierarchy(c, ws);
      await c.ok('set_item_status', { workspace: ws, id: 'T-3', status: 'in_progress' });
      await c.ok('link_items', { workspace: ws, fromId: 'T-3', kind: 'blocks', toId: 'T-7' });
      expect(await c.ok('checkpoint_audit', { workspace: ws })).toMatchObject({
        created: true,
        checkpoint: { seq: 1, headSeq: 13, records: 13, prevDigest: '' },
      });
      await c.ok('create_item', { workspace: ws, type: 'epic', title: 'Later' });
      expect(await verify()).toMatchObject({
        ok: true,
        checked: 14,
        firstBad: null,
        checkpoints: { checked: 1, lastHeadSeq: 13, problem: null },
        state: { items: 10, mismatches: 0 },
      });
    });

    const verify = (opts: { client?: Connected } = {}) =>
      (opts.client ?? c).ok('verify_audit', { workspace: ws });
    const exec = (sql: string, params: unknown[] = []) => c.exec(sql, params);

    /** Rewrites record `seq` and recomputes every hash after it, and the head: the chain stays valid. */
    async function rewrite(seq: number, reason: string): Promise<void> {
      const records = await c.auditAfter(0, ws);
      let prevHash = records[seq - 2]?.hash ?? '';
      for (const r of records.slice(seq - 1)) {
        const next = { ...r, prevHash, ...(r.seq === seq && { reason }) };
        const hash = hashRecord(next);
        await exec(
          'update audit_log set reason = ?, prev_hash = ?, hash = ? where workspace = ? and seq = ?',
          [next.reason, prevHash, hash, ws, r.seq],
        );
        prevHash = hash;
      }
      await exec('update audit_heads set hash = ? where workspace = ?', [prevHash, ws]);
    }

    /** Deletes the records after `seq` and points the head at `seq`: the chain stays valid. */
    async function truncate(seq: number): Promise<void> {
      const kept = (await c.auditAfter(seq - 1, ws))[0]!;
      await exec('delete from audit_log where workspace = ? and seq > ?', [ws, seq]);
      await exec('update audit_heads set seq = ?, hash = ? where workspace = ?', [seq, kept.hash, ws]);
    }

    it.each([
      {
        change: 'a title',
        sql: "update items set title = 'Hacked' where workspace = ? and id = 'T-4'",
        details: [
          { kind: 'field', itemId: 'T-4', field: 'title', stored: 'Hacked', replayed: 'Cart task 2' },
        ],
      },
      {
        change: 'a status and the version with it',
        sql: "update items set status = 'done', progress = 100, version = version + 1 where workspace = ? and id = 'T-5'",
        details: [
          { kind: 'field', itemId: 'T-5', field: 'status', stored: 'done', replayed: 'planning' },
          { kind: 'field', itemId: 'T-5', field: 'progress', stored: 100, replayed: 0 },
          { kind: 'field', itemId: 'T-5', field: 'version', stored: 2, replayed: 1 },
        ],
      },
      {
        change: 'the labels',
        sql: `update items set labels = '["approved"]' where workspace = ? and id = 'F-6'`,
        details: [{ kind: 'field', itemId: 'F-6', field: 'labels', stored: ['approved'], replayed: [] }],
      },
    ])('names the item after $change was updated directly (no audit record)', async ({ sql, details }) => {
      expect(await exec(sql, [ws])).toBe(1);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBad: null,
        checkpoints: { problem: null },
        state: { items: 10, mismatches: details.length, details },
      });
    });

    it('names an item inserted directly and one deleted directly', async () => {
      await exec(
        `insert into items (workspace, id, seq, type, title, description, status, status_reason, priority, agent,
           estimate_days, milestone_id, labels, parent_id, path, depth, progress, created_at, updated_at,
           started_at, completed_at, version, source_ref)
         select workspace, 'E-99', 99, type, 'Planted', description, status, status_reason, priority, agent,
           estimate_days, milestone_id, labels, parent_id, '00000099', depth, progress, created_at, updated_at,
           started_at, completed_at, version, source_ref from items where workspace = ? and id = 'E-10'`,
        [ws],
      );
      await exec("delete from items where workspace = ? and id = 'T-9'", [ws]);
      expect((await verify()).state).toEqual({
        items: 10,
        mismatches: 2,
        details: [
          { kind: 'unrecorded', itemId: 'E-99' },
          { kind: 'missing', itemId: 'T-9' },
        ],
      });
    });

    it('names the checkpoint a truncated tail no longer reaches, though the head was moved to match', async () => {
      await truncate(10);
      const v = await verify();
      expect(v).toMatchObject({
        ok: false,
        checked: 10,
        headSeq: 10,
        firstBad: null,
        checkpoints: {
          problem: { seq: 1, problem: 'checkpoint_unreached', detail: expect.stringContaining('head 13') },
        },
      });
      // The replay also sees items whose records went: the link's T-3 status, E-10's creation.
      expect(v.state.details).toEqual(expect.arrayContaining([{ kind: 'unrecorded', itemId: 'E-10' }]));
    });

    it('catches truncation after the last checkpoint only through the replay', async () => {
      await truncate(13);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBad: null,
        checkpoints: { problem: null },
        state: { mismatches: 1, details: [{ kind: 'unrecorded', itemId: 'E-10' }] },
      });
    });

    it('names the checkpoint a rewritten middle with every hash recomputed contradicts', async () => {
      await rewrite(5, 'nothing to see');
      expect(await verify()).toMatchObject({
        ok: false,
        checked: 14,
        firstBad: null,
        checkpoints: { problem: { seq: 1, problem: 'checkpoint_mismatch' } },
      });
      // And refuses to sign the rewritten chain.
      expect(await c.err('checkpoint_audit', { workspace: ws })).toBe('AUDIT.CHAIN_BROKEN');
      expect((await verify()).checkpoints.checked).toBe(1);
    });

    it('names the checkpoints of a workspace whose records and head were all deleted', async () => {
      await exec('delete from audit_log where workspace = ?', [ws]);
      await exec('delete from audit_heads where workspace = ?', [ws]);
      expect(await verify()).toMatchObject({
        ok: false,
        checked: 0,
        headSeq: 0,
        firstBad: null,
        checkpoints: { problem: { seq: 1, problem: 'checkpoint_unreached' } },
        state: { items: 10, mismatches: 10 },
      });
      // Deleting the items too leaves nothing to replay, but the checkpoint still names head 13.
      await exec('delete from items where workspace = ?', [ws]);
      expect(await verify()).toMatchObject({
        ok: false,
        checkpoints: { problem: { seq: 1, problem: 'checkpoint_unreached' } },
        state: { items: 0, mismatches: 0 },
      });
      expect(await c.err('checkpoint_audit', { workspace: ws })).toBe('AUDIT.CHAIN_BROKEN');
    });

    it.each([
      {
        change: 'its head seq',
        sql: 'update audit_checkpoints set head_seq = 12 where workspace = ? and seq = 1',
        problem: 'checkpoint_digest',
      },
      {
        change: 'its digest',
        sql: `update audit_checkpoints set digest = '${'0'.repeat(64)}' where workspace = ? and seq = 1`,
        problem: 'checkpoint_digest',
      },
      {
        change: 'its signature',
        sql: `update audit_checkpoints set signature = '${Buffer.alloc(64).toString('base64')}' where workspace = ? and seq = 1`,
        problem: 'checkpoint_signature',
      },
    ])('names a checkpoint after editing $change', async ({ sql, problem }) => {
      expect(await exec(sql, [ws])).toBe(1);
      expect((await verify()).checkpoints.problem).toMatchObject({ seq: 1, problem });
    });

    it('names a checkpoint re-signed with a key the server does not hold', async () => {
      const [cp] = await c.store.reader.auditCheckpoints(ws, 0, 1);
      const { checkpointMessage } = await import('../../src/governance/audit/checkpoint.js');
      const forged = sign(null, Buffer.from(checkpointMessage(cp!)), generateAuditKey()).toString('base64');
      await exec('update audit_checkpoints set signature = ? where workspace = ? and seq = 1', [forged, ws]);
      expect((await verify()).checkpoints.problem).toMatchObject({ seq: 1, problem: 'checkpoint_signature' });
    });

    it('chains checkpoints and names a deleted one; deleting the newest is not detectable here', async () => {
      const second = await c.ok('checkpoint_audit', { workspace: ws });
      expect(second).toMatchObject({ created: true, checkpoint: { seq: 2, headSeq: 14 } });
      expect(await c.ok('checkpoint_audit', { workspace: ws })).toEqual({ ...second, created: false });
      await c.ok('create_item', { workspace: ws, type: 'epic', title: 'Even later' });
      expect(await c.ok('checkpoint_audit', { workspace: ws })).toMatchObject({
        checkpoint: { seq: 3, headSeq: 15, prevDigest: second.checkpoint.digest },
      });
      await exec('delete from audit_checkpoints where workspace = ? and seq = 3', [ws]);
      expect(await verify()).toMatchObject({ ok: true, checkpoints: { checked: 2, problem: null } });
      await exec('delete from audit_checkpoints where workspace = ? and seq = 1', [ws]);
      expect((await verify()).checkpoints.problem).toMatchObject({ seq: 1, problem: 'checkpoint_missing' });
    });

    it('checks signatures against the server key: another key names every checkpoint', async () => {
      const other = await connectClient({ share: c, auditSigner: ed25519Signer(generateAuditKey()) });
      try {
        const v = await verify({ client: other });
        expect(v.checkpoints.problem).toMatchObject({ seq: 1, problem: 'checkpoint_key' });
        expect(v.key.keyId).not.toBe((await verify()).key.keyId);
      } finally {
        await other.close();
      }
    });

    it('without a key: nothing is signed, digests are still checked', async () => {
      const keyless = await connectClient({ share: c, auditSigner: null });
      try {
        expect(await keyless.err('checkpoint_audit', { workspace: ws })).toBe('AUDIT.NO_SIGNING_KEY');
        expect(await keyless.err('export_audit', { workspace: ws })).toBe('AUDIT.NO_SIGNING_KEY');
        expect(await verify({ client: keyless })).toMatchObject({ ok: true, key: null });
        await exec('update audit_checkpoints set head_seq = 12 where workspace = ? and seq = 1', [ws]);
        expect((await verify({ client: keyless })).checkpoints.problem).toMatchObject({
          problem: 'checkpoint_digest',
        });
      } finally {
        await keyless.close();
      }
    });
  },
);
