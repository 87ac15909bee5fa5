import * as z from 'zod';
import { JOB_STATUSES, STEP_STATES, type Job } from '../../governance/model/job.js';

export const jobOut = z.object({
  id: z.string(),
  workspace: z.string(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  steps: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      state: z.enum(STEP_STATES),
      detail: z.string().nullable(),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
    }),
  ),
  progress: z.object({ done: z.number(), total: z.number(), message: z.string().nullable() }),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).nullable(),
  cancelRequested: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  attempts: z.number().describe('Times a runner claimed it: more than one means it was resumed'),
  lease: z.object({
    holder: z.string().nullable(),
    leaseUntil: z.string().nullable(),
    heartbeatAt: z.string().nullable(),
  }),
});

/** A job as tools show it: no input, no step results (they stay in the store). */
export function toJobOut(j: Job): z.input<typeof jobOut> {
  return {
    id: j.id,
    workspace: j.workspace,
    kind: j.kind,
    status: j.status,
    steps: j.steps.map(({ key, title, state, detail, startedAt, finishedAt }) => ({
      key,
      title,
      state,
      detail,
      startedAt,
      finishedAt,
    })),
    progress: j.progress,
    error: j.error,
    cancelRequested: j.cancelRequested,
    createdBy: j.createdBy,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    attempts: j.attempts,
    lease: j.lease,
  };
}

export const jobId = z.string().min(1).max(100).describe('Job id from list_jobs or the tool that started it');

export const jobLine = (j: z.input<typeof jobOut>): string =>
  `${j.id} ${j.kind} [${j.status}] ${j.progress.done}/${j.progress.total}${j.progress.message ? ` ${j.progress.message}` : ''}`;
