import { DomainError } from '../errors.js';
import type { Status } from '../model/work-item.js';

/**
 * Allowed status moves. Anything not listed is refused; `done -> planning` notably so. Every open
 * status can be cancelled (with a reason); a cancelled item can only be reopened to planning.
 */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  planning: ['in_progress', 'blocked', 'cancelled'],
  in_progress: ['review', 'done', 'blocked', 'planning', 'cancelled'],
  review: ['in_progress', 'done', 'blocked', 'cancelled'],
  blocked: ['planning', 'in_progress', 'review', 'cancelled'],
  done: ['in_progress'],
  cancelled: ['planning'],
};

export const STARTED: readonly Status[] = ['in_progress', 'review'];

/** Statuses whose reason is kept on the item (`statusReason`) and must be given. */
export const NEEDS_REASON: readonly Status[] = ['blocked', 'cancelled'];

const REASON_HINT: Record<string, string> = {
  blocked: 'Pass `reason` saying what blocks the item (e.g. "waiting on API keys").',
  cancelled: 'Pass `reason` saying why the item is dropped (e.g. "section removed from the spec").',
};

export function assertTransition(id: string, from: Status, to: Status, reason: string | null): void {
  if (!TRANSITIONS[from].includes(to)) {
    const allowed = TRANSITIONS[from].join(', ');
    throw new DomainError(
      'STATUS.INVALID_TRANSITION',
      `${id} cannot go from ${from} to ${to}`,
      `From ${from} the allowed statuses are: ${allowed}.`,
      { from, to, allowed: TRANSITIONS[from] },
    );
  }
  if (NEEDS_REASON.includes(to) && !reason?.trim()) {
    throw new DomainError(
      'STATUS.REASON_REQUIRED',
      `${to === 'blocked' ? 'Blocking' : 'Cancelling'} ${id} needs a reason`,
      REASON_HINT[to] ?? 'Pass `reason`.',
    );
  }
}
