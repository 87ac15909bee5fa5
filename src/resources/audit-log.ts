import { assertWorkspace } from '../governance/model/workspace.js';
import { defineResource } from '../mcp/define-resource.js';
import { listPerWorkspace, workspaceCompletion } from './complete.js';
import { auditUri, workspaceOf } from './uris.js';

export const RECENT_AUDIT = 100;

export const auditLogResource = defineResource({
  name: 'audit-log',
  title: 'Recent audit log',
  description: `The ${RECENT_AUDIT} most recent audit records of a workspace, newest first.`,
  uriTemplate: 'governance://{owner}/{repo}/audit',
  list: listPerWorkspace(auditUri, 'audit', (w) => `Audit log of ${w}`),
  complete: workspaceCompletion,
  async read(deps, vars) {
    const workspace = assertWorkspace(workspaceOf(vars));
    const records = await deps.store.reader.queryAudit(workspace, { limit: RECENT_AUDIT });
    return { workspace, records: records.map(({ workspace: _w, ...r }) => r) };
  },
  // Every change is audited, so every event means new audit records.
  affected: (e) => [auditUri(e.workspace)],
});
