import * as z from 'zod';
import { setItemStatus } from '../../governance/use-cases/set-item-status.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const setItemStatusTool = defineTool({
  name: 'set_item_status',
  title: 'Set item status',
  description: 'Change status (blocked needs reason); rolls up to parents.',
  toolset: 'items',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: s.itemId,
    status: s.status,
    reason: s.reason.optional(),
    expectedVersion: s.version.optional(),
  }),
  output: z.object({ item: s.itemOut, changed: z.boolean(), rolledUp: s.rolledUpOut }),
  async handler(input, { deps, caller }) {
    const r = await setItemStatus(deps, caller, input);
    const ups = r.rolledUp.map((u) => `${u.id} ${u.progress}%`).join(', ');
    return {
      data: { ...r, item: s.toItemOut(r.item) },
      summary: r.changed
        ? `${input.id} is ${input.status}${ups ? `; rolled up ${ups}` : ''}`
        : `${input.id} already ${input.status}`,
    };
  },
});
