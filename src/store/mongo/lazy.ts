import type { ExternalDocumentStore } from '../../governance/ports/documents.js';
import { lazyOnce } from '../../shared/lazy-once.js';
import type { MongoDocumentsOptions } from './documents.js';

/**
 * The MongoDB document store, behind a dynamic import: the driver loads on the first
 * configuration read or write, never for initialize or tools/list (cold start).
 */
export function lazyMongoDocuments(opts: MongoDocumentsOptions): ExternalDocumentStore {
  const store = lazyOnce(async () => (await import('./documents.js')).createMongoDocumentStore(opts));
  let closed = false;
  const get = () =>
    closed ? Promise.reject(new Error('the MongoDB document store is closed')) : store.get();
  return {
    kind: 'mongodb',
    get: async (scope, key) => (await get()).get(scope, key),
    list: async (scope, key, limit, before) => (await get()).list(scope, key, limit, before),
    put: async (scope, key, doc, expected) => (await get()).put(scope, key, doc, expected),
    remove: async (scope, key, version) => (await get()).remove(scope, key, version),
    close: async () => {
      closed = true;
      // Only what was opened; a load that failed has nothing to close.
      await (await store.started()?.catch(() => undefined))?.close();
    },
  };
}
