import * as z from 'zod';
import { getItemView } from '../../governance/use-cases/read-items.js';
import { defineTool } from '../../mcp/define-tool.js';
import { fields, itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';

export const getItemTool = defineTool({
  name: 'get_item',
  title: 'Get work item',
  description: 'An item with links and child ids.',
  toolset: 'items',
  effect: 'read',
  input: z.object({ workspace: s.workspace, id: s.itemId }),
  output: z.object({
    item: s.itemOut,
    blocks: z.array(z.string()),
    dependsOn: z.array(z.string()),
    childIds: z.array(z.string()),
  }),
  async handler(input, { deps }) {
    const v = await getItemView(deps.store.reader, input.workspace, input.id);
    return {
      data: { ...v, item: s.toItemOut(v.item) },
      summary: `${v.item.id} [${v.item.status}, ${v.item.progress}%] ${v.item.title}`,
      lines: [
        ...itemDetail(v.item),
        fields({ blocks: v.blocks, dependsOn: v.dependsOn, children: v.childIds }),
      ].filter(Boolean),
    };
  },
});
