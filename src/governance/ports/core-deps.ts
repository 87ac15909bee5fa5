import type { Clock } from './clock.js';
import type { ExternalDocumentStore } from './documents.js';
import type { EventBus } from './events.js';
import type { GovernanceStore } from './store.js';

/** The ports every use-case needs. */
export interface CoreDeps {
  store: GovernanceStore;
  clock: Clock;
  bus: EventBus;
  /**
   * Where configuration documents live when not in the SQL store (MONGODB_URL). Absent: the SQL
   * store's own tables, written in the same transaction as the audit record.
   */
  documents?: ExternalDocumentStore;
}
