import { DomainError, isDomainError } from '../../governance/errors.js';
import { errorCode } from '../sql/errors.js';

/** Busy means another process held the write lock past busy_timeout; everything else passes through. */
export function mapSqliteError(e: unknown): unknown {
  if (isDomainError(e)) return e;
  if (!isBusy(e)) return e;
  return new DomainError(
    'STORE.BUSY',
    'The governance database is locked by another writer',
    'Retry the call in a moment; another server process is writing to the same data directory.',
    { code: errorCode(e) },
  );
}

/** Extended result codes included: SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT, SQLITE_LOCKED_SHAREDCACHE... */
export function isBusy(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
