/**
 * Configuration documents in MongoDB (official driver): one document per version in
 * `config_versions`, unique on {scope, key, version}. The unique index is what makes racing puts
 * safe: both may read the same latest version, only one insert of the next one succeeds.
 */
import {
  MongoClient,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  type Collection,
} from 'mongodb';
import type { OverrideScope } from '../../governance/config/override.js';
import { DomainError, isDomainError } from '../../governance/errors.js';
import type { ConfigDoc, ExternalDocumentStore, VersionedPut } from '../../governance/ports/documents.js';

export const COLLECTION = 'config_versions';
const DUPLICATE_KEY = 11000;

interface VersionRow {
  scope: OverrideScope;
  key: string;
  version: number;
  override: unknown;
  updatedAt: string;
  updatedBy: string;
}

export interface MongoDocumentsOptions {
  url: string;
  /** Database name (MONGODB_DB). */
  db: string;
  /** How long an operation waits for a reachable server, unless the URL sets it (default 5 s). */
  serverSelectionTimeoutMS?: number;
}

/** Connects on first use (and creates the index then); nothing touches the network before. */
export function createMongoDocumentStore(opts: MongoDocumentsOptions): ExternalDocumentStore {
  const client = new MongoClient(opts.url, {
    appName: 'governance-factory',
    ...(/[?&]serverSelectionTimeoutMS=/i.test(opts.url)
      ? {}
      : { serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 5_000 }),
  });
  let ready: Promise<Collection<VersionRow>> | undefined;
  const collection = () =>
    (ready ??= (async () => {
      // Explicitly: after a failed implicit connect the driver's client stays closed for good.
      await client.connect();
      const c = client.db(opts.db).collection<VersionRow>(COLLECTION);
      await c.createIndex({ scope: 1, key: 1, version: 1 }, { unique: true, name: 'scope_key_version' });
      return c;
    })().catch((err: unknown) => {
      ready = undefined; // retry on the next call (the server may come up)
      throw err;
    }));

  const latest = async (c: Collection<VersionRow>, scope: OverrideScope, key: string) =>
    (await c.findOne({ scope, key }, { sort: { version: -1 }, projection: { version: 1 } }))?.version ?? 0;

  return {
    kind: 'mongodb',

    get: mapped(opts.db, async (scope: OverrideScope, key: string) => {
      const c = await collection();
      const row = await c.findOne({ scope, key }, { sort: { version: -1 } });
      return row ? toDoc(row) : undefined;
    }),

    list: mapped(
      opts.db,
      async (scope: OverrideScope, key: string, limit: number, beforeVersion?: number) => {
        const c = await collection();
        const filter =
          beforeVersion === undefined ? { scope, key } : { scope, key, version: { $lt: beforeVersion } };
        const rows = await c.find(filter).sort({ version: -1 }).limit(limit).toArray();
        return rows.map(toDoc);
      },
    ),

    put: mapped(
      opts.db,
      async (
        scope: OverrideScope,
        key: string,
        doc: Omit<ConfigDoc, 'version'>,
        expectedVersion: number,
      ): Promise<VersionedPut<ConfigDoc>> => {
        const c = await collection();
        const current = await latest(c, scope, key);
        if (current !== expectedVersion) return { ok: false, actualVersion: current };
        // A plain JSON copy: what SQL stores too, and no caller-owned object inside the driver.
        const override = JSON.parse(JSON.stringify(doc.override ?? {})) as unknown;
        const row: VersionRow = {
          scope,
          key,
          version: expectedVersion + 1,
          override,
          updatedAt: doc.updatedAt,
          updatedBy: doc.updatedBy,
        };
        try {
          await c.insertOne({ ...row });
        } catch (err) {
          if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
            return { ok: false, actualVersion: await latest(c, scope, key) };
          }
          throw err;
        }
        return { ok: true, stored: toDoc(row) };
      },
    ),

    remove: mapped(opts.db, async (scope: OverrideScope, key: string, version: number) => {
      const c = await collection();
      return (await c.deleteOne({ scope, key, version })).deletedCount === 1;
    }),

    close: () => client.close(),
  };
}

const toDoc = (r: VersionRow): ConfigDoc => ({
  version: r.version,
  override: r.override,
  updatedAt: r.updatedAt,
  updatedBy: r.updatedBy,
});

/** Unreachable server -> STORE.UNAVAILABLE with what to check; anything else unchanged. */
function mapped<A extends unknown[], R>(db: string, fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (err) {
      if (isDomainError(err)) throw err;
      if (err instanceof MongoServerSelectionError || err instanceof MongoNetworkError) {
        throw new DomainError(
          'STORE.UNAVAILABLE',
          'The MongoDB configuration store cannot be reached',
          'Check MONGODB_URL (host, port, credentials) and that MongoDB is running and reachable; retry the call.',
          { store: 'mongodb', db, reason: err.name },
        );
      }
      throw err;
    }
  };
}
