import { describe, expect, it } from 'vitest';
import { chainRecord, hashRecord } from '../../src/governance/audit/chain.js';
import type { AuditRecord } from '../../src/governance/model/audit.js';
import { verifyAudit, type AuditVerifyReads } from '../../src/governance/use-cases/verify-audit.js';
import { canonicalJson } from '../../src/shared/canonical-json.js';

function build(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    const prev = out.at(-1);
    out.push(
      chainRecord(
        {
          workspace: 'acme/web',
          at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
          // Milestones: the chain alone is under test here, not the replay of items.
          entityType: 'milestone',
          entityId: `T-${i}`,
          action: 'milestone.created',
          diff: { title: { old: null, new: `Task ${i}` } },
          actor: { type: 'user', id: 'u1', name: 'U' },
          client: { name: 'c', version: '1' },
          tool: 'create_item',
          reason: null,
          correlationId: `c${i}`,
        },
        prev && { seq: prev.seq, hash: prev.hash },
      ),
    );
  }
  return out;
}

/** The verifier's ports over an array. */
function reader(records: AuditRecord[], head?: { seq: number; hash: string }): AuditVerifyReads {
  return {
    queryAudit: async () => [],
    auditHead: async () => head,
    auditRange: async (_ws: string, after: number, limit: number) =>
      records.filter((r) => r.seq > after).slice(0, limit),
    auditCheckpoints: async () => [],
    lastAuditCheckpoint: async () => undefined,
    treePage: async () => [],
    getItems: async () => [],
  };
}

const headOf = (rs: AuditRecord[]) => ({ seq: rs.at(-1)!.seq, hash: rs.at(-1)!.hash });

describe('audit chain', () => {
  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });

  it('links each record to the previous hash', () => {
    const rs = build(5);
    expect(rs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rs[0]!.prevHash).toBe('');
    for (let i = 1; i < rs.length; i++) expect(rs[i]!.prevHash).toBe(rs[i - 1]!.hash);
    for (const r of rs) expect(hashRecord(r)).toBe(r.hash);
  });

  it('verifies an intact chain', async () => {
    const rs = build(7);
    expect(await verifyAudit(reader(rs, headOf(rs)), 'acme/web')).toMatchObject({
      ok: true,
      checked: 7,
      headSeq: 7,
      firstBad: null,
    });
  });

  it.each([
    {
      name: 'altered field',
      mutate: (rs: AuditRecord[]) => ((rs[2]!.reason = 'forged'), rs),
      seq: 3,
      problem: 'altered',
    },
    {
      name: 'altered diff',
      mutate: (rs: AuditRecord[]) => ((rs[4]!.diff = {}), rs),
      seq: 5,
      problem: 'altered',
    },
    {
      name: 'deleted middle',
      mutate: (rs: AuditRecord[]) => rs.filter((r) => r.seq !== 4),
      seq: 4,
      problem: 'missing',
    },
    { name: 'deleted tail', mutate: (rs: AuditRecord[]) => rs.slice(0, -1), seq: 7, problem: 'missing' },
    {
      name: 'rehashed record',
      mutate: (rs: AuditRecord[]) => {
        rs[1]!.reason = 'forged';
        rs[1]!.hash = hashRecord(rs[1]!);
        return rs;
      },
      seq: 3,
      problem: 'broken_link',
    },
  ])('names the first bad record: $name', async ({ mutate, seq, problem }) => {
    const rs = build(7);
    const head = headOf(rs);
    const result = await verifyAudit(reader(mutate(rs), head), 'acme/web');
    expect(result.ok).toBe(false);
    expect(result.firstBad).toMatchObject({ seq, problem });
  });
});
