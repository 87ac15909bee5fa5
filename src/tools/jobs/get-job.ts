import * as z from 'zod';
import { getWorkspaceJob } from '../../governance/use-cases/job-control.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { jobId, jobLine, jobOut, toJobOut } from './job-out.js';

export const getJobTool = defineTool({
  name: 'get_job',
  title: 'Get job',
  description: 'A long-running job of the workspace: status, steps, progress, error, and who holds it.',
  toolset: 'jobs',
  effect: 'read',
  input: z.object({ workspace: s.workspace, jobId }),
  output: z.object({ job: jobOut }),
  async handler(input, { deps }) {
    const job = await getWorkspaceJob(deps, input.workspace, input.jobId);
    const out = toJobOut(job);
    return {
      data: { job: out },
      summary: `Job ${job.id} (${job.kind}) is ${job.status}`,
      lines: [
        jobLine(out),
        ...out.steps.map((st) => `  ${st.key} [${st.state}] ${st.title}${st.detail ? `: ${st.detail}` : ''}`),
      ],
    };
  },
});
