/** What a REST operation handler gets and gives back. */
import type { Needed } from '../auth.js';
import type { EmulatorState, Token } from '../state.js';
import type { Urls } from './render.js';

export interface RateBucket {
  limit: number;
  remaining: number;
  used: number;
  reset: number;
}

export interface RestRequest {
  state: EmulatorState;
  token: Token;
  /** Path parameters, already validated against GitHub's description. */
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  url: URL;
  urls: Urls;
  rateLimits: () => Record<string, RateBucket>;
}

export interface RestAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RestOperation {
  /** What the token must grant; none for endpoints every token may call. */
  needs?: Needed;
  handle(r: RestRequest): RestAnswer;
}

export type RestOperations = Record<string, RestOperation>;

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): RestAnswer => ({
  status,
  body,
  ...(headers && { headers }),
});

/** One page of `items` as GitHub pages lists (`per_page` up to 100, `page` from 1), with its Link header. */
export function page<T>(
  items: T[],
  r: RestRequest,
  perPageDefault = 30,
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(r.query.per_page ?? perPageDefault)));
  const current = Math.max(1, Number(r.query.page ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const u = new URL(r.url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links = [
    ...(current < last ? [link(current + 1, 'next'), link(last, 'last')] : []),
    ...(current > 1 ? [link(1, 'first'), link(current - 1, 'prev')] : []),
  ];
  return {
    items: items.slice((current - 1) * perPage, current * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}
