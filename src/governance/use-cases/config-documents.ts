/**
 * Which document store a configuration use-case talks to: the external one when configured, else
 * the default one over the SQL store (through the reader, or the write's own transaction so the
 * put commits or rolls back with its audit record).
 */
import type { OverrideScope } from '../config/override.js';
import type { AuditRecord } from '../model/audit.js';
import type { DocumentReader, DocumentStore, ExternalDocumentStore } from '../ports/documents.js';
import type { ConfigDoc, StoreReader, StoreTx } from '../ports/store.js';

export interface DocumentDeps {
  documents?: ExternalDocumentStore | undefined;
}

/** The default document store's reads, over any SQL reader (a transaction included). */
export const sqlDocumentReader = (reader: StoreReader): DocumentReader => ({
  get: (scope, key) => reader.getConfigDoc(scope, key),
  list: (scope, key, limit, beforeVersion) => reader.listConfigVersions(scope, key, limit, beforeVersion),
});

/** The default document store inside a write transaction. */
export const sqlDocumentStore = (tx: StoreTx): DocumentStore => ({
  ...sqlDocumentReader(tx),
  put: (scope, key, doc, expectedVersion) => tx.putConfigDoc(scope, key, doc, expectedVersion),
});

export const documentReader = (deps: DocumentDeps, reader: StoreReader): DocumentReader =>
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
  reader: StoreReader,
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
