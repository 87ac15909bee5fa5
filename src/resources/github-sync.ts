import { assertWorkspace } from '../governance/model/workspace.js';
import { defineResource } from '../mcp/define-resource.js';
import { listPerWorkspace, workspaceCompletion } from './complete.js';
import { syncUri, workspaceOf } from './uris.js';

export const githubSyncResource = defineResource({
  name: 'github-sync',
  title: 'GitHub sync state',
  description:
    "A workspace's GitHub sync: whether GitHub access is configured, how many items have an issue, " +
    'and the last apply_github_sync run (when, by whom, what it wrote). Read from the store, not from GitHub.',
  uriTemplate: 'governance://{owner}/{repo}/sync',
  list: listPerWorkspace(syncUri, 'sync', (w) => `GitHub sync of ${w}`),
  complete: workspaceCompletion,
  async read(deps, vars) {
    const workspace = assertWorkspace(workspaceOf(vars));
    const r = deps.store.reader;
    const [items, mappings, last] = await Promise.all([
      r.countItems(workspace),
      r.issueMappings(workspace),
      r.queryAudit(workspace, { action: 'github.synced', limit: 1 }),
    ]);
    const run = last[0];
    const value = (k: string) => run?.diff[k]?.new ?? null;
    return {
      workspace,
      configured: deps.github !== undefined,
      items,
      itemsOnGitHub: mappings.size,
      itemsNotOnGitHub: Math.max(0, items - mappings.size),
      lastSync: run
        ? {
            at: run.at,
            actor: run.actor.id,
            planId: value('plan'),
            created: value('created'),
            recovered: value('recovered'),
            updated: value('updated'),
            writes: value('writes'),
          }
        : null,
    };
  },
  affected: (e) => (e.type === 'issue.created' || e.type === 'github.synced' ? [syncUri(e.workspace)] : []),
});
