import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/governance/errors.js';
import type { ItemType } from '../../../src/governance/model/work-item.js';
import { violationOffset } from '../../../src/governance/use-cases/check-hierarchy.js';
import { childCounts, overLimit } from '../../../src/governance/use-cases/plan-review.js';
import { workItem } from './fixtures.js';

const item = (id: string, type: ItemType, parentId: string | null) => workItem(id, { type, parentId });

describe('plan review figures', () => {
  const items = [
    item('E-1', 'epic', null),
    item('F-1', 'feature', 'E-1'),
    item('F-2', 'feature', 'E-1'),
    item('F-3', 'feature', 'E-1'),
    item('T-1', 'task', 'F-1'),
    item('T-2', 'task', 'F-1'),
    item('T-3', 'task', 'F-2'),
    item('E-2', 'epic', null),
  ];

  it('counts the children of each item', () => {
    expect(Object.fromEntries(childCounts(items))).toEqual({ 'E-1': 3, 'F-1': 2, 'F-2': 1 });
  });

  it.each([
    { limits: { maxFeaturesPerEpic: 3, maxTasksPerFeature: 2 }, over: [] },
    {
      limits: { maxFeaturesPerEpic: 2, maxTasksPerFeature: 1 },
      over: [
        { id: 'E-1', children: 3, max: 2 },
        { id: 'F-1', children: 2, max: 1 },
      ],
    },
    { limits: { maxFeaturesPerEpic: 0, maxTasksPerFeature: 5 }, over: [{ id: 'E-1', children: 3, max: 0 }] },
  ])('lists the parents over $limits', ({ limits, over }) => {
    expect(overLimit(items, childCounts(items), limits)).toEqual(over);
  });
});

describe('violationOffset', () => {
  it.each([
    [undefined, 0],
    ['0', 0],
    ['40', 40],
  ])('%j -> %d', (cursor, offset) => {
    expect(violationOffset(cursor)).toBe(offset);
  });

  it.each(['-1', '1.5', 'abc', '1e400'])('refuses %j', (cursor) => {
    expect(() => violationOffset(cursor)).toThrow(DomainError);
    expect(() => violationOffset(cursor)).toThrow(/not one this tool issued/);
  });
});
