import * as z from 'zod';
import { normalize, unlinkItems } from '../../governance/use-cases/links.js';
import { defineTool } from '../../mcp/define-tool.js';
import { linkInput } from './link-items.js';

export const unlinkItemsTool = defineTool({
  name: 'unlink_items',
  title: 'Unlink items',
  description: 'Remove a dependency link.',
  toolset: 'items',
  effect: 'destructive',
  input: linkInput,
  output: z.object({ blockerId: z.string(), blockedId: z.string(), removed: z.boolean() }),
  async handler(input, { deps, caller }) {
    await unlinkItems(deps, caller, input);
    const e = normalize(input);
    return { data: { ...e, removed: true }, summary: `${e.blockerId} no longer blocks ${e.blockedId}` };
  },
});
