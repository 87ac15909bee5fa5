/** Writing answers the way GitHub does: JSON bodies, `status` as text in error bodies, API version header. */
import type { ServerResponse } from 'node:http';
import type { FieldError } from './errors.js';

export const DOCS = 'https://docs.github.com/rest';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Set for raw file bytes, sent as they are. */
  type?: string;
}

export const errorAnswer = (
  status: number,
  message: string,
  extra: { doc?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
): Answer => ({
  status,
  body: {
    message,
    ...(extra.errors && { errors: extra.errors }),
    documentation_url: extra.doc ?? DOCS,
    status: String(status),
  },
  ...(extra.headers && { headers: extra.headers }),
});

export function write(
  res: ServerResponse,
  a: Answer,
  headers: Record<string, string>,
  opts: { chunked?: boolean } = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.isBuffer(a.body)
    ? a.body
    : Buffer.from(a.status === 204 ? '' : JSON.stringify(a.body));
  res.writeHead(a.status, {
    'content-type': a.type ?? 'application/json; charset=utf-8',
    ...(!opts.chunked && { 'content-length': payload.length }),
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `EMU:${Math.random().toString(16).slice(2, 10).toUpperCase()}`,
    ...headers,
    ...a.headers,
  });
  // A first write before end() makes Node send the body chunked.
  if (opts.chunked) res.write(payload);
  res.end(opts.chunked ? undefined : payload);
}
