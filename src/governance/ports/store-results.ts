/**
 * What a conditional write found, for the use-case to act on: the store reports the fact (the row
 * was missing, it was at another version), the use-case decides which domain error that is.
 */
export type VersionedUpdate =
  { ok: true } | { ok: false; found: false } | { ok: false; found: true; actualVersion: number };

/** An append at `expectedVersion + 1` that found the latest version elsewhere. */
export type VersionedPut<T> = { ok: true; stored: T } | { ok: false; actualVersion: number };
