/**
 * Tampering with the stored audit trail behind the server's back: verify_audit must name the first
 * bad record.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, seedHierarchy, type Connected } from '../helpers/mcp.js';

describe.each([{ name: 'sqlite' as const }, { name: 'postgres' as const }])(
  'tampering on $name',
  ({ name }) => {
    // One store per back-end; every test builds its own chain in a workspace of its own.
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
      ws = `acme/tamper-${++n}`;
      // 9 creations, then 3 records for a start with roll-ups and 1 for a link: seq 1..13.
      await seedHierarchy(c, ws);
      await c.ok('set_item_status', { workspace: ws, id: 'T-3', status: 'in_progress' });
      await c.ok('link_items', { workspace: ws, fromId: 'T-3', kind: 'blocks', toId: 'T-7' });
      expect(await verify()).toEqual({ ok: true, checked: 13, headSeq: 13, firstBad: null });
    });

    // The chain's part of the answer; test/tools/audit-signing.test.ts covers checkpoints and state.
    const verify = async (workspace = ws) => {
      const { ok, checked, headSeq, firstBad } = await c.ok('verify_audit', { workspace });
      return { ok, checked, headSeq, firstBad };
    };
    const edit = async (sql: string, params: unknown[]) => {
      expect(await c.exec(sql, params)).toBe(1);
    };

    it.each([
      {
        change: 'the reason',
        sql: 'update audit_log set reason = ? where workspace = ? and seq = 3',
        value: 'nothing to see',
      },
      {
        change: 'the actor',
        sql: 'update audit_log set actor_id = ? where workspace = ? and seq = 3',
        value: 'test:mallory',
      },
      {
        change: 'the diff',
        sql: 'update audit_log set diff = ? where workspace = ? and seq = 3',
        value: '{}',
      },
      {
        change: 'the time',
        sql: 'update audit_log set at = ? where workspace = ? and seq = 3',
        value: '2020-01-01T00:00:00.000Z',
      },
      {
        change: 'the action',
        sql: 'update audit_log set action = ? where workspace = ? and seq = 3',
        value: 'item.deleted',
      },
      {
        change: 'the stored hash',
        sql: 'update audit_log set hash = ? where workspace = ? and seq = 3',
        value: 'f'.repeat(64),
      },
    ])('names seq 3 as altered after editing $change', async ({ sql, value }) => {
      await edit(sql, [value, ws]);
      expect(await verify()).toEqual({
        ok: false,
        checked: 2,
        headSeq: 13,
        firstBad: { seq: 3, problem: 'altered', detail: expect.any(String) },
      });
    });

    it('names seq 3 as a broken link after editing its prevHash', async () => {
      await edit('update audit_log set prev_hash = ? where workspace = ? and seq = 3', ['0'.repeat(64), ws]);
      expect((await verify()).firstBad).toMatchObject({ seq: 3, problem: 'broken_link' });
    });

    it('names seq 4 as missing after deleting it', async () => {
      await edit('delete from audit_log where workspace = ? and seq = ?', [ws, 4]);
      expect(await verify()).toEqual({
        ok: false,
        checked: 3,
        headSeq: 13,
        firstBad: { seq: 4, problem: 'missing', detail: 'record 4 is gone (next is 5)' },
      });
    });

    it('names the last record as missing after deleting it', async () => {
      await edit('delete from audit_log where workspace = ? and seq = ?', [ws, 13]);
      expect(await verify()).toEqual({
        ok: false,
        checked: 12,
        headSeq: 13,
        firstBad: { seq: 13, problem: 'missing', detail: 'records 13..13 are gone' },
      });
    });

    it('names the first gap when several records are gone', async () => {
      await c.exec('delete from audit_log where workspace = ? and seq >= ?', [ws, 6]);
      expect((await verify()).firstBad).toMatchObject({
        seq: 6,
        problem: 'missing',
        detail: 'records 6..13 are gone',
      });
    });

    it('reports a head that does not match the last record', async () => {
      await edit('update audit_heads set hash = ? where workspace = ?', ['0'.repeat(64), ws]);
      expect((await verify()).firstBad).toMatchObject({ seq: 13, problem: 'head_mismatch' });
    });

    it('reports the first of two problems and leaves other workspaces intact', async () => {
      await c.ok('create_item', { workspace: `${ws}-api`, type: 'epic', title: 'Other' });
      await edit('update audit_log set reason = ? where workspace = ? and seq = 8', ['x', ws]);
      await edit('delete from audit_log where workspace = ? and seq = ?', [ws, 10]);
      expect((await verify()).firstBad).toMatchObject({ seq: 8, problem: 'altered' });
      expect(await verify(`${ws}-api`)).toMatchObject({ ok: true, checked: 1 });
    });

    it('keeps working from a tampered chain: new records still chain to the head', async () => {
      await edit('update audit_log set reason = ? where workspace = ? and seq = 3', ['x', ws]);
      await c.ok('create_item', { workspace: ws, type: 'epic', title: 'Later' });
      expect(await verify()).toMatchObject({
        ok: false,
        headSeq: 14,
        firstBad: { seq: 3, problem: 'altered' },
      });
    });
  },
);
