/**
 * An in-process MCP client connected to a real server over real deps, for tests that go through
 * the MCP surface (STYLE convention 8):
 *
 *   const c = await connectClient();            // fresh SQLite store
 *   const { item } = await c.ok('create_item', { workspace: WS, type: 'epic', title: 'E' });
 *   expect(await c.err('get_item', { workspace: WS, id: 'T-99' })).toBe('ITEM.NOT_FOUND');
 *   await c.close();
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  type ElicitRequest,
  type ElicitResult,
  type CallToolResult,
  type CreateMessageRequest,
  type CreateMessageResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { IssueTracker } from '../../src/governance/ports/issue-tracker.js';
import type { ModelPort } from '../../src/governance/ports/model.js';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Actor, AuditRecord } from '../../src/governance/model/audit.js';
import type { Clock } from '../../src/governance/ports/clock.js';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import type { ClosableDeps, Logger } from '../../src/mcp/deps.js';
import { ERROR_META_KEY, type ToolErrorPayload } from '../../src/mcp/errors.js';
import { CORRELATION_META_KEY } from '../../src/mcp/register-tools.js';
import type { Toolset } from '../../src/mcp/toolsets.js';
import { createDeps } from '../../src/composition/create-deps.js';
import { loadConfig, type ServeConfig } from '../../src/config/config.js';
import { buildServer } from '../../src/server.js';
import { ed25519Signer, generateAuditKey } from '../../src/store/files/audit-signer.js';
import type { AuditSigner } from '../../src/governance/ports/signer.js';
import { postgresBackend, sqliteBackend, type StoreBackend } from './store-backends.js';

/** The workspace most tests use. */
export const WS = 'acme/web';
export const T0 = '2025-01-15T10:00:00.000Z';
export const TEST_ACTOR: Actor = { type: 'user', id: 'test:alice', name: 'Alice' };
export const CLIENT_INFO = { name: 'test-client', version: '1.0.0' } as const;

/** A clock that only moves when the test moves it. */
export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(start: string = T0): TestClock {
  let t = Date.parse(start);
  return {
    now: () => new Date(t).toISOString(),
    set: (iso) => {
      t = Date.parse(iso);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg?: string;
}

/** A pino-compatible logger that prints nothing and keeps what it was given. */
export function silentLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object | string, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A configuration as `loadConfig` makes it from `env` alone (never the process environment), for
 * createDeps. Its store directory is never opened when the test passes its own store.
 */
export function testConfig(env: Record<string, string> = {}): ServeConfig {
  const config = loadConfig(['stdio'], { GF_DATA_DIR: join(tmpdir(), 'gf-test-unused'), ...env });
  if (config.command !== 'stdio') throw new Error(`testConfig: got command ${config.command}`);
  return config;
}

/** Thrown by `ok` on an error result and by `err` on a success, with the result's text. */
export class UnexpectedResult extends Error {
  constructor(
    message: string,
    readonly result: CallToolResult,
  ) {
    super(message);
  }
}

export type BackendName = 'sqlite' | 'postgres';

export type SamplingHandler = (req: CreateMessageRequest) => Promise<CreateMessageResult>;
export type ElicitationHandler = (req: ElicitRequest) => Promise<ElicitResult>;

export interface ConnectOptions {
  /** A back-end of test/helpers/store-backends.ts (default sqlite), or any backend that opens an isolated store. */
  backend?: BackendName | StoreBackend;
  readOnly?: boolean;
  toolsets?: readonly Toolset[];
  clock?: TestClock;
  actor?: Actor;
  /** The client's initialize clientInfo (default test-client 1.0.0). */
  clientInfo?: { name: string; version: string } & Record<string, unknown>;
  /**
   * Another connection whose store, bus and clock this one shares (a second client of the same
   * deployment, e.g. another actor). Closing this connection leaves them open.
   */
  share?: Connected;
  /** Declares the sampling capability and answers sampling/createMessage with this (test/helpers/sampling.ts). */
  sampling?: SamplingHandler;
  /** Declares the (form) elicitation capability and answers elicitation/create with this. */
  elicitation?: ElicitationHandler;
  /** deps.provider: an OpenAI-compatible provider the "configuration" names. */
  provider?: ModelPort;
  /** deps.github: the repositories the sync writes to (an adapter over the emulator). */
  github?: IssueTracker;
  /** deps.auditSigner (default: a fresh Ed25519 key per connection, or the shared one's); null for none. */
  auditSigner?: AuditSigner | null;
}

export interface Connected {
  client: Client;
  deps: ClosableDeps;
  store: GovernanceStore;
  /** Raw SQL on the store's own database, behind the server's back. */
  exec(sql: string, params?: unknown[]): Promise<number>;
  clock: TestClock;
  logger: ReturnType<typeof silentLogger>;
  call(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<CallToolResult>;
  /** structuredContent of a successful call; throws with the error text otherwise. */
  ok<T = any>(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<T>;
  /** The error code of a failed call; throws if the call succeeded. */
  err(name: string, args: Record<string, unknown>): Promise<string>;
  /** The whole error payload (code, message, hint, details) of a failed call. */
  failure(name: string, args: Record<string, unknown>): Promise<ToolErrorPayload>;
  /** Seq of the workspace's audit head (0 for none): the number of records in an intact chain. */
  auditSeq(workspace?: string): Promise<number>;
  /** Records after `seq`, oldest first. */
  auditAfter(seq: number, workspace?: string): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

const BACKENDS: Record<BackendName, StoreBackend> = { sqlite: sqliteBackend, postgres: postgresBackend };

export function errorPayload(result: CallToolResult): ToolErrorPayload | undefined {
  return result._meta?.[ERROR_META_KEY] as ToolErrorPayload | undefined;
}

/** What the other side of a JSON transport receives. */
export const wire = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);

const textOf = (r: CallToolResult): string =>
  r.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');

export async function connectClient(opts: ConnectOptions = {}): Promise<Connected> {
  const backend = typeof opts.backend === 'object' ? opts.backend : BACKENDS[opts.backend ?? 'sqlite'];
  const opened = opts.share
    ? {
        store: opts.share.store,
        cleanup: async () => undefined,
        exec: () => Promise.reject(new Error('a shared client has no database of its own')),
      }
    : await backend.open();
  const clock = opts.clock ?? opts.share?.clock ?? testClock();
  const logger = silentLogger();
  const signer =
    opts.auditSigner === undefined
      ? (opts.share?.deps.auditSigner ?? ed25519Signer(generateAuditKey()))
      : opts.auditSigner;
  // The deps main.ts builds, over this test's store, clock and logger. One configuration service
  // per connection, as one per process: a shared connection gets its own cache on the same bus.
  const deps = createDeps(testConfig(), {
    store: opened.store,
    clock,
    logger,
    ...(opts.share && { bus: opts.share.deps.bus }),
    actor: opts.actor ?? TEST_ACTOR,
    serverInfo: { name: 'governance-factory', version: '0.0.0-test' },
    provider: opts.provider,
    ...(opts.github && { github: opts.github }),
    auditSigner: signer ?? undefined,
  });
  const server = buildServer(deps, {
    ...(opts.readOnly !== undefined && { readOnly: opts.readOnly }),
    ...(opts.toolsets !== undefined && { toolsets: opts.toolsets }),
  });
  const capabilities = {
    ...(opts.sampling && { sampling: {} }),
    ...(opts.elicitation && { elicitation: { form: {} } }),
  };
  const client = new Client(
    { ...(opts.clientInfo ?? CLIENT_INFO) },
    Object.keys(capabilities).length > 0 ? { capabilities } : {},
  );
  const sampling = opts.sampling;
  if (sampling) client.setRequestHandler(CreateMessageRequestSchema, (req) => sampling(req));
  const elicitation = opts.elicitation;
  if (elicitation) client.setRequestHandler(ElicitRequestSchema, (req) => elicitation(req));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  try {
    await server.connect(serverSide);
    await client.connect(clientSide);
    // Caches the advertised output schemas, so the client checks every structuredContent too.
    await client.listTools();
  } catch (e) {
    await deps.close();
    await opened.cleanup();
    throw e;
  }

  // Through JSON, as over a real transport (the in-memory one passes objects by reference).
  const call = async (name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: wire(args), ...(meta && { _meta: meta }) })) as CallToolResult;

  const failure = async (name: string, args: Record<string, unknown>): Promise<ToolErrorPayload> => {
    const r = await call(name, args);
    if (!r.isError) throw new UnexpectedResult(`${name} succeeded: ${textOf(r)}`, r);
    const payload = errorPayload(r);
    if (!payload) throw new UnexpectedResult(`${name} failed without an error payload: ${textOf(r)}`, r);
    return payload;
  };

  let closed = false;
  return {
    client,
    deps,
    store: opened.store,
    exec: (sql, params) => opened.exec(sql, params),
    clock,
    logger,
    call,
    async ok(name, args, meta) {
      const r = await call(name, args, meta);
      if (r.isError) throw new UnexpectedResult(`${name} failed: ${textOf(r)}`, r);
      return r.structuredContent as any;
    },
    async err(name, args) {
      return (await failure(name, args)).code;
    },
    failure,
    async auditSeq(workspace = WS) {
      return (await opened.store.reader.auditHead(workspace))?.seq ?? 0;
    },
    async auditAfter(seq, workspace = WS) {
      return opened.store.reader.auditRange(workspace, seq, 10_000);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
        await server.close();
      } finally {
        try {
          await deps.close();
        } finally {
          await opened.cleanup();
        }
      }
    },
  };
}

/** A fresh client (and store) for each test of the enclosing describe, closed after it. */
export function useClient(opts: ConnectOptions = {}): () => Connected {
  let current: Connected | undefined;
  beforeEach(async () => {
    current = await connectClient(opts);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('useClient: no client outside a test');
    return current;
  };
}

let sharedWorkspaces = 0;
let currentWorkspace: string | undefined;

/** The current test's workspace under useSharedClient (tests of one file run one at a time). */
export function ws(): string {
  if (!currentWorkspace) throw new Error('ws: no shared-client workspace outside a test');
  return currentWorkspace;
}

/**
 * One client (and store) for the enclosing describe and a fresh workspace per test, for suites
 * whose tests touch only their own workspace through the MCP surface: opening a store costs far
 * more than the writes of a typical test. `ws()` is the test's workspace, the client's `auditSeq`
 * and `auditAfter` default to it, and the clock is back at T0 before each test.
 */
export function useSharedClient(opts: ConnectOptions = {}): () => Connected {
  let shared: Connected | undefined;
  let current: Connected | undefined;
  beforeAll(async () => {
    shared = await connectClient(opts);
  });
  afterAll(async () => {
    await shared?.close();
    shared = undefined;
  });
  beforeEach(() => {
    const open = shared;
    if (!open) throw new Error('useSharedClient: the client did not open');
    const workspace = `acme/t${++sharedWorkspaces}-${Math.random().toString(36).slice(2, 8)}`;
    currentWorkspace = workspace;
    open.clock.set(T0);
    current = {
      ...open,
      auditSeq: (w = workspace) => open.auditSeq(w),
      auditAfter: (seq, w = workspace) => open.auditAfter(seq, w),
    };
  });
  afterEach(() => {
    current = undefined;
    currentWorkspace = undefined;
  });
  return () => {
    if (!current) throw new Error('useSharedClient: no client outside a test');
    return current;
  };
}

export interface SeededTree {
  epic: string;
  features: [string, string];
  /** Three tasks under each feature, in creation order. */
  tasks: [[string, string, string], [string, string, string]];
  /** Every id, depth-first (epic, F1, its tasks, F2, its tasks). */
  all: string[];
}

/** epic -> 2 features -> 3 tasks each: E-1, F-2 (T-3, T-4, T-5), F-6 (T-7, T-8, T-9). 9 audit records. */
export async function seedHierarchy(c: Connected, workspace: string = WS): Promise<SeededTree> {
  const create = async (type: string, title: string, parentId?: string): Promise<string> =>
    (await c.ok('create_item', { workspace, type, title, ...(parentId && { parentId }) })).item.id as string;
  const epic = await create('epic', 'Checkout');
  const features: string[] = [];
  const tasks: string[][] = [];
  for (const f of ['Cart', 'Payment']) {
    const fid = await create('feature', f, epic);
    features.push(fid);
    const ts: string[] = [];
    for (let i = 1; i <= 3; i++) ts.push(await create('task', `${f} task ${i}`, fid));
    tasks.push(ts);
  }
  return {
    epic,
    features: features as SeededTree['features'],
    tasks: tasks as SeededTree['tasks'],
    all: [epic, features[0]!, ...tasks[0]!, features[1]!, ...tasks[1]!],
  };
}

/** Sets a leaf's status through the allowed path from planning. */
export const STATUS_PATH: Record<string, { status: string; reason?: string }[]> = {
  planning: [],
  in_progress: [{ status: 'in_progress' }],
  review: [{ status: 'in_progress' }, { status: 'review' }],
  done: [{ status: 'in_progress' }, { status: 'done' }],
  blocked: [{ status: 'blocked', reason: 'waiting on keys' }],
  cancelled: [{ status: 'cancelled', reason: 'out of scope' }],
};

export async function driveTo(
  c: Connected,
  id: string,
  status: string,
  workspace: string = WS,
): Promise<void> {
  for (const step of STATUS_PATH[status] ?? []) await c.ok('set_item_status', { workspace, id, ...step });
}

export { CORRELATION_META_KEY };
