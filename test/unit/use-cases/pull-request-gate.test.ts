import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import {
  evaluateGates,
  parsePullRequestRef,
  type PullRequestCheck,
} from '../../../src/governance/use-cases/agent-work.js';

const config = {
  ...structuredClone(DEFAULT_CONFIG),
  compliance: {
    ...structuredClone(DEFAULT_CONFIG.compliance),
    completionGates: ['linkedPullRequest' as const],
  },
};
const item = { type: 'task' as const, description: '' };
const URL = 'https://github.com/acme/shop/pull/7';
const gate = (check: PullRequestCheck | undefined, pullRequest: string | null = URL) =>
  evaluateGates(item, config, { synced: true, pullRequest, check })[0]!;
const pr = (over: Partial<NonNullable<PullRequestCheck['found']>>) => ({
  number: 7,
  url: URL,
  state: 'open' as const,
  merged: false,
  draft: false,
  ...over,
});

describe('the linked pull request gate', () => {
  it.each([
    ['https://github.com/acme/shop/pull/7', null, { repository: 'acme/shop', number: 7 }],
    [
      'https://github.com/Other/repo.js/pull/12/files',
      'acme/shop',
      { repository: 'Other/repo.js', number: 12 },
    ],
    ['acme/api#3', 'acme/shop', { repository: 'acme/api', number: 3 }],
    ['PR #5', 'acme/shop', { repository: 'acme/shop', number: 5 }],
    ['pull request #5', 'acme/shop', { repository: 'acme/shop', number: 5 }],
    ['#9', 'acme/shop', { repository: 'acme/shop', number: 9 }],
    ['9', 'acme/shop', { repository: 'acme/shop', number: 9 }],
    ['#9', null, null],
    ['soon', 'acme/shop', null],
  ])('reads %j (repository %j)', (ref, repository, expected) => {
    expect(parsePullRequestRef(ref, repository)).toEqual(expected);
  });

  it.each([
    ['an open pull request', pr({}), 'passed', `pull request ${URL} (open)`],
    ['a draft', pr({ draft: true }), 'passed', `pull request ${URL} (open, draft)`],
    ['a merged one', pr({ state: 'closed', merged: true }), 'passed', `pull request ${URL} (merged)`],
    ['one closed unmerged', pr({ state: 'closed' }), 'failed', 'acme/shop#7 was closed without being merged'],
    ['none on GitHub', undefined, 'failed', 'acme/shop#7 does not exist on GitHub'],
  ])('judges %s', (_what, found, outcome, detail) => {
    const g = gate({ ref: URL, repository: 'acme/shop', number: 7, found });
    expect(g.outcome).toBe(outcome);
    expect(g.detail).toContain(detail);
  });

  it('passes on the reference alone where GitHub could not be asked, and says why', () => {
    const g = gate({
      ref: URL,
      repository: 'acme/shop',
      number: 7,
      unchecked: 'no GitHub access is configured',
    });
    expect(g).toEqual({
      gate: 'linkedPullRequest',
      outcome: 'passed',
      detail: `pull request ${URL} (not checked on GitHub: no GitHub access is configured)`,
    });
    // A check of another reference, or none (the item changed meanwhile), does not count.
    expect(gate({ ref: '#8', repository: 'acme/shop', number: 8, found: pr({}) })).toMatchObject({
      outcome: 'failed',
      detail: expect.stringContaining('call complete_item again'),
    });
    expect(gate(undefined).outcome).toBe('failed');
    expect(gate(undefined, null).detail).toContain('no linked pull request');
  });
});
