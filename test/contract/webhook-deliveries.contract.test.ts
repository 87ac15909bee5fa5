/**
 * Webhook deliveries on every back-end: recorded once (a replay reports false), read back, and a
 * rolled-back transaction keeps nothing (the delivery comes again and is applied then).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GovernanceStore, WebhookDelivery } from '../../src/governance/ports/store.js';
import { storeBackends, type OpenedStore } from '../helpers/store-backends.js';
import { freshWorkspace, T0 } from './store-fixtures.js';

const delivery = (workspace: string, deliveryId: string): WebhookDelivery => ({
  deliveryId,
  workspace,
  event: 'issues',
  action: 'closed',
  outcome: 'applied',
  receivedAt: T0,
});

describe.each(storeBackends)('webhook deliveries: $name', (backend) => {
  let opened: OpenedStore;
  let store: GovernanceStore;
  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
  });
  afterAll(() => opened?.cleanup());

  it('records a delivery once: the replay is reported, the first row kept', async () => {
    const ws = freshWorkspace();
    const id = `d-${ws}`;
    expect(await store.write(ws, (tx) => tx.recordDelivery(delivery(ws, id)))).toBe(true);
    expect(
      await store.write(ws, (tx) => tx.recordDelivery({ ...delivery(ws, id), outcome: 'unchanged' })),
    ).toBe(false);
    expect(await store.reader.webhookDelivery(id)).toEqual(delivery(ws, id));
  });

  it('keeps nothing of a rolled-back transaction', async () => {
    const ws = freshWorkspace();
    const id = `r-${ws}`;
    await expect(
      store.write(ws, async (tx) => {
        await tx.recordDelivery(delivery(ws, id));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.reader.webhookDelivery(id)).toBeUndefined();
  });
});
