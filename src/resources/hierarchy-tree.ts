import { treePage } from '../governance/use-cases/read-items.js';
import { defineResource } from '../mcp/define-resource.js';
import { listPerWorkspace, workspaceCompletion } from './complete.js';
import { treeUri, workspaceOf } from './uris.js';

/** A resource is read whole, so it is capped; get_item_tree pages through larger trees. */
export const TREE_RESOURCE_CAP = 500;

export const hierarchyTreeResource = defineResource({
  name: 'hierarchy-tree',
  title: 'Work item hierarchy',
  description: `Epic -> feature -> task tree of a workspace, depth-first (first ${TREE_RESOURCE_CAP} items).`,
  uriTemplate: 'governance://{owner}/{repo}/tree',
  list: listPerWorkspace(treeUri, 'tree', (w) => `Hierarchy of ${w}`),
  complete: workspaceCompletion,
  async read(deps, vars) {
    const workspace = workspaceOf(vars);
    const page = await treePage(deps.store.reader, { workspace, limit: TREE_RESOURCE_CAP });
    const total = await deps.store.reader.countItems(workspace);
    return {
      workspace,
      total,
      truncated: page.nextCursor !== null,
      items: page.items.map((i) => ({
        id: i.id,
        type: i.type,
        title: i.title,
        status: i.status,
        priority: i.priority,
        agent: i.agent,
        parentId: i.parentId,
        depth: i.depth,
        progress: i.progress,
      })),
    };
  },
  affected: (e) => (e.type === 'hierarchy.updated' ? [treeUri(e.workspace)] : []),
});
