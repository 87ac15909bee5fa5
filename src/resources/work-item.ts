import { itemIdsOf } from '../governance/model/events.js';
import { getItemView } from '../governance/use-cases/read-items.js';
import { defineResource } from '../mcp/define-resource.js';
import { toItemOut } from '../tools/schemas.js';
import { workspaceCompletion } from './complete.js';
import { itemUri, workspaceOf } from './uris.js';

export const workItemResource = defineResource({
  name: 'work-item',
  title: 'Work item',
  description: 'One work item with its links and children.',
  uriTemplate: 'governance://{owner}/{repo}/items/{id}',
  complete: {
    ...workspaceCompletion,
    id: async (deps, value, args) =>
      args.owner && args.repo ? deps.store.reader.searchItemIds(`${args.owner}/${args.repo}`, value, 50) : [],
  },
  async read(deps, vars) {
    const view = await getItemView(deps.store.reader, workspaceOf(vars), vars.id ?? '');
    return { ...view, item: toItemOut(view.item) };
  },
  affected: (e) => [...new Set(itemIdsOf(e))].map((id) => itemUri(e.workspace, id)),
});
