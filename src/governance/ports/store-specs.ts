import type { SpecStatus, SpecSummary, SpecVersion } from '../model/spec.js';
import type { VersionedPut } from './store-results.js';

/** A page of stored specs (latest versions), in spec id order. */
export interface SpecQuery {
  limit: number;
  /** Exclusive lower bound on the spec id: the last id of the previous page. */
  after?: string;
  /** Only spec ids starting with this (argument completion). */
  prefix?: string;
}

export interface SpecReads {
  /** One version of a stored spec (the latest when `version` is omitted), without its text. */
  getSpec(workspace: string, specId: string, version?: number): Promise<SpecVersion | undefined>;
  /** The text of one stored version. */
  getSpecText(workspace: string, specId: string, version: number): Promise<string | undefined>;
  /** The latest version of each stored spec. */
  listSpecs(workspace: string, query: SpecQuery): Promise<SpecSummary[]>;
}

export interface SpecWrites {
  /**
   * Stores `spec` with its text as version `expectedVersion + 1` (0: a new spec), keeping every
   * older version; when the latest stored version is another, stores nothing and reports it.
   */
  putSpecVersion(
    spec: Omit<SpecVersion, 'version'> & { text: string },
    expectedVersion: number,
  ): Promise<VersionedPut<SpecVersion>>;
  /** Replaces the status of one stored version; false when there is no such version. */
  updateSpecStatus(
    workspace: string,
    specId: string,
    version: number,
    status: SpecStatus,
    change: { updatedAt: string; updatedBy: string },
  ): Promise<boolean>;
}
