import type { OverrideScope } from '../config/override.js';
import type { VersionedPut } from './store-results.js';

/**
 * One stored version of a configuration override. Scope `org` is keyed by the owner (`acme`),
 * scope `repo` by the workspace (`acme/web`). The override is stored as given (validated by the
 * use-case before it gets here); versions start at 1 and every update adds one.
 */
export interface ConfigDoc {
  version: number;
  override: unknown;
  updatedAt: string;
  /** Actor id of the caller that stored this version. */
  updatedBy: string;
}

export interface ConfigDocReads {
  /** The latest version of a configuration override, or undefined when none was ever stored. */
  getConfigDoc(scope: OverrideScope, key: string): Promise<ConfigDoc | undefined>;
  /** Stored versions, newest first, at most `limit`; only those below `beforeVersion` when given. */
  listConfigVersions(
    scope: OverrideScope,
    key: string,
    limit: number,
    beforeVersion?: number,
  ): Promise<ConfigDoc[]>;
}

export interface ConfigDocWrites {
  /**
   * Stores `doc` as version `expectedVersion + 1` of the override (0: none stored yet), keeping
   * every older version. When the latest stored version is not `expectedVersion` (concurrent
   * writers of the same key included: exactly one wins), stores nothing and reports the latest.
   * The key must belong to the transaction's workspace: the workspace itself (repo) or its owner (org).
   */
  putConfigDoc(
    scope: OverrideScope,
    key: string,
    doc: Omit<ConfigDoc, 'version'>,
    expectedVersion: number,
  ): Promise<VersionedPut<ConfigDoc>>;
}
