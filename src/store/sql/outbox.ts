import type { Kysely } from 'kysely';
import type { DomainEvent } from '../../governance/model/events.js';
import { rowToEvent } from './mappers.js';
import type { Database } from './schema.js';

const DEFAULT_LIMIT = 100;

/** Undispatched events, oldest first; restricted to `ids` when given. */
export async function pendingEvents(
  db: Kysely<Database>,
  ids?: readonly number[],
  limit = DEFAULT_LIMIT,
): Promise<DomainEvent[]> {
  if (ids !== undefined && ids.length === 0) return [];
  let query = db
    .selectFrom('outbox')
    .select(['id', 'workspace', 'type', 'payload', 'at'])
    .where('dispatched_at', 'is', null);
  if (ids !== undefined) query = query.where('id', 'in', [...ids]);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map(rowToEvent);
}

/** Idempotent: an event dispatched twice keeps its first dispatch time. */
export async function markDispatched(
  db: Kysely<Database>,
  ids: readonly number[],
  now: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ dispatched_at: now })
    .where('id', 'in', [...ids])
    .where('dispatched_at', 'is', null)
    .execute();
}
