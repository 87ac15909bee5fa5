import { isIP } from 'node:net';

/** Strips the brackets of an IPv6 literal (`[::1]` -> `::1`). */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** How a host goes into a URL or a Host header: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host.trim().toLowerCase());
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** True for the wildcard addresses that bind every interface. */
export function isWildcardHost(host: string): boolean {
  const h = unbracket(host.trim());
  return h === '0.0.0.0' || h === '::';
}

/** `scheme://host[:port]` in canonical form, or undefined when `value` is not a bare origin. */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    return undefined;
  }
  // A trailing slash is harmless, anything else after the authority is not an origin.
  if (!/^[a-z]+:\/\/[^/]+\/?$/i.test(value)) return undefined;
  return url.origin;
}

const LOOPBACK_ORIGIN_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A browser page served from this machine (any port), e.g. the MCP Inspector. */
export function isLoopbackOrigin(origin: string): boolean {
  const o = normalizeOrigin(origin);
  return o !== undefined && LOOPBACK_ORIGIN_HOSTS.has(new URL(o).hostname);
}
