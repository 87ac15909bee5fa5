/**
 * The configuration document store contract, one suite for every implementation: the SQL default
 * (on SQLite and PostgreSQL, through the store's transactions), MongoDB where MONGODB_URL is set
 * (skipped otherwise, and the test name says so), and the in-memory test double the use-case tests
 * below rely on. Then the use-cases' external-store path: compensation, history and effective
 * configuration through MCP. No MongoDB runs here, so that path is driven by the test double; the
 * MongoDB adapter itself runs the contract only where MONGODB_URL points at a server.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OverrideScope } from '../../src/governance/config/override.js';
import type { Caller } from '../../src/governance/ports/caller.js';
import type { CoreDeps } from '../../src/governance/ports/core-deps.js';
import type {
  ConfigDoc,
  DocumentStore,
  ExternalDocumentStore,
} from '../../src/governance/ports/documents.js';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import {
  putConfigAt,
  sqlDocumentReader,
  sqlDocumentStore,
} from '../../src/governance/use-cases/config-documents.js';
import { createConfigService } from '../../src/governance/use-cases/config-service.js';
import { updateConfig } from '../../src/governance/use-cases/config-update.js';
import { createMemoryBus } from '../../src/store/memory/event-bus.js';
import { createMongoDocumentStore } from '../../src/store/mongo/documents.js';
import { createDeps } from '../../src/composition/create-deps.js';
import { connectClient, silentLogger, testClock, testConfig, WS, type Connected } from '../helpers/mcp.js';
import { createMemoryDocuments, type MemoryDocuments } from '../helpers/memory-documents.js';
import {
  postgresBackend,
  sqliteBackend,
  type OpenedStore,
  type StoreBackend,
} from '../helpers/store-backends.js';
import { T0 } from './store-fixtures.js';

type NewDoc = Omit<ConfigDoc, 'version'>;

interface OpenedDocuments {
  docs: DocumentStore;
  /** A put undone the way this kind of store undoes one: its SQL transaction rolls back, or remove(). */
  putThenUndo(scope: OverrideScope, key: string, doc: NewDoc, expected: number): Promise<ConfigDoc>;
  /** External stores only. */
  external?: ExternalDocumentStore;
  cleanup(): Promise<void>;
}

interface Harness {
  name: string;
  external: boolean;
  /** Why this implementation cannot run here. */
  skip?: string;
  open(): Promise<OpenedDocuments>;
}

const sqlHarness = (backend: StoreBackend): Harness => ({
  name: `SQL default on ${backend.name}`,
  external: false,
  async open() {
    const opened = await backend.open();
    const { store } = opened;
    let n = 0;
    // An org key is written through one of its owner's repositories: a different one per put, so
    // the workspace lock does not serialize racing org writers (the store must).
    const via = (scope: OverrideScope, key: string) => (scope === 'repo' ? key : `${key}/via${++n}`);
    return {
      docs: {
        ...sqlDocumentReader(store.reader),
        put: (scope, key, doc, expected) =>
          store.write(via(scope, key), (tx) => sqlDocumentStore(tx).put(scope, key, doc, expected)),
      },
      async putThenUndo(scope, key, doc, expected) {
        let stored: ConfigDoc | undefined;
        const failing = store.write(via(scope, key), async (tx) => {
          stored = await putConfigAt(sqlDocumentStore(tx), scope, key, doc, expected);
          throw new Error('later step failed');
        });
        await expect(failing).rejects.toThrow('later step failed');
        return stored!;
      },
      cleanup: () => opened.cleanup(),
    };
  },
});

const externalHarness = (
  name: string,
  open: () => Promise<{ docs: ExternalDocumentStore; cleanup(): Promise<void> }>,
  skip?: string,
): Harness => ({
  name,
  external: true,
  ...(skip ? { skip } : {}),
  async open() {
    const { docs, cleanup } = await open();
    return {
      docs,
      external: docs,
      async putThenUndo(scope, key, doc, expected) {
        const stored = await putConfigAt(docs, scope, key, doc, expected);
        expect(await docs.remove(scope, key, stored.version)).toBe(true);
        return stored;
      },
      cleanup,
    };
  },
});

const MONGODB_URL = process.env.MONGODB_URL;

const HARNESSES: Harness[] = [
  sqlHarness(sqliteBackend),
  sqlHarness(postgresBackend),
  externalHarness(
    'MongoDB',
    async () => {
      const db = `gf_test_${randomBytes(6).toString('hex')}`;
      const docs = createMongoDocumentStore({ url: MONGODB_URL!, db });
      const cleanup = async () => {
        const admin = new MongoClient(MONGODB_URL!);
        try {
          await admin.db(db).dropDatabase();
        } finally {
          await admin.close();
          await docs.close();
        }
      };
      return { docs, cleanup };
    },
    MONGODB_URL ? undefined : 'MONGODB_URL is not set, no MongoDB server to test against',
  ),
  externalHarness('in-memory test double', async () => {
    const docs = createMemoryDocuments();
    return { docs, cleanup: () => docs.close() };
  }),
];

let owners = 0;
/** An owner no other test uses (org keys are per owner). */
const freshOwner = (): string => `doc${process.pid}x${++owners}`;
const doc = (override: unknown, updatedBy = 'test:alice', updatedAt = T0): NewDoc => ({
  override,
  updatedAt,
  updatedBy,
});

for (const h of HARNESSES) {
  describe.skipIf(h.skip !== undefined)(
    `document store contract: ${h.name}${h.skip ? ` (skipped: ${h.skip})` : ''}`,
    () => {
      let opened: OpenedDocuments;
      const d = () => opened.docs;
      const versions = async (scope: OverrideScope, key: string) =>
        (await d().list(scope, key, 100)).map((x) => x.version);

      beforeAll(async () => {
        opened = await h.open();
      });
      afterAll(() => opened?.cleanup());

      it('stores the first put as version 1, content intact', async () => {
        const ws = `${freshOwner()}/web`;
        expect(await d().get('repo', ws)).toBeUndefined();
        expect(await d().list('repo', ws, 10)).toEqual([]);
        const override = {
          generation: { maxTasksPerFeature: 6 },
          labels: { bug: { name: 'bug ü', color: 'ff0000', description: '"quoted" / $dollar' } },
          milestones: { autoCreate: false },
        };
        const first = { version: 1, override, updatedAt: T0, updatedBy: 'test:alice' };
        expect(await d().put('repo', ws, doc(override), 0)).toEqual({ ok: true, stored: first });
        expect(await d().get('repo', ws)).toEqual(first);
        expect(await d().list('repo', ws, 10)).toEqual([first]);
      });

      it.each([
        { name: 'a stale expected version', expected: 0 },
        { name: 'a version ahead of the stored one', expected: 5 },
      ])('reports the current version for $name, storing nothing', async ({ expected }) => {
        const ws = `${freshOwner()}/web`;
        await d().put('repo', ws, doc({ a: 1 }), 0);
        expect(await d().put('repo', ws, doc({ a: 2 }), expected)).toEqual({ ok: false, actualVersion: 1 });
        // ...which the use-cases' put raises as the conflict.
        await expect(putConfigAt(d(), 'repo', ws, doc({ a: 2 }), expected)).rejects.toMatchObject({
          code: 'CONFIG.VERSION_CONFLICT',
          details: { scope: 'repo', key: ws, expectedVersion: expected, currentVersion: 1 },
        });
        expect((await d().list('repo', ws, 10)).map((x) => x.override)).toEqual([{ a: 1 }]);
      });

      it.each([-1, 1.5, Number.NaN])('refuses expectedVersion %s with INPUT.INVALID', async (expected) => {
        const ws = `${freshOwner()}/web`;
        await expect(putConfigAt(d(), 'repo', ws, doc({}), expected)).rejects.toMatchObject({
          code: 'INPUT.INVALID',
        });
        expect(await d().get('repo', ws)).toBeUndefined();
      });

      it('lets exactly one of several concurrent puts of one key win', async () => {
        const owner = freshOwner();
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, i) => d().put('org', owner, doc({ i }), 0)),
        );
        const won = results.flatMap((r) => (r.ok ? [r.stored] : []));
        expect(won).toHaveLength(1);
        expect(won[0]!.version).toBe(1);
        expect(results.filter((r) => !r.ok)).toEqual(Array(4).fill({ ok: false, actualVersion: 1 }));
        expect(await d().list('org', owner, 10)).toEqual(won);
      });

      it('pages the history newest first', async () => {
        const ws = `${freshOwner()}/web`;
        for (let v = 1; v <= 5; v++) await d().put('repo', ws, doc({ v }, `test:u${v}`), v - 1);
        const page = async (limit: number, before?: number) =>
          (await d().list('repo', ws, limit, before)).map((x) => x.version);
        expect(await page(2)).toEqual([5, 4]);
        expect(await page(2, 4)).toEqual([3, 2]);
        expect(await page(2, 2)).toEqual([1]);
        expect(await page(10, 1)).toEqual([]);
        expect(await d().get('repo', ws)).toMatchObject({
          version: 5,
          override: { v: 5 },
          updatedBy: 'test:u5',
        });
        expect((await d().list('repo', ws, 10, 3)).map((x) => x.updatedBy)).toEqual(['test:u2', 'test:u1']);
      });

      it('keeps keys apart by scope and by key', async () => {
        const owner = freshOwner();
        const [a, b] = [`${owner}/a`, `${owner}/b`];
        await d().put('org', owner, doc({ scope: 'org' }), 0);
        await d().put('repo', a, doc({ scope: 'repo' }), 0);
        await d().put('repo', a, doc({ scope: 'repo', v: 2 }), 1);
        expect(await versions('org', owner)).toEqual([1]);
        expect(await versions('repo', a)).toEqual([2, 1]);
        expect(await d().get('org', owner)).toMatchObject({ override: { scope: 'org' } });
        expect(await d().get('repo', b)).toBeUndefined();
        expect(await d().get('org', `${owner}x`)).toBeUndefined();
        // A repo key's first version is 1 whatever its owner's org key is at.
        expect(await d().put('repo', b, doc({}), 0)).toMatchObject({ ok: true, stored: { version: 1 } });
      });

      it('undoes a put (SQL: the transaction rolls back; external: remove), freeing the version', async () => {
        const ws = `${freshOwner()}/web`;
        await d().put('repo', ws, doc({ v: 1 }), 0);
        const undone = await opened.putThenUndo('repo', ws, doc({ v: 2 }), 1);
        expect(undone.version).toBe(2);
        expect(await versions('repo', ws)).toEqual([1]);
        expect(await d().get('repo', ws)).toMatchObject({ version: 1, override: { v: 1 } });
        expect(await d().put('repo', ws, doc({ v: 'again' }), 1)).toMatchObject({
          ok: true,
          stored: { version: 2 },
        });
      });

      it.skipIf(!h.external)(
        'removes exactly the version asked for, reporting whether it existed',
        async () => {
          const ext = opened.external!;
          const ws = `${freshOwner()}/web`;
          for (let v = 1; v <= 3; v++) await ext.put('repo', ws, doc({ v }), v - 1);
          expect(await ext.remove('repo', ws, 2)).toBe(true);
          expect(await ext.remove('repo', ws, 2)).toBe(false);
          expect(await ext.remove('org', ws, 1)).toBe(false);
          expect(await versions('repo', ws)).toEqual([3, 1]);
          expect(await ext.remove('repo', ws, 3)).toBe(true);
          expect(await ext.get('repo', ws)).toMatchObject({ version: 1 });
        },
      );
    },
  );
}

describe('MongoDB adapter without a reachable server (runs everywhere)', () => {
  const unreachable = { url: 'mongodb://127.0.0.1:9/', db: 'gf_unreachable', serverSelectionTimeoutMS: 300 };

  it.each([
    { name: 'the adapter', open: () => createMongoDocumentStore(unreachable) },
    { name: 'the lazy port createDeps builds', open: () => mainDocuments(unreachable) },
  ])('$name reports STORE.UNAVAILABLE with a hint; a bad version never reaches it', async ({ open }) => {
    const docs = open(); // no connection attempt yet: nothing to fail
    await expect(putConfigAt(docs, 'repo', 'acme/web', doc({}), -1)).rejects.toMatchObject({
      code: 'INPUT.INVALID',
    });
    await expect(docs.get('repo', 'acme/web')).rejects.toMatchObject({
      code: 'STORE.UNAVAILABLE',
      hint: expect.stringContaining('MONGODB_URL'),
    });
    await expect(docs.put('repo', 'acme/web', doc({}), 0)).rejects.toMatchObject({
      code: 'STORE.UNAVAILABLE',
    });
    await docs.close();
  });
});

/** The document store main.ts gets for MONGODB_URL; the store itself is never opened here. */
function mainDocuments(at: {
  url: string;
  db: string;
  serverSelectionTimeoutMS: number;
}): ExternalDocumentStore {
  const url = `${at.url}?serverSelectionTimeoutMS=${at.serverSelectionTimeoutMS}`;
  const deps = createDeps(testConfig({ MONGODB_URL: url, MONGODB_DB: at.db }), { logger: silentLogger() });
  if (!deps.documents) throw new Error('createDeps built no document store for MONGODB_URL');
  return deps.documents;
}

// ---- The use-cases' external-store path, over the in-memory test double ------------------------

const caller: Caller = {
  actor: { type: 'user', id: 'test:alice', name: 'Alice' },
  client: null,
  tool: null,
  correlationId: 'corr-doc',
};

/** A store whose transactions fail after the work is done: a commit that fails. */
const failingCommit = (store: GovernanceStore): GovernanceStore => ({
  kind: store.kind,
  reader: store.reader,
  write: (ws, fn) =>
    store.write(ws, async (tx) => {
      await fn(tx);
      throw new Error('commit failed');
    }),
  outbox: store.outbox,
  jobs: store.jobs,
  ping: () => store.ping(),
  close: () => store.close(),
});

describe('config updates with an external document store: compensation around the SQL commit', () => {
  let opened: OpenedStore;
  let docs: MemoryDocuments;
  beforeAll(async () => {
    opened = await sqliteBackend.open();
  });
  afterAll(() => opened?.cleanup());

  const run = (deps: CoreDeps, ws: string) =>
    updateConfig(deps, caller, {
      workspace: ws,
      scope: 'repo',
      override: { milestones: { autoCreate: true } },
    });
  const auditSeq = async (ws: string) => (await opened.store.reader.auditHead(ws))?.seq ?? 0;

  it('removes the version when the SQL transaction does not commit', async () => {
    docs = createMemoryDocuments();
    const ws = `${freshOwner()}/web`;
    const deps = {
      store: failingCommit(opened.store),
      clock: testClock(),
      bus: createMemoryBus(),
      documents: docs,
    };
    await expect(run(deps, ws)).rejects.toThrow('commit failed');
    expect(docs.versions('repo', ws)).toEqual([]);
    expect(docs.removed).toEqual([{ scope: 'repo', key: ws, version: 1 }]);
    expect(await auditSeq(ws)).toBe(0);
  });

  it('keeps the version when the commit happened and only the event publish failed (left for a retry)', async () => {
    docs = createMemoryDocuments();
    const ws = `${freshOwner()}/web`;
    const bus = {
      publish: () => Promise.reject(new Error('bus down')),
      subscribe: () => () => undefined,
    };
    const deps = { store: opened.store, clock: testClock(), bus, documents: docs };
    await expect(run(deps, ws)).resolves.toMatchObject({ version: 1 });
    expect(docs.versions('repo', ws)).toEqual([1]);
    expect(docs.removed).toEqual([]);
    expect(await auditSeq(ws)).toBe(1);
    const left = (await opened.store.outbox.pending({ limit: 10_000 })).filter(
      (e) => e.event.workspace === ws,
    );
    expect(left.map((e) => [e.event.type, e.attempts, e.lastError])).toEqual([
      ['config.updated', 1, 'bus down'],
    ]);
  });
});

describe('config tools through MCP with an external document store (in-memory test double)', () => {
  let c: Connected;
  let docs: MemoryDocuments;

  // connectClient builds deps without a document store; plug one in as main.ts does with MONGODB_URL.
  const connectWithDocuments = async () => {
    const conn = await connectClient();
    docs = createMemoryDocuments();
    conn.deps.config.close();
    conn.deps.documents = docs;
    conn.deps.config = createConfigService(conn.deps);
    return conn;
  };
  afterEach(() => c?.close());

  const update = (override: unknown, extra: Record<string, unknown> = {}, workspace = WS) =>
    c.call('update_config', { workspace, scope: 'repo', override, reason: 'test', ...extra });

  it('stores versions in the document store, not in SQL; get_config and history read them back', async () => {
    c = await connectWithDocuments();
    await c.ok('update_config', {
      workspace: WS,
      scope: 'repo',
      override: { generation: { maxTasksPerFeature: 6 } },
      reason: 'test',
    });
    const r = (await update({ generation: { maxTasksPerFeature: 7 } }, { expectedVersion: 1 }))
      .structuredContent;
    expect(r).toMatchObject({ version: 2, previousVersion: 1, changed: true });
    expect(docs.versions('repo', WS)).toEqual([1, 2]);
    expect(await c.store.reader.getConfigDoc('repo', WS)).toBeUndefined();

    const got = await c.ok('get_config', { workspace: WS, section: 'generation' });
    expect(got.config.generation.maxTasksPerFeature).toBe(7);
    expect(got.versions).toEqual({ org: null, repo: 2 });
    expect(got.overrides.repo).toMatchObject({ version: 2, updatedBy: 'test:alice' });

    const first = await c.deps.config.history({ workspace: WS, scope: 'repo', limit: 1 });
    expect(first.versions.map((v) => v.version)).toEqual([2]);
    const rest = await c.deps.config.history({
      workspace: WS,
      scope: 'repo',
      beforeVersion: first.nextBeforeVersion!,
    });
    expect(rest.versions.map((v) => v.override)).toEqual([{ generation: { maxTasksPerFeature: 6 } }]);
    expect(rest.nextBeforeVersion).toBeUndefined();
    expect((await c.auditAfter(0)).map((a) => a.action)).toEqual(['config.updated', 'config.updated']);
  });

  it('reports a stale expectedVersion as CONFIG.VERSION_CONFLICT and stores nothing', async () => {
    c = await connectWithDocuments();
    await update({ milestones: { autoCreate: true } });
    const seq = await c.auditSeq();
    const f = await c.failure('update_config', {
      workspace: WS,
      scope: 'repo',
      override: { milestones: { autoCreate: false } },
      expectedVersion: 0,
      reason: 'test',
    });
    expect(f).toMatchObject({ code: 'CONFIG.VERSION_CONFLICT', details: { currentVersion: 1 } });
    expect(docs.versions('repo', WS)).toEqual([1]);
    expect(await c.auditSeq()).toBe(seq);
  });

  it('removes the stored version again when the orphan check refuses the update', async () => {
    c = await connectWithDocuments();
    await update({ structure: { allowUnparentedTasks: true } });
    const task = await c.ok('create_item', { workspace: WS, type: 'task', title: 'Loose' });
    const seq = await c.auditSeq();
    const f = await c.failure('update_config', {
      workspace: WS,
      scope: 'repo',
      override: { structure: { allowUnparentedTasks: false } },
      reason: 'test',
    });
    expect(f.code).toBe('CONFIG.WOULD_ORPHAN');
    expect(f.message).toContain(task.item.id);
    expect(docs.versions('repo', WS)).toEqual([1]);
    expect(docs.removed).toEqual([{ scope: 'repo', key: WS, version: 2 }]);
    expect(await c.auditSeq()).toBe(seq);
    expect((await c.ok('get_config', { workspace: WS })).versions).toEqual({ org: null, repo: 1 });
  });

  it('create_item follows structure.allowUnparentedTasks held in the document store', async () => {
    c = await connectWithDocuments();
    await update({ structure: { allowUnparentedTasks: false } });
    expect(await c.err('create_item', { workspace: WS, type: 'task', title: 'Loose' })).toBe(
      'HIERARCHY.PARENT_REQUIRED',
    );
    await update({ structure: { allowUnparentedTasks: true } }, { expectedVersion: 1 });
    expect(
      (await c.ok('create_item', { workspace: WS, type: 'task', title: 'Loose' })).item.parentId,
    ).toBeNull();
    expect(await c.store.reader.getConfigDoc('repo', WS)).toBeUndefined();
  });

  it("checks an org update against the owner's other repositories' overrides in the document store", async () => {
    c = await connectWithDocuments();
    const api = 'acme/api';
    await update({ structure: { allowUnparentedTasks: true } }, {}, api);
    await c.ok('create_item', { workspace: api, type: 'task', title: 'Loose in api' });
    // api keeps allowing its loose task through its own override, so the org change is safe.
    const r = await c.ok('update_config', {
      workspace: WS,
      scope: 'org',
      override: { structure: { allowUnparentedTasks: false } },
      reason: 'test',
    });
    expect(r).toMatchObject({ scope: 'org', key: 'acme', version: 1 });
    expect(docs.versions('org', 'acme')).toEqual([1]);
    const apiConfig = await c.ok('get_config', { workspace: api, section: 'structure' });
    expect(apiConfig.config.structure.allowUnparentedTasks).toBe(true);
    expect(apiConfig.versions).toEqual({ org: 1, repo: 1 });
  });
});
