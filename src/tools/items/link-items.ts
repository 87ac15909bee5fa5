import * as z from 'zod';
import { LINK_KINDS, linkItems } from '../../governance/use-cases/links.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const linkInput = z.object({
  workspace: s.workspace,
  fromId: s.itemId,
  kind: z.enum(LINK_KINDS).describe('from <kind> to'),
  toId: s.itemId,
  reason: s.reason.optional(),
});

export const linkItemsTool = defineTool({
  name: 'link_items',
  title: 'Link items',
  description: 'Add a dependency link; no cycles.',
  toolset: 'items',
  effect: 'write',
  idempotent: true,
  input: linkInput,
  output: z.object({ blockerId: z.string(), blockedId: z.string(), changed: z.boolean() }),
  async handler(input, { deps, caller }) {
    const r = await linkItems(deps, caller, input);
    return {
      data: { blockerId: r.link.blockerId, blockedId: r.link.blockedId, changed: r.changed },
      summary: `${r.link.blockerId} blocks ${r.link.blockedId}${r.changed ? '' : ' (already linked)'}`,
    };
  },
});
