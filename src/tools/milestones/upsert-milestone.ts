import * as z from 'zod';
import { MILESTONE_STATES } from '../../governance/model/milestone.js';
import { upsertMilestone } from '../../governance/use-cases/upsert-milestone.js';
import { defineTool } from '../../mcp/define-tool.js';
import { fields } from '../../mcp/text.js';
import * as s from '../schemas.js';
import { milestoneOut } from './list-milestones.js';

export const upsertMilestoneTool = defineTool({
  name: 'upsert_milestone',
  title: 'Create or update milestone',
  description: 'Create, or update by id or title.',
  toolset: 'milestones',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    id: s.milestoneId.optional().describe('Id to update'),
    title: s.title,
    description: s.description.optional(),
    dueOn: z.iso.date().nullable().optional().describe('YYYY-MM-DD'),
    state: z.enum(MILESTONE_STATES).optional(),
    expectedVersion: s.version.optional(),
  }),
  output: z.object({
    milestone: milestoneOut.omit({ completion: true, overdue: true }),
    created: z.boolean(),
    changed: z.array(z.string()),
  }),
  async handler(input, { deps, caller }) {
    const r = await upsertMilestone(deps, caller, input);
    const { workspace: _w, ...m } = r.milestone;
    return {
      data: { ...r, milestone: m },
      summary: `${r.created ? 'Created' : r.changed.length ? 'Updated' : 'Unchanged'} ${m.id}: ${m.title}`,
      lines: [
        `${m.id} [${m.state}] ${m.title}`,
        fields({ dueOn: m.dueOn, version: m.version, changed: r.changed }),
      ],
    };
  },
});
