/** Which calls the approval policy holds, and who counts as an approver. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';
import type { Actor } from '../../../src/governance/model/audit.js';
import {
  approvalRuleFor,
  isApprover,
  type ApprovalsPolicy,
} from '../../../src/governance/use-cases/approvals.js';

const rule = (approvers: string[] = [], minApprovals = 1) => ({ required: true, minApprovals, approvers });
const policy: ApprovalsPolicy = {
  ...DEFAULT_CONFIG.compliance.approvals,
  epicCreation: rule(['bob']),
  milestoneChanges: rule([], 1),
  actions: { apply_spec: rule(['carol']), create_item: { required: false, minApprovals: 1, approvers: [] } },
};

describe('approvalRuleFor', () => {
  it.each([
    { tool: 'create_item', input: { type: 'epic' }, rule: 'epicCreation' },
    { tool: 'create_item', input: { type: 'task' }, rule: null },
    { tool: 'upsert_milestone', input: { title: 'Q1' }, rule: 'milestoneChanges' },
    { tool: 'apply_spec', input: { dryRun: false }, rule: 'actions.apply_spec' },
    { tool: 'apply_spec', input: { dryRun: true }, rule: null },
    { tool: 'update_item', input: {}, rule: null },
    { tool: 'decide_approval', input: {}, rule: null },
  ])('$tool $input -> $rule', ({ tool, input, rule: expected }) => {
    expect(approvalRuleFor(policy, tool, input)?.rule ?? null).toBe(expected);
  });

  it('holds nothing under the default policy', () => {
    const d = DEFAULT_CONFIG.compliance.approvals;
    expect(approvalRuleFor(d, 'create_item', { type: 'epic' })).toBeNull();
    expect(approvalRuleFor(d, 'upsert_milestone', {})).toBeNull();
  });

  it('copies the quorum and approvers of the rule', () => {
    expect(approvalRuleFor(policy, 'create_item', { type: 'epic' })).toEqual({
      rule: 'epicCreation',
      minApprovals: 1,
      approvers: ['bob'],
    });
  });
});

describe('isApprover', () => {
  const a = (id: string): Actor => ({ type: 'user', id, name: id });
  it.each([
    { approvers: [], id: 'anyone', ok: true },
    { approvers: ['bob'], id: 'bob', ok: true },
    { approvers: ['Bob'], id: 'github:bob', ok: true },
    { approvers: ['bob'], id: 'bobby', ok: false },
    { approvers: ['agent:qa'], id: 'agent:qa', ok: true },
    { approvers: ['@acme/leads'], id: '@acme/leads', ok: false },
    { approvers: ['@acme/leads'], id: 'bob', ok: false },
  ])('$approvers / $id -> $ok', ({ approvers, id, ok }) => {
    expect(isApprover(approvers, a(id))).toBe(ok);
  });
});
