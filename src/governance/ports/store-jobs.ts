import type { Job, JobError, JobProgress, JobStatus, JsonValue, StepState } from '../model/job.js';

export interface NewJob {
  /** Sorts in creation order (list pages by it). */
  id: string;
  workspace: string;
  kind: string;
  input: JsonValue;
  steps: readonly { key: string; title: string }[];
  createdBy: string;
  now: string;
}

/** A refused create names the job that is still active (null if it ended in the meantime). */
export type JobCreated = { created: true; job: Job } | { created: false; active: Job | null };

export interface JobQuery {
  workspace: string;
  status?: readonly JobStatus[];
  /** Page: jobs with an id after this one. */
  afterId?: string;
  limit?: number;
}

export interface JobClaimRequest {
  owner: string;
  now: string;
  leaseUntil: string;
  /** Only jobs of these kinds / this job. */
  kinds?: readonly string[];
  id?: string;
}

/** Writes by a runner report whether it still held the lease; a lost lease writes nothing. */
export type Held = { held: true; job: Job } | { held: false };

export interface StepUpdate {
  key: string;
  /** Used when the key is not in the job yet (a step table that grew). */
  title?: string;
  state: StepState;
  detail?: string | null;
  result?: JsonValue;
  startedAt?: string | null;
  finishedAt?: string | null;
}

/**
 * Jobs and their leases. A job is held by one runner at a time, across processes: `claim` takes a
 * queued job or a running one whose lease expired (its holder died), and every later write by a
 * runner names it as owner and is refused once another runner took the job over.
 */
export interface JobStore {
  /** Refused (reported, nothing written) while a queued or running job of the kind exists there. */
  create(job: NewJob): Promise<JobCreated>;
  get(id: string): Promise<Job | null>;
  /** Oldest first. */
  list(query: JobQuery): Promise<Job[]>;
  /** Marks the job running under `owner` until `leaseUntil`, attempts + 1; null when none is claimable. */
  claim(req: JobClaimRequest): Promise<Job | null>;
  /** Renews the owner's lease; the job returned carries the cancel flag. */
  heartbeat(owner: string, id: string, now: string, leaseUntil: string): Promise<Held>;
  updateStep(owner: string, id: string, step: StepUpdate, now: string): Promise<Held>;
  setProgress(owner: string, id: string, progress: JobProgress, now: string): Promise<Held>;
  /** Ends the job and drops the lease. */
  finish(
    owner: string,
    id: string,
    outcome: { status: 'succeeded' | 'failed' | 'cancelled'; error: JobError | null },
    now: string,
  ): Promise<Held>;
  /** Sets the cancel flag on an active job; returns the job as it now is (null: unknown id). */
  requestCancel(id: string, now: string): Promise<Job | null>;
}
