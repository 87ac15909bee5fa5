import * as z from 'zod';
import { CHECKPOINT_PROBLEMS, verifyAudit } from '../../governance/use-cases/verify-audit.js';
import { requireWorkspace } from '../../governance/use-cases/workspaces.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

const mismatch = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('field'),
    itemId: z.string(),
    field: z.string(),
    stored: z.unknown(),
    replayed: z.unknown(),
  }),
  z.object({ kind: z.literal('unrecorded'), itemId: z.string() }),
  z.object({ kind: z.literal('missing'), itemId: z.string() }),
]);

export const verifyAuditTool = defineTool({
  name: 'verify_audit',
  title: 'Verify audit trail',
  description:
    'Check the hash chain, the signed checkpoints and that replaying the records rebuilds every stored item.',
  toolset: 'audit',
  effect: 'read',
  input: z.object({ workspace: s.workspace }),
  output: z.object({
    ok: z.boolean(),
    checked: z.number(),
    headSeq: z.number(),
    firstBad: z
      .object({
        seq: z.number(),
        problem: z.enum(['altered', 'broken_link', 'missing', 'head_mismatch']),
        detail: z.string(),
      })
      .nullable(),
    checkpoints: z.object({
      checked: z.number(),
      lastHeadSeq: z.number().nullable(),
      problem: z
        .object({ seq: z.number(), problem: z.enum(CHECKPOINT_PROBLEMS), detail: z.string() })
        .nullable(),
    }),
    state: z.object({ items: z.number(), mismatches: z.number(), details: z.array(mismatch) }),
    key: z.object({ keyId: z.string(), publicKey: z.string() }).nullable(),
  }),
  async handler(input, { deps, progress }) {
    const publicKey = await deps.auditSigner?.publicKey();
    const { workspace: _w, ...v } = await verifyAudit(
      deps.store.reader,
      input.workspace,
      (done, total) => progress(done, total, 'verifying'),
      publicKey,
    );
    // Checkpoints without records are a wiped workspace, which must be reported, not called unknown.
    if (v.checked === 0 && v.checkpoints.checked === 0) {
      await requireWorkspace(deps.store.reader, input.workspace);
    }
    return { data: v, summary: summary(v), lines: lines(v) };
  },
});

/** The problems one per line: the chain, the checkpoints, then each item the trail does not explain. */
function lines(v: Omit<Awaited<ReturnType<typeof verifyAudit>>, 'workspace'>): string[] {
  const cp = v.checkpoints.problem;
  return [
    ...(v.firstBad ? [`record #${v.firstBad.seq} ${v.firstBad.problem}: ${v.firstBad.detail}`] : []),
    ...(cp ? [`checkpoint ${cp.seq} ${cp.problem}: ${cp.detail}`] : []),
    ...v.state.details.map((d) =>
      d.kind === 'field'
        ? `${d.itemId} ${d.field}: stored ${JSON.stringify(d.stored)}, trail says ${JSON.stringify(d.replayed)}`
        : `${d.itemId} ${d.kind === 'unrecorded' ? 'is not in the trail' : 'is in the trail but not stored'}`,
    ),
  ];
}

function summary(v: Omit<Awaited<ReturnType<typeof verifyAudit>>, 'workspace'>): string {
  if (v.ok) {
    return `Audit trail intact: ${v.checked} record(s), ${v.checkpoints.checked} checkpoint(s), ${v.state.items} item(s) explained`;
  }
  const parts: string[] = [];
  if (v.firstBad)
    parts.push(`chain broken at #${v.firstBad.seq} (${v.firstBad.problem}): ${v.firstBad.detail}`);
  const cp = v.checkpoints.problem;
  if (cp) parts.push(`checkpoint ${cp.seq} ${cp.problem}: ${cp.detail}`);
  if (v.state.mismatches > 0) {
    const ids = [...new Set(v.state.details.map((d) => d.itemId))].slice(0, 10).join(', ');
    parts.push(`${v.state.mismatches} item difference(s) the trail does not explain (${ids})`);
  }
  return `Audit trail not intact: ${parts.join('; ')}`;
}
