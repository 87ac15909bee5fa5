/**
 * The one place an Octokit is built: core + retry (server errors) + throttling (rate limits).
 * A tool call waits for GitHub at most briefly: a rate limit that resets later is reported to the
 * caller (GITHUB.RATE_LIMITED with the reset time) rather than slept through.
 */
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** GITHUB_API_URL; GitHub Enterprise Server is `https://HOST/api/v3`. */
  baseUrl?: string;
  userAgent?: string;
  /** Replaces the global fetch (tests). */
  fetch?: typeof globalThis.fetch;
  /** Rate limits resetting within this many seconds are waited for, once; later ones fail. */
  maxRateLimitWaitSeconds?: number;
  /** Retries of a 5xx or network failure. */
  retries?: number;
  /** Milliseconds per unit of retry back-off and of `retry-after` seconds: 1 in tests makes waits instant. */
  backoffUnitMs?: number;
  /** Where Octokit's own messages go (default: console.warn/error, i.e. stderr; debug and info dropped). */
  log?: {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
}

export function createOctokit(opts: GitHubClientOptions): GitHubClient {
  const maxWait = opts.maxRateLimitWaitSeconds ?? 10;
  const unit = opts.backoffUnitMs ?? 1000;
  const waitOnce = (retryAfter: number, _o: unknown, _k: unknown, retryCount: number): boolean =>
    retryCount === 0 && retryAfter <= maxWait;
  return new GitHubOctokit({
    auth: opts.token,
    baseUrl: (opts.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: opts.userAgent ?? 'governance-factory',
    ...(opts.fetch && { request: { fetch: opts.fetch } }),
    ...(opts.log && { log: opts.log }),
    retry: {
      retries: opts.retries ?? 2,
      retryAfterBaseValue: unit,
      // 429 is the throttling plugin's to handle (with the reset time), not a blind retry.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      retryAfterBaseValue: unit,
      onRateLimit: waitOnce,
      onSecondaryRateLimit: waitOnce,
    },
  });
}
