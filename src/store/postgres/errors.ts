import { DomainError, isDomainError } from '../../governance/errors.js';
import { errorCode } from '../sql/errors.js';

/** Socket errors from connecting, plus SQLSTATEs for a server that cannot take connections. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  '57P03',
  '08001',
  '08006',
]);
/** lock_not_available (lock_timeout), deadlock_detected, serialization_failure. */
const BUSY = new Set(['55P03', '40P01', '40001']);

export function mapPostgresError(e: unknown): unknown {
  if (isDomainError(e)) return e;
  const code = errorCode(e);
  if (code === undefined) return e;
  if (BUSY.has(code)) {
    return new DomainError(
      'STORE.BUSY',
      'The workspace is locked by another writer',
      'Retry the call in a moment; another server process is writing to this workspace.',
      { code },
    );
  }
  if (UNAVAILABLE.has(code)) {
    return new DomainError(
      'STORE.UNAVAILABLE',
      'The governance database cannot be reached',
      'Check DATABASE_URL (host, port, credentials) and that PostgreSQL is running and reachable.',
      { code },
    );
  }
  return e;
}
