import { assertWorkspace } from '../governance/model/workspace.js';
import { listApprovals } from '../governance/use-cases/approvals.js';
import { buildDashboard } from '../governance/use-cases/dashboard.js';
import { defineResource } from '../mcp/define-resource.js';
import { listPerWorkspace, workspaceCompletion } from './complete.js';
import { dashboardUri, workspaceOf } from './uris.js';

/** Events after which the dashboard may read differently. */
const CHANGES = new Set([
  'issue.created',
  'issue.updated',
  'issue.status_changed',
  'issue.moved',
  'issue.linked',
  'issue.unlinked',
  'hierarchy.updated',
  'milestone.upserted',
  'config.updated',
  'agent.registered',
  'approval.changed',
]);

/** Pending approvals are counted up to this many. */
const PENDING_COUNTED = 500;

export const dashboardResource = defineResource({
  name: 'dashboard',
  title: 'Delivery dashboard',
  description:
    "A workspace at a glance: items per type and status, epics' progress, open milestones' completion, agent services' load, tasks done per week (last 4), bottlenecks, overdue and escalation counts, the compliance summary and pending approvals. Subscribe to hear when it changes.",
  uriTemplate: 'governance://{owner}/{repo}/dashboard',
  list: listPerWorkspace(dashboardUri, 'dashboard', (w) => `Dashboard of ${w}`),
  complete: workspaceCompletion,
  async read(deps, vars) {
    const workspace = assertWorkspace(workspaceOf(vars));
    const now = deps.clock.now();
    const { config } = await deps.config.effective(workspace);
    const [board, pending] = await Promise.all([
      deps.cache.get(workspace, 'dashboard', now, () => buildDashboard(deps, config, workspace)),
      // Read each time: one indexed query.
      listApprovals(deps.store.reader, now, { workspace, status: 'pending', limit: PENDING_COUNTED }),
    ]);
    return { ...board, approvals: { pending: pending.requests.length, more: pending.nextAfterSeq !== null } };
  },
  affected: (e) => (CHANGES.has(e.type) ? [dashboardUri(e.workspace)] : []),
});
