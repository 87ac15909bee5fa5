import * as z from 'zod';
import { requireSigner } from '../../governance/use-cases/checkpoint-audit.js';
import { exportAudit } from '../../governance/use-cases/export-audit.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const exportAuditTool = defineTool({
  name: 'export_audit',
  title: 'Export audit trail',
  description:
    'Audit records and signed checkpoints as JSON Lines, oldest first, for verification with the public key alone ' +
    '(scripts/verify-audit-export.mjs). Concatenate the pages in order.',
  toolset: 'audit',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    afterSeq: z.number().int().min(0).default(0).describe('nextAfterSeq of the previous page'),
    limit: z.number().int().min(1).max(5000).default(1000).describe('Records per page'),
  }),
  output: z.object({
    jsonl: z.string().describe('JSON Lines: header, record..., then checkpoint... and seal on the last page'),
    records: z.number(),
    checkpoints: z.number(),
    nextAfterSeq: z.number().nullable(),
    keyId: z.string(),
  }),
  async handler(input, { deps }) {
    const page = await exportAudit(
      { reader: deps.store.reader, clock: deps.clock },
      requireSigner(deps.auditSigner),
      input,
    );
    return {
      data: page,
      summary:
        `${page.records} record(s)` +
        (page.nextAfterSeq === null
          ? `, ${page.checkpoints} checkpoint(s), sealed with key ${page.keyId}`
          : `; more after #${page.nextAfterSeq}`),
    };
  },
});
