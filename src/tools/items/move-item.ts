import * as z from 'zod';
import { moveItem } from '../../governance/use-cases/move-item.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';

export const moveItemTool = defineTool({
  name: 'move_item',
  title: 'Move work item',
  description: 'Reparent an item and its subtree.',
  toolset: 'items',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: s.itemId,
    parentId: s.itemId.nullable().describe('null: root'),
    expectedVersion: s.version,
    reason: s.reason.optional(),
  }),
  output: z.object({ item: s.itemOut, moved: z.boolean(), descendants: z.number(), rolledUp: s.rolledUpOut }),
  async handler(input, { deps, caller }) {
    const r = await moveItem(deps, caller, input);
    return {
      data: { ...r, item: s.toItemOut(r.item) },
      summary: r.moved
        ? `Moved ${input.id} under ${input.parentId ?? 'the root'}`
        : `${input.id} already there`,
      lines: [
        ...itemDetail(r.item),
        ...r.rolledUp.map((u) => `rolled up ${u.id} [${u.status}, ${u.progress}%]`),
      ],
    };
  },
});
