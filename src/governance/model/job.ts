/**
 * A long-running job (applying a hierarchy to GitHub, for one), persisted in the store so that it
 * survives the process that runs it: another process takes it over once the holder's lease expires,
 * and resumes at the first step not done.
 */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Queued or running: at most one such job of a kind per workspace. */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['queued', 'running'];
export const isActiveJob = (status: JobStatus): boolean => ACTIVE_JOB_STATUSES.includes(status);

export const STEP_STATES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type StepState = (typeof STEP_STATES)[number];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JobStep {
  /** Stable within the job's kind: what a resumed run matches its step table against. */
  key: string;
  title: string;
  state: StepState;
  detail: string | null;
  /** What the step handed to later steps; kept small (ids, counts), it is stored with the job. */
  result: JsonValue;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobProgress {
  done: number;
  total: number;
  message: string | null;
}

export interface JobError {
  code: string;
  message: string;
  hint: string;
}

export interface JobLease {
  /** The process (runner) holding the job; null when none does. */
  holder: string | null;
  /** After this the lease has expired and any runner may claim the job. */
  leaseUntil: string | null;
  /** The holder's last renewal. */
  heartbeatAt: string | null;
}

export interface Job {
  id: string;
  workspace: string;
  /** What the job does, e.g. 'github.apply'; a runner brings the step table for its kinds. */
  kind: string;
  status: JobStatus;
  input: JsonValue;
  steps: JobStep[];
  progress: JobProgress;
  error: JobError | null;
  cancelRequested: boolean;
  /** Actor id of whoever started it. */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  lease: JobLease;
  /** Times a runner claimed it: more than one means it was taken over or resumed. */
  attempts: number;
}
