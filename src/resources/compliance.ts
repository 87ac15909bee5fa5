import { assertWorkspace } from '../governance/model/workspace.js';
import { servedReport } from '../governance/use-cases/compliance-trend.js';
import { defineResource } from '../mcp/define-resource.js';
import { listPerWorkspace, workspaceCompletion } from './complete.js';
import { complianceUri, workspaceOf } from './uris.js';

/** Events after which the report may read differently. */
const CHANGES = new Set([
  'issue.created',
  'issue.updated',
  'issue.status_changed',
  'issue.moved',
  'milestone.upserted',
  'config.updated',
]);

export const complianceResource = defineResource({
  name: 'compliance',
  title: 'Compliance report',
  description:
    "A workspace's compliance report (check_compliance over the whole workspace): compliance rate, mean score, totals per rule, severity and category, and the 20 items with the lowest scores.",
  uriTemplate: 'governance://{owner}/{repo}/compliance',
  list: listPerWorkspace(complianceUri, 'compliance', (w) => `Compliance of ${w}`),
  complete: workspaceCompletion,
  async read(deps, vars) {
    const workspace = assertWorkspace(workspaceOf(vars));
    return { workspace, ...(await servedReport(deps, { workspace, scope: 'workspace', limit: 20 })) };
  },
  affected: (e) => (CHANGES.has(e.type) ? [complianceUri(e.workspace)] : []),
});
