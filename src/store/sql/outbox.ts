import { sql } from 'kysely';
import type { Kysely, SqlBool } from 'kysely';
import type { ClaimRequest, OutboxEntry, OutboxStore } from '../../governance/ports/events.js';
import type { SqlDialectName } from './migrations.js';
import { rowToEvent } from './mappers.js';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

const DEFAULT_LIMIT = 100;
const MAX_ERROR_CHARS = 500;

const COLUMNS = [
  'id',
  'workspace',
  'type',
  'payload',
  'at',
  'attempts',
  'last_error',
  'claimed_by',
  'lease_until',
  'next_attempt_at',
] as const;

type Row = Pick<Database['outbox'], 'workspace' | 'type' | 'payload' | 'at'> & {
  id: number;
  attempts: number;
  last_error: string | null;
  claimed_by: string | null;
  lease_until: string | null;
  next_attempt_at: string | null;
};

const toEntry = (r: Row): OutboxEntry => ({
  event: rowToEvent(r) as OutboxEntry['event'],
  attempts: Number(r.attempts),
  lastError: r.last_error,
  claimedBy: r.claimed_by,
  leaseUntil: r.lease_until,
  nextAttemptAt: r.next_attempt_at,
});

/**
 * Unpublished, not leased, and due: a new event once written at or before `freshBefore`, a failed
 * one once its backoff has passed. Timestamps are ISO-8601 text, which compares as it sorts.
 */
function claimable(t: 'o' | 'p', now: string, freshBefore: string) {
  const c = (name: string) => sql.ref(`${t}.${name}`);
  return sql<SqlBool>`(${c('dispatched_at')} is null
    and (${c('lease_until')} is null or ${c('lease_until')} <= ${now})
    and ((${c('attempts')} = 0 and ${c('at')} <= ${freshBefore})
      or (${c('attempts')} > 0 and (${c('next_attempt_at')} is null or ${c('next_attempt_at')} <= ${now}))))`;
}

/** Claimable events with no earlier event of their workspace that is unpublished and not claimable. */
function candidates(db: Db, req: ClaimRequest, limit: number) {
  const fresh = req.freshBefore ?? req.now;
  let q = db
    .selectFrom('outbox as o')
    .select(COLUMNS.map((c) => `o.${c}` as const))
    .where(claimable('o', req.now, fresh))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('outbox as p')
            .select(sql`1`.as('one'))
            .whereRef('p.workspace', '=', 'o.workspace')
            .whereRef('p.id', '<', 'o.id')
            .where('p.dispatched_at', 'is', null)
            .where(eb.not(claimable('p', req.now, fresh))),
        ),
      ),
    );
  if (req.ids !== undefined) q = q.where('o.id', 'in', [...req.ids]);
  return q.orderBy('o.id').limit(limit);
}

/**
 * Inside the claiming transaction. PostgreSQL: the candidates are locked FOR UPDATE SKIP LOCKED, so
 * concurrent relays take disjoint rows. Then a workspace's events are kept only up to the first
 * earlier unpublished one that is not among them (a sibling relay may be claiming it right now):
 * a workspace's events are published in id order, whichever relay publishes them.
 */
async function claimIn(tx: Db, dialect: SqlDialectName, req: ClaimRequest): Promise<OutboxEntry[]> {
  const q = candidates(tx, req, req.limit);
  const rows = (await (dialect === 'postgres' ? q.forUpdate().skipLocked() : q).execute()) as Row[];
  if (rows.length === 0) return [];
  const mine = new Map(rows.map((r) => [Number(r.id), r]));
  const workspaces = [...new Set(rows.map((r) => r.workspace))];
  const earlier = await tx
    .selectFrom('outbox')
    .select(['id', 'workspace'])
    .where('dispatched_at', 'is', null)
    .where('workspace', 'in', workspaces)
    .where('id', '<=', Math.max(...mine.keys()))
    .orderBy('id')
    .execute();
  const stopped = new Set<string>();
  const kept: Row[] = [];
  for (const { id, workspace } of earlier) {
    if (stopped.has(workspace)) continue;
    const row = mine.get(Number(id));
    if (row) kept.push(row);
    else stopped.add(workspace);
  }
  if (kept.length === 0) return [];
  await tx
    .updateTable('outbox')
    .set({ claimed_by: req.owner, lease_until: req.leaseUntil })
    .where(
      'id',
      'in',
      kept.map((r) => r.id),
    )
    .where('dispatched_at', 'is', null)
    .execute();
  return kept.map((r) => toEntry({ ...r, claimed_by: req.owner, lease_until: req.leaseUntil }));
}

/**
 * The outbox's delivery state on either SQL back-end. `transact` runs a function in a transaction
 * that may write: on SQLite it holds the write lock (BEGIN IMMEDIATE), which is what makes a claim
 * exclusive across processes there.
 */
export function sqlOutbox(
  db: Db,
  dialect: SqlDialectName,
  transact: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>,
): OutboxStore {
  return {
    async claim(req) {
      if (req.limit <= 0 || (req.ids !== undefined && req.ids.length === 0)) return [];
      // Most polls find nothing: look first without taking SQLite's write lock.
      if ((await candidates(db, req, 1).execute()).length === 0) return [];
      return transact((tx) => claimIn(tx, dialect, req));
    },

    async ack(owner, ids, now) {
      if (ids.length === 0) return 0;
      const result = await transact((tx) =>
        tx
          .updateTable('outbox')
          .set({ dispatched_at: now, claimed_by: null, lease_until: null })
          .where('id', 'in', [...ids])
          .where('claimed_by', '=', owner)
          .where('dispatched_at', 'is', null)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows);
    },

    async retry(owner, id, failure) {
      await transact((tx) =>
        tx
          .updateTable('outbox')
          .set((eb) => ({
            claimed_by: null,
            lease_until: null,
            attempts: eb('attempts', '+', 1),
            next_attempt_at: failure.nextAttemptAt,
            last_error: failure.error.slice(0, MAX_ERROR_CHARS),
          }))
          .where('id', '=', id)
          .where('claimed_by', '=', owner)
          .where('dispatched_at', 'is', null)
          .execute(),
      );
    },

    async release(owner, ids) {
      if (ids.length === 0) return;
      await transact((tx) =>
        tx
          .updateTable('outbox')
          .set({ claimed_by: null, lease_until: null })
          .where('id', 'in', [...ids])
          .where('claimed_by', '=', owner)
          .execute(),
      );
    },

    async pending(opts = {}) {
      if (opts.ids !== undefined && opts.ids.length === 0) return [];
      let q = db.selectFrom('outbox').select(COLUMNS).where('dispatched_at', 'is', null);
      if (opts.ids !== undefined) q = q.where('id', 'in', [...opts.ids]);
      const rows = await q
        .orderBy('id')
        .limit(opts.limit ?? DEFAULT_LIMIT)
        .execute();
      return (rows as Row[]).map(toEntry);
    },
  };
}
