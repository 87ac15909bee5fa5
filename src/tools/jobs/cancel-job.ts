import * as z from 'zod';
import { cancelJob, getWorkspaceJob } from '../../governance/use-cases/job-control.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { jobId, jobLine, jobOut, toJobOut } from './job-out.js';

export const cancelJobTool = defineTool({
  name: 'cancel_job',
  title: 'Cancel job',
  description:
    'Asks a job to stop: one no runner holds ends cancelled at once, a running one at its next step. ' +
    'What its finished steps wrote stays (audited); a finished job is left as it is.',
  toolset: 'jobs',
  effect: 'write',
  idempotent: true,
  input: z.object({ workspace: s.workspace, jobId }),
  output: z.object({ job: jobOut }),
  async handler(input, { deps, caller }) {
    await getWorkspaceJob(deps, input.workspace, input.jobId);
    const job = toJobOut(
      await cancelJob(deps, caller, input.jobId, { owner: `cancel:${globalThis.crypto.randomUUID()}` }),
    );
    return {
      data: { job },
      summary:
        job.status === 'cancelled'
          ? `Job ${job.id} is cancelled`
          : job.cancelRequested && (job.status === 'running' || job.status === 'queued')
            ? `Job ${job.id} will stop at its next step`
            : `Job ${job.id} had already ${job.status}`,
      lines: [jobLine(job)],
    };
  },
});
