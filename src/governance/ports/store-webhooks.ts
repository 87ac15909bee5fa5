/**
 * GitHub webhook deliveries already handled, by `X-GitHub-Delivery`. A delivery is recorded in the
 * same transaction as the change it causes, so a replay (GitHub's redelivery, a retry after a lost
 * response) changes nothing, and a crash before the commit leaves it to be applied when it comes again.
 */
export interface WebhookDelivery {
  /** `X-GitHub-Delivery`, a GUID GitHub gives each delivery (a redelivery keeps it). */
  deliveryId: string;
  workspace: string;
  /** `X-GitHub-Event` and the payload's `action`. */
  event: string;
  action: string;
  /** What handling it came to: `applied`, `unchanged`, `ignored` or `refused`. */
  outcome: string;
  receivedAt: string;
}

export interface WebhookDeliveryReads {
  webhookDelivery(deliveryId: string): Promise<WebhookDelivery | undefined>;
}

export interface WebhookDeliveryWrites {
  /** Inserts the delivery unless it is already there; false when it was (a replay). */
  recordDelivery(d: WebhookDelivery): Promise<boolean>;
}
