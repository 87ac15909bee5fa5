import type { ExternalDocumentStore } from '../../governance/ports/documents.js';
import type { MongoDocumentsOptions } from './documents.js';

/**
 * The MongoDB document store, behind a dynamic import: the driver loads on the first
 * configuration read or write, never for initialize or tools/list (cold start).
 */
export function lazyMongoDocuments(opts: MongoDocumentsOptions): ExternalDocumentStore {
  let pending: Promise<ExternalDocumentStore> | undefined;
  let closed = false;
  const get = () => {
    if (closed) return Promise.reject(new Error('the MongoDB document store is closed'));
    return (pending ??= import('./documents.js')
      .then((m) => m.createMongoDocumentStore(opts))
      .catch((err: unknown) => {
        pending = undefined;
        throw err;
      }));
  };
  return {
    kind: 'mongodb',
    get: async (scope, key) => (await get()).get(scope, key),
    list: async (scope, key, limit, before) => (await get()).list(scope, key, limit, before),
    put: async (scope, key, doc, expected) => (await get()).put(scope, key, doc, expected),
    remove: async (scope, key, version) => (await get()).remove(scope, key, version),
    close: async () => {
      closed = true;
      if (pending) await (await pending).close();
    },
  };
}
