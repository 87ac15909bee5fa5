import { ErrorCode as McpErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { DomainError, type ErrorCode } from '../governance/errors.js';
import type { Logger } from './deps.js';

export interface ToolErrorPayload {
  code: ErrorCode;
  message: string;
  hint: string;
  details?: Record<string, unknown>;
}

/** Key under `_meta` of an error result; clients read the stable code there. */
export const ERROR_META_KEY = 'governance-factory/error';

// NUL cannot be stored by PostgreSQL and lone surrogates are silently replaced by both drivers:
// refuse them up front so what is stored (and audited) is exactly what was sent.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Path of the first string (or key) holding a NUL or an unpaired surrogate, if any. */
export function findBadText(v: unknown, path = ''): string | undefined {
  if (typeof v === 'string') return BAD_TEXT.test(v) ? path || '(root)' : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const at = path ? `${path}.${k}` : k;
    if (BAD_TEXT.test(k)) return at;
    const bad = findBadText(x, at);
    if (bad) return bad;
  }
  return undefined;
}

export function badTextError(path: string): DomainError {
  return new DomainError(
    'INPUT.INVALID',
    `Invalid input at ${path}: text must be valid Unicode without NUL characters`,
    'Remove NUL characters and unpaired surrogates; nothing was changed.',
    { issues: [{ path, message: 'NUL character or unpaired surrogate' }] },
  );
}

/** Turns zod issues into one INPUT.INVALID error naming every bad path. */
export function inputError(error: z.ZodError): DomainError {
  const issues = error.issues.slice(0, 10).map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  const first = issues[0];
  return new DomainError(
    'INPUT.INVALID',
    `Invalid input${first ? ` at ${first.path}: ${first.message}` : ''}`,
    'Fix the listed fields and call again; nothing was changed.',
    { issues },
  );
}

/** The one place where anything thrown by a tool becomes an MCP result. */
export function toErrorResult(err: unknown, log: Logger, tool: string): CallToolResult {
  const payload: ToolErrorPayload =
    err instanceof DomainError
      ? {
          code: err.code,
          message: err.message,
          hint: err.hint,
          ...(err.details ? { details: err.details } : {}),
        }
      : {
          code: 'INTERNAL',
          message: 'Internal error; nothing was changed.',
          hint: 'Retry once; if it persists, check the server log (stderr).',
        };
  if (!(err instanceof DomainError)) {
    log.error({ err, tool }, 'tool failed with an unexpected error');
  }
  const issues = payload.details?.issues as { path: string; message: string }[] | undefined;
  const lines = [`${payload.code}: ${payload.message}`];
  if (issues && issues.length > 1) lines.push(...issues.map((i) => `- ${i.path}: ${i.message}`));
  lines.push(`Hint: ${payload.hint}`);
  return {
    isError: true,
    content: [{ type: 'text', text: lines.join('\n') }],
    _meta: { [ERROR_META_KEY]: payload },
  };
}

/** Resource reads and prompts answer with a JSON-RPC error carrying the same code and hint. */
export function toProtocolError(err: unknown, log: Logger, what: string): McpError {
  if (err instanceof McpError) return err;
  if (err instanceof DomainError) {
    return new McpError(McpErrorCode.InvalidParams, `${err.code}: ${err.message}`, {
      code: err.code,
      hint: err.hint,
    });
  }
  log.error({ err, what }, 'request failed with an unexpected error');
  return new McpError(McpErrorCode.InternalError, 'Internal error', { code: 'INTERNAL' });
}
