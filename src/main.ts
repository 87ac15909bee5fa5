// Composition root and the `governance-factory` bin. Only this file wires adapters and transports.
// Cold start matters (clients spawn the server per session): the transports, express, kysely and
// the database drivers are imported only on the path that needs them, and the store opens on the
// first call that needs data, never for initialize or tools/list.
import { fileURLToPath } from 'node:url';
import pkg from '../package.json' with { type: 'json' };
import {
  ConfigError,
  loadConfig,
  type ModelProviderConfig,
  type ServeConfig,
  type StoreConfig,
} from './config/config.js';
import { USAGE } from './config/usage.js';
import type { CoreDeps } from './governance/ports/core-deps.js';
import type { EventBus } from './governance/ports/events.js';
import type { GovernanceStore } from './governance/ports/store.js';
import type { PolicySources } from './governance/ports/policy-source.js';
import type { ConfigService } from './governance/use-cases/config-service.js';
import type { Deps, Logger } from './mcp/deps.js';
import type { ServerOptions } from './server.js';
import { deferredLogger, type LevelLogger } from './shared/deferred-logger.js';
import { systemClock } from './shared/system-clock.js';
import { lazyStore } from './store/lazy-store.js';
import { lazyMongoDocuments } from './store/mongo/lazy.js';
import { createMemoryBus } from './store/memory/event-bus.js';
import { lazyOpenAiProvider } from './llm/lazy.js';
import { lazyGitHubPolicySource } from './github/lazy.js';
import { lazyFilePolicySource } from './store/files/lazy.js';
import { lazyAuditSigner } from './store/files/audit-signer.js';
import { lazyOnce } from './shared/lazy-once.js';
import { keeps } from './shared/log-levels.js';

const NAME = 'governance-factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${NAME}: ${err.message}`);
    process.exit(2);
  }
  if (config.command === 'help') return void process.stdout.write(USAGE);
  if (config.command === 'version') return void process.stdout.write(`${pkg.version}\n`);

  // stderr only: under stdio, stdout belongs to the protocol. pino loads just after start-up.
  // pino spells the warning level `warn`.
  const level = config.logLevel === 'warning' ? 'warn' : config.logLevel;
  const log = deferredLogger(
    async () => {
      const { default: pino } = await import('pino');
      const p = pino({ name: NAME, level }, pino.destination(2));
      // A plain object: pino's type has a string index (custom levels), which TS reads as a thenable.
      return {
        debug: (o, m) => p.debug(o, m),
        info: (o, m) => p.info(o, m),
        warn: (o, m) => p.warn(o, m),
        error: (o, m) => p.error(o, m),
      } satisfies LevelLogger;
    },
    undefined,
    keeps(config.logLevel),
  );
  const deps = buildDeps(config, log);
  scheduleCheckpoints(deps, config.audit.checkpointMinutes, log);
  const options: ServerOptions = {
    readOnly: config.readOnly,
    ...(config.toolsets ? { toolsets: config.toolsets } : {}),
  };

  if (config.command === 'stdio') {
    const { serveStdio } = await import('./transports/stdio.js');
    await serveStdio(deps, options, config.stdio, log);
    return;
  }
  const { serveHttp } = await import('./transports/http.js');
  try {
    const { url } = await serveHttp(deps, options, config.http, log);
    process.stdout.write(banner(url, config));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      const why =
        code === 'EADDRINUSE'
          ? 'is already in use'
          : code === 'EACCES'
            ? 'needs more privileges'
            : 'is not available';
      console.error(
        `${NAME}: cannot listen on ${config.http.host}:${config.http.port}: the address ${why}. ` +
          'Choose another with --port/GF_PORT or --host/GF_HOST.',
      );
      process.exit(1);
    }
    throw err;
  }
}

function buildDeps(config: ServeConfig, log: Logger): Deps {
  const bus = createMemoryBus((err, event) =>
    log.warn({ err, event: event.type }, 'event subscriber failed'),
  );
  const store = openStore(config.store, bus, log);
  // The driver loads on the first configuration read or write; closed with the store.
  const documents = config.documents && lazyMongoDocuments(config.documents);
  const core: CoreDeps = documents
    ? { store: closingAlso(store, () => documents.close()), bus, clock: systemClock, documents }
    : { store, bus, clock: systemClock };
  return {
    ...core,
    config: lazyConfigService(core),
    logger: log,
    actor: config.actor,
    serverInfo: { name: NAME, version: pkg.version },
    ...(config.model ? { provider: provider(config.model, log) } : {}),
    policySources: policySources(config, log),
    auditSigner: lazyAuditSigner({
      ...(config.audit.signingKey ? { key: config.audit.signingKey } : {}),
      file: config.audit.keyFile,
      onCreated: (file, publicKey) =>
        log.warn({ file, publicKey }, 'created a new audit signing key; keep a copy of its public key'),
    }),
  };
}

/** Only the sources the configuration enables; their adapters load on first use. */
function policySources(config: ServeConfig, log: Logger): PolicySources {
  return {
    ...(config.github && {
      github: lazyGitHubPolicySource({
        token: config.github.token,
        baseUrl: config.github.apiUrl,
        userAgent: `${NAME}/${pkg.version}`,
        // Octokit's own warnings (deprecations, throttling) go to the process log, on stderr.
        log: {
          debug: (m) => log.debug({ component: 'octokit' }, m),
          info: (m) => log.debug({ component: 'octokit' }, m),
          warn: (m) => log.warn({ component: 'octokit' }, m),
          error: (m) => log.error({ component: 'octokit' }, m),
        },
      }),
    }),
    ...(config.policyDir && { file: lazyFilePolicySource({ dir: config.policyDir }) }),
  };
}

/**
 * Signs every audit head that moved since its last checkpoint, every `minutes` while the server runs.
 * Unref'd: it never keeps a finished process alive. A run still going when the next is due skips it.
 */
function scheduleCheckpoints(deps: Deps, minutes: number, log: Logger): void {
  const signer = deps.auditSigner;
  if (minutes === 0 || !signer) return;
  let running = false;
  const run = async () => {
    const { checkpointAll } = await import('./governance/use-cases/checkpoint-audit.js');
    const n = await checkpointAll(deps, signer, (workspace, err) =>
      log.warn({ err, workspace }, 'audit checkpoint refused or failed'),
    );
    if (n > 0) log.info({ checkpoints: n }, 'signed audit checkpoints');
  };
  setInterval(() => {
    if (running) return;
    running = true;
    run()
      .catch((err: unknown) => log.warn({ err }, 'audit checkpoints failed'))
      .finally(() => (running = false));
  }, minutes * 60_000).unref();
}

/**
 * Lazy: opens (and migrates) on first use, then starts the outbox relay, which publishes what a
 * previous run left pending and retries failed publications; closing the store stops it.
 */
function openStore(cfg: StoreConfig, bus: EventBus, log: Logger): GovernanceStore {
  const open =
    cfg.kind === 'postgres'
      ? () =>
          import('./store/postgres/index.js').then((m) =>
            m.createPostgresStore({ url: cfg.url, schema: cfg.schema }),
          )
      : () => import('./store/sqlite/index.js').then((m) => m.createSqliteStore({ dataDir: cfg.dataDir }));
  const where =
    cfg.kind === 'postgres' ? { schema: cfg.schema, host: safeHost(cfg.url) } : { dataDir: cfg.dataDir };
  return lazyStore(cfg.kind, async () => {
    const started = performance.now();
    let store: GovernanceStore;
    try {
      store = await open();
    } catch (err) {
      log.error({ err, store: cfg.kind, ...where }, 'cannot open the store');
      throw err;
    }
    log.info({ store: cfg.kind, ...where, ms: Math.round(performance.now() - started) }, 'store opened');
    // The opened store, not the lazy one: going through the lazy store here would wait on itself.
    const { createOutboxRelay } = await import('./governance/use-cases/outbox-relay.js');
    const relay = createOutboxRelay(
      { store, bus, clock: systemClock },
      {
        onError: (err, entry) =>
          log.warn(
            {
              err,
              ...(entry && { event: entry.event.id, type: entry.event.type, attempts: entry.attempts + 1 }),
            },
            entry ? 'event publication failed; it will be retried' : 'outbox relay failed',
          ),
      },
    );
    relay.start();
    return {
      ...store,
      close: async () => {
        await relay.stop();
        await store.close();
      },
    };
  });
}

/** The transports close the store on shutdown; this closes `other` (the document store) with it. */
function closingAlso(store: GovernanceStore, other: () => Promise<void>): GovernanceStore {
  return {
    kind: store.kind,
    reader: store.reader,
    write: (ws, fn) => store.write(ws, fn),
    outbox: store.outbox,
    ping: () => store.ping(),
    close: async () => {
      await Promise.all([store.close(), other()]);
    },
  };
}

/**
 * The config service, created on first use: its module builds the configuration schemas on import,
 * which initialize and tools/list do not need. Nothing is cached before it exists, so no
 * `config.updated` event can be missed; it subscribes to the bus when created, and it reads the
 * (lazy) store only when asked for a configuration.
 */
function lazyConfigService(core: CoreDeps): ConfigService {
  let closed = false;
  const service = lazyOnce(async () => {
    const created = (await import('./governance/use-cases/config-service.js')).createConfigService(core);
    if (closed) created.close();
    return created;
  });
  const get = service.get;
  return {
    effective: async (workspace) => (await get()).effective(workspace),
    update: async (caller, cmd) => (await get()).update(caller, cmd),
    history: async (query) => (await get()).history(query),
    close: () => {
      closed = true;
      service
        .started()
        ?.then((s) => s.close())
        .catch(() => undefined);
    },
  };
}

/** Only what OPENAI_BASE_URL and GF_MODEL_* name; logged without the key or URL credentials. */
function provider(cfg: ModelProviderConfig, log: Logger) {
  log.info({ host: safeHost(cfg.baseUrl), models: cfg.models }, 'model provider configured');
  return lazyOpenAiProvider({
    baseUrl: cfg.baseUrl,
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
    models: cfg.models,
    timeoutMs: cfg.timeoutMs,
  });
}

/** The database host for logs, never the credentials. */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

function banner(url: string, config: ServeConfig): string {
  const self = fileURLToPath(import.meta.url);
  const claude = { mcpServers: { [NAME]: { command: 'node', args: [self, 'stdio'] } } };
  const vscode = { servers: { [NAME]: { type: 'http', url } } };
  const auth =
    config.http.authToken || config.http.identities.length > 0
      ? '\n  (send the header  Authorization: Bearer <token>)'
      : '';
  return `
${NAME} ${pkg.version} listening on ${url}${auth}
  store: ${config.store.kind === 'sqlite' ? config.store.dataDir : `PostgreSQL, schema ${config.store.schema}`}

Connect with:
  MCP Inspector      npx @modelcontextprotocol/inspector   then enter ${url}
  Claude Desktop     claude_desktop_config.json (stdio):
    ${JSON.stringify(claude)}
  VS Code            .vscode/mcp.json:
    ${JSON.stringify(vscode)}

Logs go to stderr. Stop with Ctrl+C.
`;
}

main().catch((err: unknown) => {
  console.error(`${NAME}: failed to start:`, err);
  process.exit(1);
});
