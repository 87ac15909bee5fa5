import { describe, expect, it } from 'vitest';
import type { ItemLink, Priority, WorkItem } from '../../../src/governance/model/work-item.js';
import { blockersFirst, pickAgents } from '../../../src/governance/use-cases/sprint-plan.js';
import { workItem } from './fixtures.js';

const task = (id: string, priority: Priority = 'medium', extra: Partial<WorkItem> = {}) =>
  workItem(id, { priority, ...extra });

const link = (blockerId: string, blockedId: string): ItemLink => ({
  workspace: 'a/b',
  blockerId,
  blockedId,
  createdAt: '2027-01-01T00:00:00.000Z',
});

const ids = (items: readonly WorkItem[]) => items.map((i) => i.id);

describe('blockersFirst', () => {
  it.each([
    {
      name: 'a blocker comes before what it blocks, whatever their priorities',
      tasks: [task('T-1', 'critical'), task('T-2', 'low')],
      links: [link('T-2', 'T-1')],
      order: ['T-2', 'T-1'],
    },
    {
      name: 'without links, priority first, then tree order',
      tasks: [task('T-1', 'low'), task('T-2', 'high'), task('T-3', 'high'), task('T-4', 'critical')],
      links: [],
      order: ['T-4', 'T-2', 'T-3', 'T-1'],
    },
    {
      name: 'a chain keeps its order and a free critical task goes first',
      tasks: [task('T-1'), task('T-2'), task('T-3'), task('T-4', 'critical')],
      links: [link('T-3', 'T-2'), link('T-2', 'T-1')],
      order: ['T-4', 'T-3', 'T-2', 'T-1'],
    },
    {
      name: 'a task waits for all of its blockers',
      tasks: [task('T-1', 'critical'), task('T-2', 'low'), task('T-3', 'low')],
      links: [link('T-2', 'T-1'), link('T-3', 'T-1')],
      order: ['T-2', 'T-3', 'T-1'],
    },
    {
      name: 'links to tasks outside the list change nothing',
      tasks: [task('T-1', 'high'), task('T-2', 'low')],
      links: [link('T-9', 'T-1'), link('T-1', 'T-8')],
      order: ['T-1', 'T-2'],
    },
  ])('$name', ({ tasks, links, order }) => {
    expect(ids(blockersFirst(tasks, links))).toEqual(order);
  });

  it('ends on a cycle, listing every task once', () => {
    const tasks = [task('T-1'), task('T-2'), task('T-3')];
    const out = blockersFirst(tasks, [link('T-1', 'T-2'), link('T-2', 'T-1')]);
    expect(ids(out).sort()).toEqual(['T-1', 'T-2', 'T-3']);
    expect(ids(out)[0]).toBe('T-3');
  });
});

describe('pickAgents', () => {
  const known = ['agent:dev', 'agent:qa'];
  it.each([
    { requested: undefined, picked: known, unknown: [] },
    { requested: '  ', picked: known, unknown: [] },
    { requested: ' agent:qa , ,agent:dev', picked: ['agent:qa', 'agent:dev'], unknown: [] },
    { requested: 'agent:qa,agent:ops', picked: ['agent:qa', 'agent:ops'], unknown: ['agent:ops'] },
  ])('$requested', ({ requested, picked, unknown }) => {
    expect(pickAgents(known, requested)).toEqual({ picked, unknown });
  });
});
