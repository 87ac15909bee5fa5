import * as z from 'zod';
import { verifyAudit } from '../../governance/use-cases/verify-audit.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const verifyAuditTool = defineTool({
  name: 'verify_audit',
  title: 'Verify audit trail',
  description: 'Check the hash chain; names the first bad record.',
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
  }),
  async handler(input, { deps, progress }) {
    const { workspace: _w, ...v } = await verifyAudit(deps.store.reader, input.workspace, (done, total) =>
      progress(done, total, 'verifying'),
    );
    return {
      data: v,
      summary: v.ok
        ? `Audit chain intact: ${v.checked} record(s)`
        : `Audit chain broken at #${v.firstBad!.seq} (${v.firstBad!.problem}): ${v.firstBad!.detail}`,
    };
  },
});
