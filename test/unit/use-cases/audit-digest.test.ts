import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../src/governance/model/audit.js';
import { auditDigest } from '../../../src/governance/use-cases/audit-digest.js';
import { auditBound } from '../../../src/governance/use-cases/query-audit.js';

let seq = 0;
function record(over: Partial<AuditRecord>): AuditRecord {
  seq += 1;
  return {
    workspace: 'a/b',
    seq,
    at: '2027-01-01T00:00:00.000Z',
    entityType: 'item',
    entityId: 'T-1',
    action: 'item.updated',
    diff: {},
    actor: { type: 'agent_service', id: 'agent:dev', name: 'Dev' },
    client: null,
    tool: 'update_item',
    reason: null,
    correlationId: 'c',
    prevHash: '',
    hash: 'h',
    ...over,
  };
}

describe('auditDigest', () => {
  const pm = { type: 'user', id: 'u:pm', name: 'PM' } as const;
  const records = [
    record({
      action: 'item.created',
      entityId: 'E-1',
      diff: { type: { old: null, new: 'epic' } },
      actor: pm,
    }),
    record({ action: 'item.created', entityId: 'T-2', diff: { type: { old: null, new: 'task' } } }),
    record({ entityType: 'milestone', entityId: 'M-1', action: 'milestone.updated', actor: pm }),
    record({ entityType: 'workspace', entityId: 'a/b', action: 'config.updated', tool: null }),
    record({}),
  ];
  const digest = auditDigest(records);

  it('counts by action, tool (none for records without one) and actor', () => {
    expect(digest.byAction).toEqual({
      'item.created': 2,
      'milestone.updated': 1,
      'config.updated': 1,
      'item.updated': 1,
    });
    expect(digest.byTool).toEqual({ update_item: 4, '(none)': 1 });
    expect(digest.byActor).toEqual([
      { ...pm, count: 2 },
      { type: 'agent_service', id: 'agent:dev', name: 'Dev', count: 3 },
    ]);
  });

  it('picks the changes the approval rules cover, in order', () => {
    expect(digest.epicCreations.map((r) => r.entityId)).toEqual(['E-1']);
    expect(digest.milestoneChanges.map((r) => r.entityId)).toEqual(['M-1']);
    expect(digest.configChanges.map((r) => r.entityId)).toEqual(['a/b']);
  });
});

describe('auditBound', () => {
  it.each([
    { t: undefined, bound: undefined },
    { t: '2027-01-01T02:00:00+02:00', bound: '2027-01-01T00:00:00.000Z' },
    { t: '2027-01-01T00:00:00Z', bound: '2027-01-01T00:00:00.000Z' },
    // Past year 9999 the ISO text would sort before every stored time.
    { t: '+010000-01-01T00:00:00Z', bound: '9999-12-31T23:59:59.999Z' },
  ])('$t -> $bound', ({ t, bound }) => {
    expect(auditBound(t)).toBe(bound);
  });
});
