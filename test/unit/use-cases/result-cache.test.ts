/**
 * The result cache: a hit within its age and minute, a miss after either, dropped by a changing
 * event of its workspace only, a failure not kept, one computation for concurrent reads, and the
 * oldest entry evicted past the limit.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../src/governance/model/events.js';
import { createResultCache } from '../../../src/governance/use-cases/result-cache.js';
import { createMemoryBus } from '../../../src/store/memory/event-bus.js';

const NOW = '2027-03-01T10:00:00.000Z';
const event = (workspace: string, type: DomainEvent['type']) =>
  ({ workspace, type, payload: { id: 'T-1', changed: [] }, at: NOW }) as unknown as DomainEvent;

describe('result cache', () => {
  it('serves a hit, and recomputes after a change, its age or the minute', async () => {
    const bus = createMemoryBus();
    let t = 0;
    const cache = createResultCache(bus, { maxAgeMs: 1000, nowMs: () => t });
    let runs = 0;
    const compute = async () => ++runs;
    expect(await cache.get('a/b', 'k', NOW, compute)).toBe(1);
    expect(await cache.get('a/b', 'k', NOW, compute)).toBe(1);
    await bus.publish(event('c/d', 'issue.updated'));
    expect(await cache.get('a/b', 'k', NOW, compute)).toBe(1);
    await bus.publish(event('a/b', 'issue.updated'));
    expect(await cache.get('a/b', 'k', NOW, compute)).toBe(2);
    t = 1500;
    expect(await cache.get('a/b', 'k', NOW, compute)).toBe(3);
    expect(await cache.get('a/b', 'k', '2027-03-01T10:01:00.000Z', compute)).toBe(4);
    cache.close();
    await bus.publish(event('a/b', 'issue.updated'));
    expect(await cache.get('a/b', 'k', '2027-03-01T10:01:00.000Z', compute)).toBe(4);
  });

  it('shares one computation, keeps no failure, and evicts the oldest', async () => {
    const cache = createResultCache(createMemoryBus(), { maxEntries: 2, nowMs: () => 0 });
    let runs = 0;
    const slow = () => new Promise<number>((r) => setTimeout(() => r(++runs), 5));
    const [a, b] = await Promise.all([cache.get('w/x', 'k', NOW, slow), cache.get('w/x', 'k', NOW, slow)]);
    expect([a, b, runs]).toEqual([1, 1, 1]);
    await expect(cache.get('w/x', 'bad', NOW, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(cache.size()).toBe(1);
    await cache.get('w/x', 'k2', NOW, slow);
    await cache.get('w/x', 'k3', NOW, slow);
    expect(cache.size()).toBe(2);
    expect(await cache.get('w/x', 'k', NOW, slow)).toBe(4); // evicted, computed again
    const off = createResultCache(createMemoryBus(), { maxAgeMs: 0, nowMs: () => 0 });
    let n = 0;
    await off.get('w/x', 'k', NOW, async () => ++n);
    await off.get('w/x', 'k', NOW, async () => ++n);
    expect([n, off.size()]).toEqual([2, 0]);
  });
});
