import * as z from 'zod';
import { reportProgress } from '../../governance/use-cases/agent-work.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemDetail } from '../../mcp/text.js';
import * as s from '../schemas.js';

export const reportProgressTool = defineTool({
  name: 'report_progress',
  title: 'Report progress on an item',
  description:
    'Reports progress on a task: percent, a note, a revised estimate. A planning item starts; parents roll up.',
  toolset: 'agents',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: s.itemId,
    percent: z.number().int().min(0).max(100).describe('Done, 0-100'),
    note: s.reason.optional().describe('What was done or is in the way (audited)'),
    estimateDays: s.estimateDays.optional().describe('Revised estimate, days'),
    agent: s.agent.optional().describe('Must be the one assigned'),
    expectedVersion: s.version.optional(),
  }),
  output: z.object({ item: s.itemOut, changed: z.boolean(), rolledUp: s.rolledUpOut }),
  async handler(input, { deps, caller }) {
    const r = await reportProgress(deps, caller, input);
    const ups = r.rolledUp.map((u) => `${u.id} ${u.progress}%`).join(', ');
    return {
      data: { ...r, item: s.toItemOut(r.item) },
      summary: r.changed
        ? `${input.id} at ${r.item.progress}% [${r.item.status}] (v${r.item.version})${ups ? `; rolled up ${ups}` : ''}`
        : `${input.id} already at ${r.item.progress}%`,
      lines: itemDetail(r.item),
    };
  },
});
