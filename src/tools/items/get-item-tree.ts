import * as z from 'zod';
import { treePage } from '../../governance/use-cases/read-items.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemLine } from '../../mcp/text.js';
import * as s from '../schemas.js';

const node = z.object({
  id: z.string(),
  type: s.itemType,
  title: z.string(),
  status: s.status,
  priority: s.priority,
  agent: z.string().nullable(),
  milestoneId: z.string().nullable(),
  parentId: z.string().nullable(),
  depth: z.number(),
  progress: z.number(),
});

export const getItemTreeTool = defineTool({
  name: 'get_item_tree',
  title: 'Get item tree',
  description: 'Page the hierarchy depth-first.',
  toolset: 'items',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    rootId: s.itemId.optional(),
    types: z.array(s.itemType).optional(),
    statuses: z.array(s.status).optional(),
    agent: s.agent.optional(),
    milestoneId: s.milestoneId.optional(),
    depth: z.number().int().min(0).max(5).optional().describe('Levels'),
    cursor: z.string().max(500).optional().describe('nextCursor'),
    limit: z.number().int().min(1).max(100).default(50),
  }),
  output: z.object({ items: z.array(node), nextCursor: z.string().nullable() }),
  async handler(input, { deps }) {
    const page = await treePage(deps.store.reader, input);
    const top = Math.min(...page.items.map((i) => i.depth));
    return {
      data: { items: page.items.map((i) => node.parse(i)), nextCursor: page.nextCursor },
      summary: `${page.items.length} item(s)${page.nextCursor ? ', more with nextCursor' : ''}`,
      lines: page.items.map((i) => itemLine(i, top)),
    };
  },
});
