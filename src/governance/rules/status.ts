import { DomainError } from '../errors.js';
import type { Status } from '../model/work-item.js';

/** Allowed status moves. Anything not listed is refused; `done -> planning` notably so. */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  planning: ['in_progress', 'blocked'],
  in_progress: ['review', 'done', 'blocked', 'planning'],
  review: ['in_progress', 'done', 'blocked'],
  blocked: ['planning', 'in_progress', 'review'],
  done: ['in_progress'],
};

export const STARTED: readonly Status[] = ['in_progress', 'review'];

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
  if (to === 'blocked' && !reason?.trim()) {
    throw new DomainError(
      'STATUS.REASON_REQUIRED',
      `Blocking ${id} needs a reason`,
      'Pass `reason` saying what blocks the item (e.g. "waiting on API keys").',
    );
  }
}
