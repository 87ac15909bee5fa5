/**
 * GitHub failures as domain errors with stable codes. Classified by HTTP status and rate-limit
 * headers only, never by message text (GitHub rewords its messages).
 */
import { DomainError } from '../governance/errors.js';

/** What @octokit/request-error's RequestError carries (structurally: that package is not a direct dependency). */
export interface GitHubHttpError {
  status: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

export function isGitHubHttpError(err: unknown): err is GitHubHttpError {
  return (
    err instanceof Error &&
    (err.name === 'HttpError' || err.name === 'AbortError') &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

/** The domain error for a failed request about `what` (e.g. "acme/web"); anything unexpected is returned as is. */
export function fromGitHubError(err: unknown, what: string, now: () => number = Date.now): unknown {
  if (!isGitHubHttpError(err)) return err;
  const headers = err.response?.headers ?? {};
  const header = (name: string): string | undefined =>
    headers[name] === undefined ? undefined : String(headers[name]);
  const { status } = err;

  const reset = Number(header('x-ratelimit-reset'));
  const retryAfter = Number(header('retry-after'));
  const exhausted = header('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0;
  if ((status === 403 || status === 429) && (exhausted || retryAfter > 0 || status === 429)) {
    const resetMs = exhausted ? reset * 1000 : now() + (retryAfter > 0 ? retryAfter * 1000 : 60_000);
    const resetAt = new Date(resetMs).toISOString();
    const retryAfterSeconds = Math.max(1, Math.ceil((resetMs - now()) / 1000));
    return new DomainError(
      'GITHUB.RATE_LIMITED',
      `GitHub's rate limit is exhausted until ${resetAt}`,
      `Retry after ${resetAt} (in ${retryAfterSeconds} s), or use a token with a higher limit (a GitHub App token).`,
      {
        resetAt,
        retryAfterSeconds,
        ...(header('x-ratelimit-resource') && { resource: header('x-ratelimit-resource') }),
      },
    );
  }
  if (status === 401) {
    return new DomainError(
      'GITHUB.UNAUTHORIZED',
      'GitHub rejected the token (bad credentials)',
      'Set GITHUB_TOKEN to a valid token, e.g. a fine-grained token with "Contents: read" on the repository, and restart the server.',
    );
  }
  if (status === 403) {
    return new DomainError(
      'GITHUB.FORBIDDEN',
      `The token may not read ${what}`,
      'Grant the token read access to the repository contents ("Contents: read", or the repo scope), and authorise it for SSO if the organisation requires it.',
    );
  }
  if (status >= 500) {
    return new DomainError(
      'GITHUB.UNAVAILABLE',
      `GitHub did not answer for ${what} (${status === 500 && !err.response ? 'no response' : `HTTP ${status}`})`,
      'Retry in a minute; if it persists, check GITHUB_API_URL and the network, or https://www.githubstatus.com.',
      { status },
    );
  }
  return err;
}
