import { describe, expect, it } from 'vitest';
import { findCycle } from '../../src/governance/rules/links.js';

const edges = (pairs: [string, string][]) =>
  pairs.map(([blockerId, blockedId]) => ({ workspace: 'a/b', blockerId, blockedId, createdAt: '' }));

describe('findCycle', () => {
  it.each([
    { name: 'empty graph', links: [], add: ['A', 'B'], cycle: null },
    { name: 'direct back edge', links: [['A', 'B']], add: ['B', 'A'], cycle: ['B', 'A', 'B'] },
    {
      name: 'three-cycle',
      links: [
        ['A', 'B'],
        ['B', 'C'],
      ],
      add: ['C', 'A'],
      cycle: ['C', 'A', 'B', 'C'],
    },
    {
      name: 'diamond is fine',
      links: [
        ['A', 'B'],
        ['A', 'C'],
        ['B', 'D'],
      ],
      add: ['C', 'D'],
      cycle: null,
    },
    {
      name: 'parallel chain is fine',
      links: [
        ['A', 'B'],
        ['B', 'C'],
      ],
      add: ['A', 'C'],
      cycle: null,
    },
    {
      name: 'long cycle',
      links: [
        ['A', 'B'],
        ['B', 'C'],
        ['C', 'D'],
        ['D', 'E'],
      ],
      add: ['E', 'A'],
      cycle: ['E', 'A', 'B', 'C', 'D', 'E'],
    },
  ] as const)('$name', ({ links, add, cycle }) => {
    expect(findCycle(edges(links as unknown as [string, string][]), add[0], add[1])).toEqual(cycle);
  });

  it('every reported cycle is made of existing edges plus the new one', () => {
    const pairs: [string, string][] = [];
    for (let i = 0; i < 30; i++) pairs.push([`N${i}`, `N${(i * 7 + 3) % 30}`]);
    const links = edges(pairs).filter((l) => l.blockerId !== l.blockedId);
    const set = new Set(links.map((l) => `${l.blockerId}>${l.blockedId}`));
    for (let a = 0; a < 30; a++) {
      const cycle = findCycle(links, `N${a}`, `N${(a + 1) % 30}`);
      if (!cycle) continue;
      expect(cycle[0]).toBe(`N${a}`);
      expect(cycle.at(-1)).toBe(`N${a}`);
      for (let i = 1; i < cycle.length - 1; i++) expect(set.has(`${cycle[i]}>${cycle[i + 1]}`)).toBe(true);
    }
  });
});
