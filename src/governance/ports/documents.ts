/**
 * Versioned configuration documents keyed by (scope, key): org overrides keyed by the owner, repo
 * overrides by the workspace. Every put adds version `expectedVersion + 1` and keeps the older ones.
 *
 * Two kinds of implementation: the default one over the SQL store's reader and transaction (its put
 * commits or rolls back with the audit record), and an external store (MongoDB) that commits on its
 * own, which is why it also offers `remove` to undo a put whose SQL transaction then failed.
 */
import type { OverrideScope } from '../config/override.js';
import type { ConfigDoc, VersionedPut } from './store.js';

export type { ConfigDoc, VersionedPut };

export interface DocumentReader {
  /** The latest version, or undefined when none was ever stored. */
  get(scope: OverrideScope, key: string): Promise<ConfigDoc | undefined>;
  /** Stored versions, newest first, at most `limit`; only those below `beforeVersion` when given. */
  list(scope: OverrideScope, key: string, limit: number, beforeVersion?: number): Promise<ConfigDoc[]>;
}

export interface DocumentStore extends DocumentReader {
  /**
   * Stores `doc` as version `expectedVersion + 1` (0: none stored yet). When the latest stored
   * version is not `expectedVersion` (racing writers of one key included: exactly one of them
   * wins), stores nothing and reports the latest; the use-case raises the conflict.
   */
  put(
    scope: OverrideScope,
    key: string,
    doc: Omit<ConfigDoc, 'version'>,
    expectedVersion: number,
  ): Promise<VersionedPut<ConfigDoc>>;
}

/** A document store outside the SQL transaction (configured with MONGODB_URL). */
export interface ExternalDocumentStore extends DocumentStore {
  readonly kind: string;
  /**
   * Deletes exactly that version; false when it does not exist. Only for compensation: undoing a
   * put whose audit record was not committed. Never a user-facing delete (history is append-only).
   */
  remove(scope: OverrideScope, key: string, version: number): Promise<boolean>;
  close(): Promise<void>;
}
