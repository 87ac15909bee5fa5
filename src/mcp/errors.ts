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
