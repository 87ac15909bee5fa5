/**
 * Domain errors carry a stable code (the API contract) and a hint a model can act on.
 * The MCP layer maps them to `isError` results in exactly one place (src/mcp/errors.ts).
 */

/** Every stable error code, in documentation order (docs/tools.md lists them from here). */
export const ERROR_CODES = [
  'INPUT.INVALID',
  'WORKSPACE.INVALID',
  'WORKSPACE.NOT_FOUND',
  'ITEM.NOT_FOUND',
  'ITEM.PREVIEW_ID',
  'ITEM.VERSION_CONFLICT',
  'AGENT.UNKNOWN',
  'AGENT.WIP_LIMIT',
  'AGENT.NONE_AVAILABLE',
  'AGENT.UNAVAILABLE',
  'AGENT.NOT_ASSIGNED',
  'PROGRESS.ROLLED_UP',
  'COMPLETION.GATES_FAILED',
  'ESCALATION.NOT_DUE',
  'ESCALATION.NO_FALLBACK',
  'COMPLIANCE.VIOLATION',
  'HIERARCHY.INVALID_PARENT',
  'HIERARCHY.PARENT_REQUIRED',
  'STATUS.INVALID_TRANSITION',
  'STATUS.REASON_REQUIRED',
  'STATUS.CHILDREN_OPEN',
  'DEPENDENCY.OPEN',
  'LINK.SELF',
  'LINK.CYCLE',
  'LINK.EXISTS',
  'LINK.NOT_FOUND',
  'MILESTONE.NOT_FOUND',
  'MILESTONE.TITLE_TAKEN',
  'MILESTONE.VERSION_CONFLICT',
  'SPEC.EMPTY',
  'SPEC.BINARY',
  'SPEC.TOO_LARGE',
  'SPEC.NOT_FOUND',
  'SPEC.UNRELATED',
  'IMPORT.INVALID',
  'IMPORT.EMPTY',
  'IMPORT.TOO_LARGE',
  'PLAN.TOO_LARGE',
  'CONFIG.INVALID',
  'CONFIG.VERSION_CONFLICT',
  'CONFIG.WOULD_ORPHAN',
  'POLICY.YAML_SYNTAX',
  'POLICY.TOO_LARGE',
  'POLICY.NOT_FOUND',
  'POLICY.UNREADABLE',
  'POLICY.SOURCE_NOT_CONFIGURED',
  'GITHUB.UNAUTHORIZED',
  'GITHUB.FORBIDDEN',
  'GITHUB.RATE_LIMITED',
  'GITHUB.UNAVAILABLE',
  'GITHUB.NOT_FOUND',
  'GITHUB.VALIDATION',
  'GITHUB.NOT_CONFIGURED',
  'SYNC.PLAN_STALE',
  'SYNC.LIMIT',
  'JOB.NOT_FOUND',
  'JOB.ACTIVE',
  'JOB.LEASE_LOST',
  'JOB.CANCELLED',
  'MODEL.UNAVAILABLE',
  'APPROVAL.PENDING',
  'APPROVAL.REJECTED',
  'APPROVAL.NOT_FOUND',
  'APPROVAL.DECIDED',
  'APPROVAL.EXPIRED',
  'APPROVAL.FORBIDDEN',
  'APPROVAL.SELF',
  'AUDIT.CHAIN_BROKEN',
  'AUDIT.NO_SIGNING_KEY',
  'STORE.BUSY',
  'STORE.UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
