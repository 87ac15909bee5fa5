import * as z from 'zod';
import { ACTOR_TYPES, AUDIT_ACTIONS, AUDIT_ENTITIES } from '../../governance/model/audit.js';
import { assertWorkspace } from '../../governance/model/workspace.js';
import { requireWorkspace } from '../../governance/use-cases/workspaces.js';
import { defineTool } from '../../mcp/define-tool.js';
import { auditLine } from '../../mcp/text.js';
import * as s from '../schemas.js';

const when = z.iso.datetime({ offset: true });
// Stored times compare as text. Past year 9999 toISOString() writes '+010000-...', which sorts before
// every stored time, so bounds are clamped to the last instant with a 4-digit year.
const LAST_ISO_MS = Date.parse('9999-12-31T23:59:59.999Z');

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
  async handler({ workspace, since, until, ...q }, { deps }) {
    assertWorkspace(workspace);
    const iso = (t?: string) =>
      t ? new Date(Math.min(Date.parse(t), LAST_ISO_MS)).toISOString() : undefined;
    const rows = await deps.store.reader.queryAudit(workspace, {
      ...q,
      since: iso(since),
      until: iso(until),
      limit: q.limit + 1,
    });
    if (rows.length === 0) await requireWorkspace(deps.store.reader, workspace);
    const page = rows.slice(0, q.limit);
    const records = page.map(({ workspace: _w, prevHash: _p, ...r }) => r);
    const nextBeforeSeq = rows.length > q.limit ? page[page.length - 1]!.seq : null;
    return {
      data: { records, nextBeforeSeq },
      summary: `${records.length} audit record(s)${nextBeforeSeq === null ? '' : ', older with beforeSeq'}`,
      lines: records.map(auditLine),
    };
  },
});
