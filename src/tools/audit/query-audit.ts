import * as z from 'zod';
import { ACTOR_TYPES, AUDIT_ACTIONS, AUDIT_ENTITIES } from '../../governance/model/audit.js';
import { queryAuditPage } from '../../governance/use-cases/query-audit.js';
import { defineTool } from '../../mcp/define-tool.js';
import { auditLine } from '../../mcp/text.js';
import * as s from '../schemas.js';

const when = z.iso.datetime({ offset: true });

export const auditOut = z.object({
  seq: z.number(),
  at: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  action: z.string(),
  diff: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
  actor: z.object({ type: z.enum(ACTOR_TYPES), id: z.string(), name: z.string() }),
  client: z.object({ name: z.string(), version: z.string() }).nullable(),
  tool: z.string().nullable(),
  reason: z.string().nullable(),
  correlationId: z.string(),
  hash: z.string(),
});

export const queryAuditTool = defineTool({
  name: 'query_audit',
  title: 'Query audit trail',
  description: 'Audit records, newest first.',
  toolset: 'audit',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    entityType: z.enum(AUDIT_ENTITIES).optional(),
    entityId: z.string().max(100).optional().describe('Entity id'),
    actorId: z.string().max(200).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    since: when.optional().describe('ISO time'),
    until: when.optional().describe('ISO time'),
    beforeSeq: z.number().int().min(1).optional().describe('Older than'),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  output: z.object({ records: z.array(auditOut), nextBeforeSeq: z.number().nullable() }),
  async handler({ workspace, ...q }, { deps }) {
    const page = await queryAuditPage(deps.store.reader, workspace, q);
    const records = page.records.map(({ workspace: _w, prevHash: _p, ...r }) => r);
    const { nextBeforeSeq } = page;
    return {
      data: { records, nextBeforeSeq },
      summary: `${records.length} audit record(s)${nextBeforeSeq === null ? '' : ', older with beforeSeq'}`,
      lines: records.map(auditLine),
    };
  },
});
