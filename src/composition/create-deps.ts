/**
 * Builds the dependencies a server runs on, for main.ts and for the tests alike. Cold start matters
 * (clients spawn the server per session): every adapter here is a lazy port whose module loads on
 * the first call that needs it, never for initialize or tools/list.
 */
import { hostname } from 'node:os';
import pkg from '../../package.json' with { type: 'json' };
import type { ModelProviderConfig, ServeConfig } from '../config/config.js';
import type { CoreDeps } from '../governance/ports/core-deps.js';
import { DomainError } from '../governance/errors.js';
import { ModelFailure, type ModelPort } from '../governance/ports/model.js';
import type { GitHubClient } from '../github/octokit.js';
import type { Caller } from '../governance/ports/caller.js';
import type { IssueTracker } from '../governance/ports/issue-tracker.js';
import type { PolicySources } from '../governance/ports/policy-source.js';
import type { ConfigService } from '../governance/use-cases/config-service.js';
import { createResultCache } from '../governance/use-cases/result-cache.js';
import type { ClosableDeps, Deps, Logger } from '../mcp/deps.js';
import { lazyPort } from '../shared/lazy-port.js';
import { systemClock } from '../shared/system-clock.js';
import { openAuditSigner } from '../store/files/audit-signer.js';
import { createMemoryBus } from '../store/memory/event-bus.js';
import { openStore, safeHost } from './open-store.js';
import { processLogger } from './process-logger.js';

export const SERVER_INFO = { name: 'governance-factory', version: pkg.version } as const;

/**
 * Parts to use instead of the ones the configuration names (tests pass their store, clock, logger,
 * signer...). An optional part given as undefined is left out (no provider, no signer). What is
 * passed in stays its owner's to close.
 */
export type DepsOverrides = Partial<Deps>;

export function createDeps(config: ServeConfig, overrides: DepsOverrides = {}): ClosableDeps {
  const has = (key: keyof Deps) => Object.hasOwn(overrides, key);

  const logger = overrides.logger ?? processLogger(SERVER_INFO.name, config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const bus =
    overrides.bus ??
    createMemoryBus((err, event) => logger.warn({ err, event: event.type }, 'event subscriber failed'));
  const store = overrides.store ?? openStore(config.store, { bus, clock, log: logger });
  // The driver loads on the first configuration read or write.
  const docs = config.documents;
  const documents = has('documents')
    ? overrides.documents
    : docs &&
      lazyPort(async () => (await import('../store/mongo/documents.js')).createMongoDocumentStore(docs), {
        known: { kind: 'mongodb' },
        name: 'the MongoDB document store',
      });
  const core: CoreDeps = { store, bus, clock, ...(documents && { documents }) };
  // Its module builds the configuration schemas on import, which initialize and tools/list do not
  // need. It subscribes to the bus when created and caches nothing before, so it misses no event.
  const configService =
    overrides.config ??
    lazyPort<ConfigService>(
      async () => (await import('../governance/use-cases/config-service.js')).createConfigService(core),
      { name: 'the configuration service' },
    );
  const cache = overrides.cache ?? createResultCache(bus, { nowMs: () => Date.parse(clock.now()) });
  // What this call made, and so closes: the stores after the configuration service that reads them.
  const owned: { close(): unknown }[] = [
    ...(overrides.cache ? [] : [cache]),
    ...(overrides.config ? [] : [configService]),
    ...(overrides.store ? [] : [store]),
    ...(documents && !has('documents') ? [documents] : []),
  ];

  const provider = has('provider') ? overrides.provider : config.model && modelProvider(config.model, logger);
  const auditSigner = has('auditSigner')
    ? overrides.auditSigner
    : lazyPort(
        () =>
          openAuditSigner({
            ...(config.audit.signingKey ? { key: config.audit.signingKey } : {}),
            file: config.audit.keyFile,
            onCreated: (file, publicKey) =>
              logger.warn(
                { file, publicKey },
                'created a new audit signing key; keep a copy of its public key',
              ),
          }),
        {},
      );

  const clients = githubClients(config, logger);
  const octokit = clients?.default;
  const github = has('github')
    ? overrides.github
    : clients &&
      lazyPort<IssueTracker>(
        async () => {
          const { githubIssueTracker } = await import('../github/issue-tracker.js');
          const trackers = new Map<string, IssueTracker>();
          const callerTokens = config.github?.callerTokens ?? {};
          // The caller's own token where the deployment maps it, else the server's access.
          const trackerFor = async (caller: Caller | undefined) => {
            const token = caller ? callerTokens[caller.actor.id] : undefined;
            const client = token !== undefined ? clients.forToken(token) : clients.default;
            if (!client) throw noGitHubFor(caller?.actor.id);
            const key = token ?? '';
            let t = trackers.get(key);
            if (!t) trackers.set(key, (t = githubIssueTracker(await client())));
            return t;
          };
          return {
            open: async (owner, repo, caller, opts) =>
              (await trackerFor(caller)).open(owner, repo, undefined, opts),
            setup: async (owner, repo, caller) => (await trackerFor(caller)).setup(owner, repo),
            pullRequest: async (owner, repo, number, caller) =>
              (await trackerFor(caller)).pullRequest(owner, repo, number),
          };
        },
        { name: 'the GitHub issue tracker' },
      );

  let closing: Promise<void> | undefined;
  return {
    ...core,
    config: configService,
    cache,
    logger,
    actor: overrides.actor ?? config.actor,
    serverInfo: overrides.serverInfo ?? SERVER_INFO,
    runner: overrides.runner ?? {
      owner: `${hostname()}:${process.pid}:${globalThis.crypto.randomUUID().slice(0, 8)}`,
      leaseMs: config.jobLeaseMs,
    },
    ...(provider && { provider }),
    ...(auditSigner && { auditSigner }),
    policySources: overrides.policySources ?? policySources(octokit, config.policyDir),
    ...(github && { github }),
    close: () =>
      (closing ??= (async () => {
        // Every part gets closed even when one fails; the first failure is reported.
        const failures: unknown[] = [];
        for (const part of owned)
          await Promise.resolve(part.close()).catch((err: unknown) => failures.push(err));
        if (failures.length > 0) throw failures[0];
      })()),
  };
}

const noGitHubFor = (actor: string | undefined) =>
  new DomainError(
    'GITHUB.NOT_CONFIGURED',
    `No GitHub access for ${actor ? `caller ${actor.slice(0, 200)}` : 'this call'}: GF_GITHUB_TOKENS has no token for it and no GITHUB_TOKEN or GitHub App is set`,
    'Add the caller to GF_GITHUB_TOKENS (<actor id>=<token>), or set GITHUB_TOKEN as the default, and restart the server.',
    { variable: 'GF_GITHUB_TOKENS' },
  );

/**
 * The Octokits of the deployment, each built on first use: the server's own (GITHUB_TOKEN or the
 * GitHub App; absent when only callers have tokens) and one per caller token (GF_GITHUB_TOKENS).
 */
function githubClients(
  config: ServeConfig,
  log: Logger,
):
  | {
      default: (() => Promise<GitHubClient>) | undefined;
      forToken(token: string): () => Promise<GitHubClient>;
    }
  | undefined {
  const github = config.github;
  if (!github) return undefined;
  const built = new Map<string, Promise<GitHubClient>>();
  const client = (key: string, auth: { token: string } | { app: NonNullable<typeof github.app> }) => () => {
    let c = built.get(key);
    if (!c) {
      c = import('../github/octokit.js').then((o) =>
        o.createOctokit({
          ...auth,
          baseUrl: github.apiUrl,
          writeIntervalMs: github.writeIntervalMs,
          userAgent: `${SERVER_INFO.name}/${SERVER_INFO.version}`,
          // Octokit's own warnings (deprecations, throttling) go to the process log, on stderr.
          log: {
            debug: (m) => log.debug({ component: 'octokit' }, m),
            info: (m) => log.debug({ component: 'octokit' }, m),
            warn: (m) => log.warn({ component: 'octokit' }, m),
            error: (m) => log.error({ component: 'octokit' }, m),
          },
        }),
      );
      built.set(key, c);
    }
    return c;
  };
  const fallback =
    github.token !== undefined
      ? client('default', { token: github.token })
      : github.app
        ? client('default', { app: github.app })
        : undefined;
  return { default: fallback, forToken: (token) => client(`token:${token}`, { token }) };
}

/** Only the sources the configuration enables; their adapters load on first use. */
function policySources(
  octokit: (() => Promise<GitHubClient>) | undefined,
  dir: string | undefined,
): PolicySources {
  return {
    ...(octokit && {
      github: lazyPort(
        async () => (await import('../github/policy-source.js')).createGitHubPolicySource(await octokit()),
        { known: { kind: 'github' } },
      ),
    }),
    ...(dir && {
      // The adapter and the YAML library its policy parser pulls in load on the first read.
      file: lazyPort(
        async () => (await import('../store/files/policy-file-source.js')).createFilePolicySource({ dir }),
        { known: { kind: 'file' } },
      ),
    }),
  };
}

/** Only what OPENAI_BASE_URL and GF_MODEL_* name; logged without the key or URL credentials. */
function modelProvider(cfg: ModelProviderConfig, log: Logger): ModelPort {
  log.info({ host: safeHost(cfg.baseUrl), models: cfg.models }, 'model provider configured');
  return lazyPort(
    async () =>
      (await import('../llm/openai-provider.js')).openAiProvider({
        baseUrl: cfg.baseUrl,
        ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
        models: cfg.models,
        timeoutMs: cfg.timeoutMs,
      }),
    {
      known: { kind: 'provider' },
      // The message is what callers show and audit; the cause keeps the reason for the log.
      loadError: (cause) =>
        Object.assign(new ModelFailure('unavailable', 'The model provider client could not be loaded'), {
          cause,
        }),
    },
  );
}
