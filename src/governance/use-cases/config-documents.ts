/**
 * Which document store a configuration use-case talks to: the external one when configured, else
 * the default one over the SQL store (through the reader, or the write's own transaction so the
 * put commits or rolls back with its audit record).
 */
import type { OverrideScope } from '../config/override.js';
import type { AuditRecord } from '../model/audit.js';
import { DomainError } from '../errors.js';
import type { DocumentReader, DocumentStore, ExternalDocumentStore } from '../ports/documents.js';
import type { AuditReads } from '../ports/store-audit.js';
import type { ConfigDoc, ConfigDocReads, ConfigDocWrites } from '../ports/store-config-docs.js';

export interface DocumentDeps {
  documents?: ExternalDocumentStore | undefined;
}

/** The default document store's reads, over any SQL reader (a transaction included). */
export const sqlDocumentReader = (reader: ConfigDocReads): DocumentReader => ({
  get: (scope, key) => reader.getConfigDoc(scope, key),
  list: (scope, key, limit, beforeVersion) => reader.listConfigVersions(scope, key, limit, beforeVersion),
});

/** The default document store inside a write transaction. */
export const sqlDocumentStore = (tx: ConfigDocReads & ConfigDocWrites): DocumentStore => ({
  ...sqlDocumentReader(tx),
  put: (scope, key, doc, expectedVersion) => tx.putConfigDoc(scope, key, doc, expectedVersion),
});

/**
 * Puts version `expectedVersion + 1` into any document store: INPUT.INVALID for a version no
 * caller could have read, CONFIG.VERSION_CONFLICT (details.currentVersion) when the store has another.
 */
export async function putConfigAt(
  store: DocumentStore,
  scope: OverrideScope,
  key: string,
  doc: Omit<ConfigDoc, 'version'>,
  expectedVersion: number,
): Promise<ConfigDoc> {
  assertExpectedVersion(expectedVersion);
  const res = await store.put(scope, key, doc, expectedVersion);
  if (res.ok) return res.stored;
  throw versionConflict(scope, key, expectedVersion, res.actualVersion);
}

export const documentReader = (deps: DocumentDeps, reader: ConfigDocReads): DocumentReader =>
  deps.documents ?? sqlDocumentReader(reader);

/** Best effort: a failed removal leaves the version behind, as a crash would (see config-update.ts). */
export async function undoPut(
  documents: ExternalDocumentStore,
  scope: OverrideScope,
  key: string,
  stored: ConfigDoc,
): Promise<void> {
  await documents.remove(scope, key, stored.version).catch(() => undefined);
}

/** Whether `record` is in the committed audit chain (an external put's proof of commit). */
export async function auditCommitted(
  reader: AuditReads,
  workspace: string,
  record?: AuditRecord,
): Promise<boolean> {
  if (!record) return false;
  try {
    const [found] = await reader.auditRange(workspace, record.seq - 1, 1);
    return found?.hash === record.hash;
  } catch {
    return true; // cannot tell: keeping an unaudited version beats deleting an audited one
  }
}

/** A version no caller could have read: refused before any store sees it. */
function assertExpectedVersion(expectedVersion: number): void {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new DomainError(
      'INPUT.INVALID',
      `expectedVersion must be a non-negative integer, not ${expectedVersion}`,
      'Pass the version you read (0 when no configuration was stored yet).',
    );
  }
}

/** The conflict, with the version the caller should re-read. */
function versionConflict(scope: OverrideScope, key: string, expected: number, current: number): DomainError {
  return new DomainError(
    'CONFIG.VERSION_CONFLICT',
    `The ${scope} configuration of ${key} is at version ${current}, not ${expected}`,
    'Someone changed it meanwhile: re-read the configuration and apply your change again.',
    { scope, key, expectedVersion: expected, currentVersion: current },
  );
}
