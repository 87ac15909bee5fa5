import * as z from 'zod';
import { setItemStatus } from '../../governance/use-cases/set-item-status.js';
import { defineTool } from '../../mcp/define-tool.js';
import { fields, itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';

const warningOut = z.object({
  code: z.literal('DEPENDENCY.OPEN'),
  message: z.string(),
  ids: z.array(z.string()).describe('The open items it depends on'),
});

export const setItemStatusTool = defineTool({
  name: 'set_item_status',
  title: 'Set item status',
  description:
    'Change status (blocked and cancelled need reason; cancelled reopens to planning); ' +
    "rolls up to parents and returns their new versions. Done over an open dependency warns, or is refused by the workspace's rules.dependencies.",
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
  output: z.object({
    item: s.itemOut,
    changed: z.boolean(),
    rolledUp: s.rolledUpOut,
    warnings: z.array(warningOut),
  }),
  async handler(input, { deps, caller }) {
    const r = await setItemStatus(deps, caller, input);
    const ups = r.rolledUp.map((u) => `${u.id} ${u.progress}% v${u.version}`).join(', ');
    const warn = r.warnings.map((w) => `; warning: ${w.message}`).join('');
    return {
      data: { ...r, item: s.toItemOut(r.item) },
      summary: r.changed
        ? `${input.id} is ${input.status} (v${r.item.version})${ups ? `; rolled up ${ups}` : ''}${warn}`
        : `${input.id} already ${input.status}`,
      lines: [
        ...itemDetail(r.item),
        ...r.rolledUp.map(
          (u) =>
            `rolled up ${u.id} [${u.status}] ${fields({ progress: `${u.progress}%`, version: u.version })}`,
        ),
        ...r.warnings.map((w) => `warning ${w.code}: ${w.message} (${w.ids.join(', ')})`),
      ],
    };
  },
});
