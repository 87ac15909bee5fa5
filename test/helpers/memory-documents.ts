/**
 * TEST DOUBLE, not a product feature: an in-memory external document store with the MongoDB
 * adapter's semantics (check the latest version, then insert the next one under a unique
 * (scope, key, version) constraint). It lets tests drive the use-cases' external-store path
 * (compensation, history, effective configuration) where no MongoDB server runs; the contract
 * suite checks it behaves like the real back-ends. The MongoDB adapter itself is only exercised
 * where MONGODB_URL is set.
 */
import type { OverrideScope } from '../../src/governance/config/override.js';
import type { ConfigDoc, ExternalDocumentStore } from '../../src/governance/ports/documents.js';

export interface MemoryDocuments extends ExternalDocumentStore {
  /** Every successful remove, in call order (what compensation undid). */
  readonly removed: { scope: OverrideScope; key: string; version: number }[];
  /** Stored version numbers of a key, ascending. */
  versions(scope: OverrideScope, key: string): number[];
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function createMemoryDocuments(): MemoryDocuments {
  const rows = new Map<string, ConfigDoc[]>(); // ascending by version
  const removed: MemoryDocuments['removed'] = [];
  const at = (scope: OverrideScope, key: string) => {
    const id = `${scope}\u0000${key}`;
    let list = rows.get(id);
    if (!list) rows.set(id, (list = []));
    return list;
  };
  const latest = (list: ConfigDoc[]) => list.at(-1)?.version ?? 0;

  return {
    kind: 'memory',
    removed,
    versions: (scope, key) => at(scope, key).map((d) => d.version),

    async get(scope, key) {
      const doc = at(scope, key).at(-1);
      return doc && copy(doc);
    },

    async list(scope, key, limit, beforeVersion) {
      return at(scope, key)
        .filter((d) => beforeVersion === undefined || d.version < beforeVersion)
        .reverse()
        .slice(0, limit)
        .map(copy);
    },

    async put(scope, key, doc, expectedVersion) {
      const list = at(scope, key);
      if (latest(list) !== expectedVersion) return { ok: false, actualVersion: latest(list) };
      // A round trip, as to a server: racing puts all pass the check; the "unique index" picks one.
      await new Promise((r) => setImmediate(r));
      const version = expectedVersion + 1;
      if (list.some((d) => d.version === version)) {
        return { ok: false, actualVersion: latest(list) };
      }
      const stored: ConfigDoc = { ...copy(doc), override: copy(doc.override ?? {}), version };
      list.push(stored);
      list.sort((a, b) => a.version - b.version);
      return { ok: true, stored: copy(stored) };
    },

    async remove(scope, key, version) {
      const list = at(scope, key);
      const i = list.findIndex((d) => d.version === version);
      if (i < 0) return false;
      list.splice(i, 1);
      removed.push({ scope, key, version });
      return true;
    },

    async close() {
      rows.clear();
    },
  };
}
