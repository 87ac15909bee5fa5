import { sql } from 'kysely';
import type { Kysely, SqlBool, Updateable } from 'kysely';
import type { Job, JobStep, JobStatus } from '../../governance/model/job.js';
import type { Held, JobStore, StepUpdate } from '../../governance/ports/store-jobs.js';
import type { SqlDialectName } from './migrations.js';
import type { Database, JobTable } from './schema.js';

type Db = Kysely<Database>;

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const MAX_DETAIL_CHARS = 1_000;

const toJob = (r: JobTable): Job => ({
  id: r.id,
  workspace: r.workspace,
  kind: r.kind,
  status: r.status as JobStatus,
  input: JSON.parse(r.input) as Job['input'],
  steps: JSON.parse(r.steps) as JobStep[],
  progress: JSON.parse(r.progress) as Job['progress'],
  error: r.error === null ? null : (JSON.parse(r.error) as Job['error']),
  cancelRequested: Number(r.cancel_requested) !== 0,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lease: { holder: r.lease_holder, leaseUntil: r.lease_until, heartbeatAt: r.heartbeat_at },
  attempts: Number(r.attempts),
});

/** Queued, or running with an expired lease (ISO-8601 text compares as it sorts). */
const claimable = (now: string) =>
  sql<SqlBool>`(status = 'queued' or (status = 'running' and (lease_until is null or lease_until <= ${now})))`;

function applyStep(steps: JobStep[], u: StepUpdate): JobStep[] {
  const next = steps.map((s) => ({ ...s }));
  let step = next.find((s) => s.key === u.key);
  if (!step) {
    step = {
      key: u.key,
      title: u.title ?? u.key,
      state: 'pending',
      detail: null,
      result: null,
      startedAt: null,
      finishedAt: null,
    };
    next.push(step);
  }
  step.state = u.state;
  if (u.detail !== undefined) step.detail = u.detail === null ? null : u.detail.slice(0, MAX_DETAIL_CHARS);
  if (u.result !== undefined) step.result = u.result;
  if (u.startedAt !== undefined) step.startedAt = u.startedAt;
  if (u.finishedAt !== undefined) step.finishedAt = u.finishedAt;
  return next;
}

/**
 * Jobs on either SQL back-end. `transact` runs a function in a transaction that may write: on
 * SQLite it holds the write lock (BEGIN IMMEDIATE), which makes claims and owner checks exclusive
 * across processes; on PostgreSQL rows are locked FOR UPDATE (SKIP LOCKED when claiming).
 */
export function sqlJobs(
  db: Db,
  dialect: SqlDialectName,
  transact: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>,
): JobStore {
  const lockRow = <Q extends { forUpdate(): Q }>(q: Q): Q => (dialect === 'postgres' ? q.forUpdate() : q);

  /** Reads the job under a row lock and writes `change` only if `owner` holds its running lease. */
  const mutateHeld = (
    owner: string,
    id: string,
    now: string,
    change: (job: Job) => Updateable<JobTable>,
  ): Promise<Held> =>
    transact(async (tx) => {
      const row = await lockRow(tx.selectFrom('jobs').selectAll().where('id', '=', id)).executeTakeFirst();
      if (!row || row.status !== 'running' || row.lease_holder !== owner) return { held: false };
      const set = { ...change(toJob(row)), updated_at: now };
      await tx.updateTable('jobs').set(set).where('id', '=', id).execute();
      return { held: true, job: toJob({ ...row, ...set }) };
    });

  const store: JobStore = {
    async create(job) {
      const steps: JobStep[] = job.steps.map((s) => ({
        key: s.key,
        title: s.title,
        state: 'pending',
        detail: null,
        result: null,
        startedAt: null,
        finishedAt: null,
      }));
      const row: JobTable = {
        id: job.id,
        workspace: job.workspace,
        kind: job.kind,
        status: 'queued',
        input: JSON.stringify(job.input),
        steps: JSON.stringify(steps),
        progress: JSON.stringify({ done: 0, total: steps.length, message: null }),
        error: null,
        cancel_requested: 0,
        created_by: job.createdBy,
        created_at: job.now,
        updated_at: job.now,
        lease_holder: null,
        lease_until: null,
        heartbeat_at: null,
        attempts: 0,
      };
      // The partial unique index on active jobs decides, atomically on both back-ends.
      const result = await transact((tx) =>
        tx
          .insertInto('jobs')
          .values(row)
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst(),
      );
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 1) return { created: true, job: toJob(row) };
      const active = await db
        .selectFrom('jobs')
        .selectAll()
        .where('workspace', '=', job.workspace)
        .where('kind', '=', job.kind)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return { created: false, active: active ? toJob(active) : null };
    },

    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toJob(row) : null;
    },

    async list(q) {
      let query = db.selectFrom('jobs').selectAll().where('workspace', '=', q.workspace);
      if (q.status !== undefined) {
        if (q.status.length === 0) return [];
        query = query.where('status', 'in', [...q.status]);
      }
      if (q.afterId !== undefined) query = query.where('id', '>', q.afterId);
      const limit = Math.min(Math.max(1, q.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
      return (await query.orderBy('id').limit(limit).execute()).map(toJob);
    },

    async claim(req) {
      if (req.kinds !== undefined && req.kinds.length === 0) return null;
      return transact(async (tx) => {
        let q = tx.selectFrom('jobs').selectAll().where(claimable(req.now));
        if (req.kinds !== undefined) q = q.where('kind', 'in', [...req.kinds]);
        if (req.id !== undefined) q = q.where('id', '=', req.id);
        q = q.orderBy('id').limit(1);
        const row = await (dialect === 'postgres' ? q.forUpdate().skipLocked() : q).executeTakeFirst();
        if (!row) return null;
        const set = {
          status: 'running',
          lease_holder: req.owner,
          lease_until: req.leaseUntil,
          heartbeat_at: req.now,
          attempts: Number(row.attempts) + 1,
          updated_at: req.now,
        };
        await tx.updateTable('jobs').set(set).where('id', '=', row.id).where(claimable(req.now)).execute();
        return toJob({ ...row, ...set });
      });
    },

    heartbeat: (owner, id, now, leaseUntil) =>
      mutateHeld(owner, id, now, () => ({ lease_until: leaseUntil, heartbeat_at: now })),

    updateStep: (owner, id, step, now) =>
      mutateHeld(owner, id, now, (job) => ({ steps: JSON.stringify(applyStep(job.steps, step)) })),

    setProgress: (owner, id, progress, now) =>
      mutateHeld(owner, id, now, () => ({ progress: JSON.stringify(progress) })),

    finish: (owner, id, outcome, now) =>
      mutateHeld(owner, id, now, () => ({
        status: outcome.status,
        error: outcome.error === null ? null : JSON.stringify(outcome.error),
        lease_holder: null,
        lease_until: null,
      })),

    async requestCancel(id, now) {
      await transact((tx) =>
        tx
          .updateTable('jobs')
          .set({ cancel_requested: 1, updated_at: now })
          .where('id', '=', id)
          .where('status', 'in', ['queued', 'running'])
          .execute(),
      );
      return store.get(id);
    },
  };
  return store;
}
