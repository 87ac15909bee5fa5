import type { Clock } from './clock.js';
import type { EventBus } from './events.js';
import type { GovernanceStore } from './store.js';

/** The ports every use-case needs. */
export interface CoreDeps {
  store: GovernanceStore;
  clock: Clock;
  bus: EventBus;
}
