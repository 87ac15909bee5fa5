import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.js';
import type { AuditRecord } from '../model/audit.js';

/** The hashed content of a record: everything but the hash itself. */
export function hashRecord(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { prevHash, hash: _ignored, ...rest } = record;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(rest)).digest('hex');
}

/** Builds the next record of a workspace's chain after `head` (undefined for the first record). */
export function chainRecord(
  draft: Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>,
  head: { seq: number; hash: string } | undefined,
): AuditRecord {
  const unhashed = { ...draft, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? '' };
  return { ...unhashed, hash: hashRecord(unhashed) };
}
