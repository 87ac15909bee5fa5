import * as z from 'zod';
import { createItem } from '../../governance/use-cases/create-item.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';

export const createItemTool = defineTool({
  name: 'create_item',
  title: 'Create work item',
  description: 'Create an epic, feature or task.',
  toolset: 'items',
  effect: 'write',
  input: z.object({
    workspace: s.workspace,
    type: s.itemType,
    title: s.title,
    parentId: s.itemId.optional().describe('Epic for a feature, feature for a task'),
    description: s.description.optional(),
    priority: s.priority.optional(),
    agent: s.agent.optional(),
    estimateDays: s.estimateDays.optional(),
    milestoneId: s.milestoneId.optional(),
    labels: s.labels.optional(),
  }),
  output: z.object({ item: s.itemOut }),
  async handler(input, { deps, caller }) {
    const item = await createItem(deps, caller, input);
    return {
      data: { item: s.toItemOut(item) },
      summary: `Created ${item.type} ${item.id}: ${item.title}`,
      lines: itemDetail(item),
    };
  },
});
