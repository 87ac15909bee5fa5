import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/governance/errors.js';
import { STATUSES } from '../../src/governance/model/work-item.js';
import { TRANSITIONS, assertTransition } from '../../src/governance/rules/status.js';

const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as DomainError).code;
  }
};

describe('status transitions', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => ({ from, to })));

  it.each(pairs)('$from -> $to follows the table', ({ from, to }) => {
    const expected = TRANSITIONS[from].includes(to) ? 'ok' : 'STATUS.INVALID_TRANSITION';
    expect(code(() => assertTransition('T-1', from, to, 'because'))).toBe(expected);
  });

  it('refuses done -> planning', () => {
    expect(code(() => assertTransition('T-1', 'done', 'planning', null))).toBe('STATUS.INVALID_TRANSITION');
  });

  it.each([null, '', '   '])('blocked needs a reason (%j)', (reason) => {
    expect(code(() => assertTransition('T-1', 'in_progress', 'blocked', reason))).toBe(
      'STATUS.REASON_REQUIRED',
    );
  });
});
