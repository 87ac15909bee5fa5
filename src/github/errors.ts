/**
 * GitHub failures as domain errors with stable codes. Classified by HTTP status, rate-limit headers
 * and GraphQL error types only, never by message text (GitHub rewords its messages); GitHub's own
 * message is passed on where it tells the caller what to fix (validation).
 */
import { DomainError } from '../governance/errors.js';

/** What @octokit/request-error's RequestError carries (structurally: the error classes stay Octokit's). */
export interface GitHubHttpError {
  status: number;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/** What @octokit/graphql's GraphqlResponseError carries: GitHub answered 200 with `errors`. */
export interface GitHubGraphqlError {
  errors: { type?: string; message?: string; path?: readonly (string | number)[] }[];
  headers?: Record<string, string | number | undefined>;
}

export function isGitHubHttpError(err: unknown): err is GitHubHttpError {
  return (
    err instanceof Error &&
    (err.name === 'HttpError' || err.name === 'AbortError') &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

export function isGitHubGraphqlError(err: unknown): err is GitHubGraphqlError {
  return (
    err instanceof Error &&
    err.name === 'GraphqlResponseError' &&
    Array.isArray((err as { errors?: unknown }).errors)
  );
}

export interface GitHubErrorContext {
  /** What was asked for, e.g. "acme/web" or "issue #12 of acme/web". */
  what: string;
  /** What the call needed: reading is the default (and names the contents permission in hints). */
  access?: 'read' | 'write';
  /** The permission the call needs when GitHub does not say (e.g. "Issues: write"). */
  permission?: string;
}

/** The domain error for a failed request; anything unexpected is returned as is. */
export function fromGitHubError(
  err: unknown,
  context: string | GitHubErrorContext,
  now: () => number = Date.now,
): unknown {
  const ctx = typeof context === 'string' ? { what: context } : context;
  if (isGitHubGraphqlError(err)) return fromGraphqlErrors(err, ctx, now);
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
    return rateLimited(resetMs, now, header('x-ratelimit-resource'));
  }
  if (status === 401) {
    return new DomainError(
      'GITHUB.UNAUTHORIZED',
      'GitHub rejected the token (bad credentials)',
      'Set GITHUB_TOKEN to a valid token (or the GitHub App credentials), e.g. a fine-grained token with the permissions the call names, and restart the server.',
    );
  }
  if (status === 403) {
    const accepted = header('x-accepted-github-permissions') ?? header('x-accepted-oauth-scopes');
    return forbidden(ctx, accepted && accepted.trim() !== '' ? accepted : undefined);
  }
  if (status === 404 && ctx.access === 'write') {
    return new DomainError(
      'GITHUB.NOT_FOUND',
      `GitHub has no ${ctx.what}, or the token may not see it`,
      'Check the owner/repo (and the issue numbers) exist, and that the token can read the repository; GitHub answers 404 for what a token may not see.',
    );
  }
  if (status === 422) {
    const data = err.response?.data as { message?: unknown; errors?: unknown } | undefined;
    const details = Array.isArray(data?.errors) ? data.errors.slice(0, 10) : [];
    const message = typeof data?.message === 'string' ? data.message.slice(0, 300) : 'Validation Failed';
    return new DomainError(
      'GITHUB.VALIDATION',
      `GitHub refused the change to ${ctx.what}: ${message}`,
      'Fix the value GitHub names in details.errors (a label, milestone or assignee that does not exist, a field over its limit), then retry.',
      { errors: details },
    );
  }
  if (status >= 500) {
    return new DomainError(
      'GITHUB.UNAVAILABLE',
      `GitHub did not answer for ${ctx.what} (${status === 500 && !err.response ? 'no response' : `HTTP ${status}`})`,
      'Retry in a minute; if it persists, check GITHUB_API_URL and the network, or https://www.githubstatus.com.',
      { status },
    );
  }
  return err;
}

function rateLimited(resetMs: number, now: () => number, resource?: string): DomainError {
  const resetAt = new Date(resetMs).toISOString();
  const retryAfterSeconds = Math.max(1, Math.ceil((resetMs - now()) / 1000));
  return new DomainError(
    'GITHUB.RATE_LIMITED',
    `GitHub's rate limit is exhausted until ${resetAt}`,
    `Retry after ${resetAt} (in ${retryAfterSeconds} s), or use a token with a higher limit (a GitHub App token).`,
    { resetAt, retryAfterSeconds, ...(resource && { resource }) },
  );
}

function forbidden(ctx: GitHubErrorContext, accepted: string | undefined): DomainError {
  const needs = accepted ?? ctx.permission;
  const verb = ctx.access === 'write' ? 'change' : 'read';
  const grant =
    needs !== undefined
      ? `Grant the token ${needs}`
      : ctx.access === 'write'
        ? 'Grant the token write access to the repository issues ("Issues: write", or the repo scope)'
        : 'Grant the token read access to the repository contents ("Contents: read", or the repo scope)';
  return new DomainError(
    'GITHUB.FORBIDDEN',
    `The token may not ${verb} ${ctx.what}`,
    `${grant}, and authorise it for SSO if the organisation requires it.`,
    needs !== undefined ? { permission: needs } : undefined,
  );
}

function fromGraphqlErrors(err: GitHubGraphqlError, ctx: GitHubErrorContext, now: () => number): unknown {
  const types = new Set(err.errors.map((e) => e.type));
  const first = err.errors[0]?.message?.slice(0, 300) ?? 'GraphQL error';
  if (types.has('RATE_LIMITED')) {
    const reset = Number(err.headers?.['x-ratelimit-reset']);
    return rateLimited(Number.isFinite(reset) && reset > 0 ? reset * 1000 : now() + 60_000, now, 'graphql');
  }
  if (types.has('FORBIDDEN') || types.has('INSUFFICIENT_SCOPES')) return forbidden(ctx, ctx.permission);
  if (types.has('NOT_FOUND')) {
    return new DomainError(
      'GITHUB.NOT_FOUND',
      `GitHub has no ${ctx.what}, or the token may not see it: ${first}`,
      'Check the owner/repo and ids exist and that the token can read the repository.',
    );
  }
  return new DomainError(
    'GITHUB.VALIDATION',
    `GitHub refused the request for ${ctx.what}: ${first}`,
    'Fix what GitHub names in details.errors, then retry.',
    { errors: err.errors.slice(0, 10).map((e) => ({ type: e.type, message: e.message, path: e.path })) },
  );
}

/**
 * What GitHub's GraphQL answers for a node the token may not see (`repository: null` with a
 * NOT_FOUND error), for a read that came back empty: mapped like any other GitHub error.
 */
export function graphqlNotFound(type: string): Error {
  const message = `Could not resolve to a ${type}`;
  return Object.assign(new Error(message), {
    name: 'GraphqlResponseError',
    errors: [{ type: 'NOT_FOUND', message }],
  });
}
