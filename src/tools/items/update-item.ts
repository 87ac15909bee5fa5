import * as z from 'zod';
import { updateItem } from '../../governance/use-cases/update-item.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';

export const updateItemTool = defineTool({
  name: 'update_item',
  title: 'Update work item',
  description: 'Edit fields; null clears one.',
  toolset: 'items',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: s.itemId,
    expectedVersion: s.version,
    title: s.title.optional(),
    description: s.description.optional(),
    priority: s.priority.optional(),
    agent: s.agent.nullable().optional(),
    estimateDays: s.estimateDays.nullable().optional(),
    milestoneId: s.milestoneId.nullable().optional(),
    labels: s.labels.optional().describe('Replaces labels'),
    reason: s.reason.optional(),
  }),
  output: z.object({ item: s.itemOut, changed: z.array(z.string()) }),
  async handler({ workspace, id, expectedVersion, reason, ...patch }, { deps, caller }) {
    const r = await updateItem(deps, caller, { workspace, id, expectedVersion, patch, reason });
    return {
      data: { item: s.toItemOut(r.item), changed: r.changed },
      summary: r.changed.length ? `Updated ${id}: ${r.changed.join(', ')}` : `${id} unchanged`,
      lines: itemDetail(r.item),
    };
  },
});
