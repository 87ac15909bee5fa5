/**
 * The one place an Octokit is built: @octokit/rest (REST methods, pagination) with @octokit/graphql
 * (`octokit.graphql`, paginated by plugin-paginate-graphql), retry (server errors, only for requests
 * that are safe to repeat) and throttling (rate limits, and content-creating requests paced below
 * GitHub's secondary limit). A tool call waits for GitHub at most briefly: a rate limit that resets
 * later is reported to the caller (GITHUB.RATE_LIMITED with the reset time) rather than slept through.
 */
import { createAppAuth } from '@octokit/auth-app';
import { paginateGraphQL } from '@octokit/plugin-paginate-graphql';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
/** The REST API version every request pins (`X-GitHub-Api-Version`). */
export const GITHUB_API_VERSION = '2022-11-28';
/**
 * GitHub allows 80 content-creating requests a minute. One every 750 ms would be exactly that, and
 * a request landing on the window's edge is refused; 770 ms (78 a minute) stays under it.
 */
export const WRITE_INTERVAL_MS = 770;
/**
 * GitHub also allows 500 content-creating requests an hour. The pacer keeps under 490 in any hour,
 * the hour scaled like the interval (a client paced faster than GitHub, against the emulator, also
 * has a shorter hour); a client with no interval has no hourly pacing either.
 */
export const WRITES_PER_HOUR = 490;
const HOUR_MS = 3_600_000;

/** How long a request may go unanswered before it is abandoned. */
export const REQUEST_TIMEOUT_MS = 30_000;

const GitHubOctokit = Octokit.plugin(retry, throttling, paginateGraphQL);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

/** A GitHub App installation's credentials: the client mints (and renews) installation tokens. */
export interface GitHubAppCredentials {
  appId: string | number;
  /** The app's PEM private key. */
  privateKey: string;
  installationId: number;
}

export interface GitHubClientOptions {
  /** A personal, fine-grained or installation token. Give this or `app`. */
  token?: string;
  /** Authenticate as a GitHub App installation instead of with a token. */
  app?: GitHubAppCredentials;
  /** GITHUB_API_URL; GitHub Enterprise Server is `https://HOST/api/v3` (GraphQL then at /api/graphql). */
  baseUrl?: string;
  userAgent?: string;
  /** Replaces the global fetch (tests). */
  fetch?: typeof globalThis.fetch;
  /** Rate limits resetting within this many seconds are waited for, once; later ones fail. */
  maxRateLimitWaitSeconds?: number;
  /** Retries of a 5xx or network failure, for requests that are safe to repeat. */
  retries?: number;
  /** Milliseconds per unit of retry back-off and of `retry-after` seconds: 1 in tests makes waits instant. */
  backoffUnitMs?: number;
  /** Minimum time between content-creating requests of this client (default WRITE_INTERVAL_MS). */
  writeIntervalMs?: number;
  /** Content-creating requests allowed in any (scaled) hour (default WRITES_PER_HOUR). */
  writesPerHour?: number;
  /** A request GitHub has not answered within this many ms is abandoned (default 30 s): its outcome is unknown. */
  timeoutMs?: number;
  /** Where Octokit's own messages go (default: console.warn/error, i.e. stderr; debug and info dropped). */
  log?: {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
}

const isGraphqlPath = (path: string) => /^\/graphql\/?$/.test(path) || /\/api\/graphql\/?$/.test(path);

const MUTATION = /^\s*(?:#[^\n]*\n\s*)*mutation\b/;

/**
 * Whether a request may be sent again after a failure that leaves its effect unknown (a 5xx, a
 * timeout, a lost response). Reads, and writes that set a state (PUT, PATCH, DELETE), give the same
 * result twice; a POST may create a second object, and so may a GraphQL mutation. Those are never
 * repeated blindly: the caller checks what GitHub holds first (the sync's idempotency markers).
 */
export function isSafeToRepeat(method: string, path: string, body: unknown): boolean {
  const m = method.toUpperCase();
  if (m !== 'POST') return true;
  if (!isGraphqlPath(path)) return false;
  const query = (body as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' && !MUTATION.test(query);
}

/** What GitHub's secondary limit counts as content-creating: every REST write, every GraphQL mutation. */
export function isContentCreating(method: string, path: string, body: unknown): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return false;
  return m !== 'POST' || !isGraphqlPath(path) || !isSafeToRepeat(m, path, body);
}

export function createOctokit(opts: GitHubClientOptions): GitHubClient {
  if (!opts.token && !opts.app) throw new Error('createOctokit: give a token or GitHub App credentials');
  const maxWait = opts.maxRateLimitWaitSeconds ?? 10;
  const unit = opts.backoffUnitMs ?? 1000;
  const waitOnce = (retryAfter: number, _o: unknown, _k: unknown, retryCount: number): boolean =>
    retryCount === 0 && retryAfter <= maxWait;
  const octokit = new GitHubOctokit({
    ...(opts.app
      ? {
          authStrategy: createAppAuth,
          auth: {
            appId: opts.app.appId,
            privateKey: opts.app.privateKey,
            installationId: opts.app.installationId,
          },
        }
      : { auth: opts.token }),
    baseUrl: (opts.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: opts.userAgent ?? 'governance-factory',
    request: {
      fetch: pacedFetch(
        timedFetch(opts.fetch ?? globalThis.fetch, opts.timeoutMs ?? REQUEST_TIMEOUT_MS),
        opts.writeIntervalMs ?? WRITE_INTERVAL_MS,
        opts.writesPerHour ?? WRITES_PER_HOUR,
        opts.log,
      ),
    },
    ...(opts.log && { log: opts.log }),
    retry: {
      retries: opts.retries ?? 2,
      retryAfterBaseValue: unit,
      // 403 and 429 are the throttling plugin's to handle (with the reset time), not a blind retry.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      retryAfterBaseValue: unit,
      onRateLimit: waitOnce,
      onSecondaryRateLimit: waitOnce,
      // Without the plugin's spacing (a second for every write and GraphQL call, three for issue
      // creation): pacedFetch spaces what GitHub's limit counts, content-creating requests only.
      write: new Bottleneck.Group({ minTime: 0 }),
      notifications: new Bottleneck.Group({ minTime: 0 }),
    },
  });
  // Registered after the plugins, so it runs before them. Every request pins the API version; one
  // that is not safe to repeat gets no retries from plugin-retry (the throttling plugin still sends
  // again one that a rate limit refused: GitHub did nothing with it).
  octokit.hook.wrap('request', async (request, options) => {
    options.headers['x-github-api-version'] = GITHUB_API_VERSION;
    const path = new URL(options.url, 'http://github.invalid').pathname;
    if (!isSafeToRepeat(options.method, path, options.data ?? options)) {
      options.request = { ...options.request, retries: 0 };
    }
    return request(options);
  });
  return octokit;
}

/**
 * `fetch` with content-creating requests started at least `intervalMs` apart, one at a time, and
 * never more than WRITES_PER_HOUR of them in any (scaled) hour, at the last step before the
 * network: every attempt GitHub sees is paced, retries included. A wait for the hourly window is
 * logged with how long it lasts.
 */
function pacedFetch(
  fetch: typeof globalThis.fetch,
  intervalMs: number,
  perHour: number,
  log?: { info: (message: string) => void },
): typeof globalThis.fetch {
  const pace = new Bottleneck({ maxConcurrent: 1, minTime: intervalMs });
  const hourMs = intervalMs > 0 ? (HOUR_MS * intervalMs) / WRITE_INTERVAL_MS : 0;
  const sent: number[] = [];
  const hourly = async () => {
    if (hourMs === 0) return;
    while (sent.length > 0 && sent[0]! <= Date.now() - hourMs) sent.shift();
    if (sent.length >= perHour) {
      const waitMs = sent[sent.length - perHour]! + hourMs - Date.now();
      if (waitMs > 0) {
        log?.info(
          `GitHub allows ${perHour} writes an hour: waiting ${Math.ceil(waitMs / 1000)} s before the next one`,
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    sent.push(Date.now());
    if (sent.length > perHour) sent.shift();
  };
  return (input, init) => {
    const method = init?.method ?? 'GET';
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url, 'http://github.invalid').pathname;
    if (!isContentCreating(method, path, jsonBody(init?.body))) return fetch(input, init);
    return pace.schedule(async () => {
      await hourly();
      return fetch(input, init);
    });
  };
}

/** `fetch` that gives up after `ms` (the clock starts when the request leaves, after any pacing). */
function timedFetch(fetch: typeof globalThis.fetch, ms: number): typeof globalThis.fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    return fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  };
}

function jsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
