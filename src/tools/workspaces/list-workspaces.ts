import * as z from 'zod';
import { listWorkspaces } from '../../governance/use-cases/workspaces.js';
import { defineTool } from '../../mcp/define-tool.js';
import { fields } from '../../mcp/text.js';

const workspaceOut = z.object({
  workspace: z.string(),
  items: z.number(),
  milestones: z.number(),
  specs: z.number(),
  auditRecords: z.number(),
  lastChangeAt: z.string().nullable().describe('Time of the last audited change'),
});

export const listWorkspacesTool = defineTool({
  name: 'list_workspaces',
  title: 'List workspaces',
  description: "Workspaces in this server's store, with item counts and last change.",
  toolset: 'items',
  effect: 'read',
  input: z.object({
    owner: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/)
      .optional()
      .describe('Only owner/...'),
    cursor: z.string().max(200).optional().describe('nextCursor'),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  output: z.object({ workspaces: z.array(workspaceOut), nextCursor: z.string().nullable() }),
  async handler(input, { deps }) {
    const page = await listWorkspaces(deps.store.reader, input);
    const workspaces = page.workspaces.map(({ id, ...w }) => ({ workspace: id, ...w }));
    return {
      data: { workspaces, nextCursor: page.nextCursor },
      summary: `${workspaces.length} workspace(s)${page.nextCursor ? ', more with nextCursor' : ''}`,
      lines: workspaces.map(
        (w) =>
          `${w.workspace}: ${fields({
            items: w.items,
            milestones: w.milestones,
            specs: w.specs,
            lastChange: w.lastChangeAt,
          })}`,
      ),
    };
  },
});
