import * as z from 'zod';
import { JOB_STATUSES } from '../../governance/model/job.js';
import { requireWorkspace } from '../../governance/use-cases/workspaces.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { jobLine, jobOut, toJobOut } from './job-out.js';

export const listJobsTool = defineTool({
  name: 'list_jobs',
  title: 'List jobs',
  description: "The workspace's long-running jobs, oldest first, paged.",
  toolset: 'jobs',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    status: z.array(z.enum(JOB_STATUSES)).max(JOB_STATUSES.length).optional().describe('Only these statuses'),
    cursor: z.string().max(100).optional().describe('nextCursor'),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  output: z.object({ jobs: z.array(jobOut), nextCursor: z.string().nullable() }),
  async handler(input, { deps }) {
    await requireWorkspace(deps.store.reader, input.workspace);
    const page = await deps.store.jobs.list({
      workspace: input.workspace,
      ...(input.status && { status: input.status }),
      ...(input.cursor && { afterId: input.cursor }),
      limit: input.limit + 1,
    });
    const jobs = page.slice(0, input.limit).map(toJobOut);
    const nextCursor = page.length > input.limit ? (jobs.at(-1)?.id ?? null) : null;
    return {
      data: { jobs, nextCursor },
      summary: `${jobs.length} job(s)${nextCursor ? ', more with nextCursor' : ''}`,
      lines: jobs.map(jobLine),
    };
  },
});
