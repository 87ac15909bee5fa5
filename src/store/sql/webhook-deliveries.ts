import type { Kysely } from 'kysely';
import type { WebhookDelivery } from '../../governance/ports/store-webhooks.js';
import type { Database } from './schema.js';

export async function webhookDelivery(
  db: Kysely<Database>,
  deliveryId: string,
): Promise<WebhookDelivery | undefined> {
  const r = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return (
    r && {
      deliveryId: r.delivery_id,
      workspace: r.workspace,
      event: r.event,
      action: r.action,
      outcome: r.outcome,
      receivedAt: r.received_at,
    }
  );
}

/** Insert-if-absent in one statement: no failed statement to abort a PostgreSQL transaction. */
export async function recordDelivery(db: Kysely<Database>, d: WebhookDelivery): Promise<boolean> {
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values({
      delivery_id: d.deliveryId,
      workspace: d.workspace,
      event: d.event,
      action: d.action,
      outcome: d.outcome,
      received_at: d.receivedAt,
    })
    .onConflict((oc) => oc.column('delivery_id').doNothing())
    .returning('delivery_id')
    .executeTakeFirst();
  return inserted !== undefined;
}
