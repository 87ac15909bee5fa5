/**
 * The project's GitHub API emulator: a node:http server on 127.0.0.1 (port 0 by default) with state
 * (issues, pull requests, issue types, sub-issues, dependencies, labels, milestones), REST routed
 * and validated by openapi-backend against GitHub's OpenAPI description, GraphQL validated against
 * GitHub's schema, rate limits (primary and secondary), fault injection and a request log.
 *
 *   const gh = await startGitHubEmulator({ tokens: ['t0ken'] });
 *   gh.putFile('acme/web', '.github/governance.yml', 'generation: {}\n');
 *   gh.faults.add({ kind: 'lost-response', operation: 'issues/create' });
 *   createOctokit({ token: 't0ken', baseUrl: gh.url });
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatedRepo } from './contents.js';
import { controlAnswer } from './control.js';
import { Faults, type Fault } from './faults.js';
import { Limits, type LimitOptions, type RateLimit } from './limits.js';
import { restBackend } from './openapi.js';
import { handle, type Core, type RecordedRequest } from './pipeline.js';
import { write } from './respond.js';
import { OPERATION_IDS } from './rest/index.js';
import { DEFAULT_SEED, FULL_ACCESS, type Seed } from './seed.js';
import { EmulatorState } from './state.js';
import { Webhooks, type WebhookConfig } from './webhooks.js';

export type { RecordedRequest } from './pipeline.js';
export type { RateLimit } from './limits.js';

export interface EmulatorOptions {
  /** Tokens with every permission, acting as `octocat` (replace the seed's tokens when given). */
  tokens?: string[];
  /** Owners, repositories, issue types and tokens; the default has acme/web and the hierarchy's types. */
  seed?: Seed;
  /** At 60 a minute lasts one second (secondary limits, rate-limit resets). */
  timeScale?: number;
  limits?: Omit<LimitOptions, 'timeScale'>;
  /** Where issue events are delivered, signed with `secret`. */
  webhook?: WebhookConfig;
  port?: number;
  host?: string;
}

export interface GitHubEmulator {
  url: string;
  state: EmulatorState;
  faults: Faults;
  limits: Limits;
  /** Set `webhooks.config` to start deliveries; `webhooks.deliveries` lists them. */
  webhooks: Webhooks;
  /** Every request answered (control requests aside), oldest first. */
  requests: RecordedRequest[];
  /** The core (REST) primary rate limit. */
  rateLimit: RateLimit;
  /** Answer with the JSON form even when the raw media type is asked for (as some proxies do). */
  ignoreRawMediaType: boolean;
  /** Send bodies chunked, without content-length (as GitHub does for some responses). */
  chunked: boolean;
  putFile(workspace: string, path: string, content: string | Buffer, ref?: string): void;
  /** The token may authenticate but not read the repository's contents (403). */
  deny(workspace: string, token: string): void;
  /** The next `times` requests fail with this server error status. */
  failNext(status: number, times?: number): void;
  /** Arms a fault (see faults.ts). */
  fault(f: Fault): void;
  /** Content-creating writes the log holds (a GraphQL document counts each mutation). */
  contentCreating(): number;
  /** Full rate limits, no pending faults, raw media type honoured (state, files and tokens stay). */
  reset(): void;
  close(): Promise<void>;
}

export async function startGitHubEmulator(opts: EmulatorOptions = {}): Promise<GitHubEmulator> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const state = new EmulatorState(opts.tokens ? { ...seed, tokens: [] } : seed);
  for (const t of opts.tokens ?? []) state.addToken(t, 'octocat', FULL_ACCESS);
  const limits = new Limits({ ...opts.limits, timeScale: opts.timeScale ?? 1 });
  const faults = new Faults();
  const contents = {
    repos: new Map<string, EmulatedRepo>(),
    denied: new Set<string>(),
    ignoreRawMediaType: false,
  };
  const failures: number[] = [];
  let chunked = false;
  let base = '';
  const webhooks = new Webhooks(state, () => ({ api: base, web: base }));
  webhooks.config = opts.webhook;

  const emu: GitHubEmulator = {
    url: '',
    state,
    faults,
    limits,
    webhooks,
    requests: [],
    get rateLimit() {
      return limits.buckets.core;
    },
    set rateLimit(r: RateLimit) {
      limits.buckets.core = { ...r };
    },
    get ignoreRawMediaType() {
      return contents.ignoreRawMediaType;
    },
    set ignoreRawMediaType(v: boolean) {
      contents.ignoreRawMediaType = v;
    },
    get chunked() {
      return chunked;
    },
    set chunked(v: boolean) {
      chunked = v;
    },
    putFile(workspace, path, content, ref) {
      const key = workspace.toLowerCase();
      const repo = contents.repos.get(key) ?? { defaultBranch: 'main', refs: new Map() };
      contents.repos.set(key, repo);
      const name = ref ?? repo.defaultBranch;
      const files = repo.refs.get(name) ?? new Map<string, Buffer>();
      repo.refs.set(name, files);
      files.set(path, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
    },
    deny: (workspace, token) => void contents.denied.add(`${workspace.toLowerCase()} ${token}`),
    failNext: (status, times = 1) => void failures.push(...Array<number>(times).fill(status)),
    fault: (f) => faults.add(f),
    contentCreating: () => emu.requests.reduce((n, r) => n + r.creates, 0),
    reset() {
      failures.length = 0;
      faults.clear();
      limits.reset();
      contents.ignoreRawMediaType = false;
      chunked = false;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // Hanging requests (a `hang` fault) would keep the server open for ever.
        server.closeAllConnections();
      }),
  };

  const core: Core = {
    state,
    limits,
    faults,
    api: await restBackend(OPERATION_IDS),
    contents,
    requests: emu.requests,
    failures,
    chunked: () => chunked,
    base: () => base,
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const raw = Buffer.concat(chunks);
      limits.inFlight++;
      res.on('close', () => limits.inFlight--);
      const work = url.pathname.startsWith('/_emulator/')
        ? Promise.resolve(write(res, controlAnswer(emu, req.method ?? 'GET', url.pathname, raw), {}))
        : handle(core, req, res, raw, url);
      work.catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  base = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  emu.url = base;
  return emu;
}
