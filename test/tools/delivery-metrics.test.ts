/**
 * get_delivery_metrics and forecast_milestone through MCP on a history made with the test clock:
 * exact velocity and percentiles on known data, a forecast that recovers a known throughput, a
 * forecast without history that says what it assumed, and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { forecast } from '../../src/governance/analytics/delivery.js';
import { T0, useClient, WS } from '../helpers/mcp.js';

const DAY = 86_400_000;
const day = (n: number) => new Date(Date.parse(T0) + n * DAY).toISOString();

describe('delivery metrics', () => {
  const c = useClient();

  /** `n` tasks under one milestone; task k starts on day `start(k)` and is done on day `end(k)` (null: open). */
  async function history(n: number, start: (k: number) => number, end: (k: number) => number | null) {
    const m = (await c().ok('upsert_milestone', { workspace: WS, title: 'R1', dueOn: day(70).slice(0, 10) }))
      .milestone;
    const epic = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'E', milestoneId: m.id }))
      .item;
    const f = (await c().ok('create_item', { workspace: WS, type: 'feature', title: 'F', parentId: epic.id }))
      .item;
    const ids: string[] = [];
    for (let k = 0; k < n; k++)
      ids.push(
        (await c().ok('create_item', { workspace: WS, type: 'task', title: `T${k}`, parentId: f.id })).item
          .id,
      );
    const moves = ids.flatMap((id, k) => {
      const done = end(k);
      return [
        { at: start(k), id, status: 'in_progress' },
        ...(done === null ? [] : [{ at: done, id, status: 'done' }]),
      ];
    });
    for (const mv of moves.sort((a, b) => a.at - b.at)) {
      c().clock.set(day(mv.at));
      await c().ok('set_item_status', { workspace: WS, id: mv.id, status: mv.status });
    }
    return { milestone: m.id, ids };
  }

  it('counts velocity per day and week and gives exact cycle-time percentiles', async () => {
    // Task k: started on day 0, done on day k + 1: cycle times 1..5 days.
    await history(
      5,
      () => 0,
      (k) => k + 1,
    );
    c().clock.set(day(7));
    const v = await c().ok('get_delivery_metrics', {
      workspace: WS,
      view: 'velocity',
      period: 'day',
      since: T0,
    });
    const done = Object.fromEntries(
      v.velocity.map((r: { period: string; done: number }) => [r.period, r.done]),
    );
    for (let k = 1; k <= 5; k++) expect(done[day(k).slice(0, 10)]).toBe(1);
    expect(v.done).toBe(5);
    const weekly = await c().ok('get_delivery_metrics', {
      workspace: WS,
      view: 'velocity',
      period: 'week',
      since: T0,
    });
    expect(weekly.velocity.reduce((s: number, r: { done: number }) => s + r.done, 0)).toBe(5);
    const ct = await c().ok('get_delivery_metrics', { workspace: WS, view: 'cycle_time', since: T0 });
    expect(ct.cycleTime).toEqual({ count: 5, median: 3, p85: 5, p95: 5, mean: 3 });
    const tp = await c().ok('get_delivery_metrics', { workspace: WS, view: 'throughput', since: T0 });
    expect(tp.agents).toEqual([expect.objectContaining({ agent: '(unassigned)', done: 5 })]);
  });

  it('measures time in each status and cumulative flow from the audit trail, and the histogram', async () => {
    // Task k: started on day k, done on day 2k + 2 (k = 0..3): in progress k + 2 days.
    await history(
      4,
      (k) => k,
      (k) => 2 * k + 2,
    );
    c().clock.set(day(10));
    const b = await c().ok('get_delivery_metrics', { workspace: WS, view: 'bottlenecks', since: T0 });
    // In progress 2, 3, 4, 5 days; in planning 0 (created at T0, started then), 1, 2, 3 days.
    expect(b.timeInStatus.in_progress).toMatchObject({ count: 4, median: 3, p95: 5, mean: 3.5 });
    expect(b.timeInStatus.planning).toMatchObject({ count: 3, median: 2, mean: 2 });
    expect(b.timeInStatus.review.count).toBe(0);
    const ct = await c().ok('get_delivery_metrics', { workspace: WS, view: 'cycle_time', since: T0 });
    expect(ct.histogram).toEqual([2, 3, 4, 5].map((d) => ({ days: d, count: 1 })));
    const flow = await c().ok('get_delivery_metrics', { workspace: WS, view: 'flow', since: T0 });
    const on = (n: number) => flow.flow.find((r: { date: string }) => r.date === day(n).slice(0, 10));
    // End of day 3: tasks 0..3 started; task 0 done (day 2).
    expect(on(3)).toEqual({
      date: day(3).slice(0, 10),
      planning: 0,
      in_progress: 3,
      review: 0,
      blocked: 0,
      done: 1,
    });
    expect(on(0)).toMatchObject({ planning: 3, in_progress: 1, done: 0 });
    expect(flow.flow.at(-1)).toMatchObject({ done: 4, in_progress: 0 });
    for (const r of flow.flow) expect(r.planning + r.in_progress + r.review + r.blocked + r.done).toBe(4);
    const charted = await c().call('get_delivery_metrics', {
      workspace: WS,
      view: 'flow',
      since: T0,
      chart: true,
    });
    expect(charted.content.some((x) => x.type === 'image' && x.mimeType === 'image/png')).toBe(true);
  });

  it('finds the critical path of a milestone through open dependencies', async () => {
    const { milestone, ids } = await history(
      4,
      () => 0,
      () => null,
    );
    const est = async (id: string, d: number) => {
      const cur = (await c().ok('get_item', { workspace: WS, id })).item;
      await c().ok('update_item', { workspace: WS, id, expectedVersion: cur.version, estimateDays: d });
    };
    await est(ids[0]!, 3);
    await est(ids[1]!, 1);
    await est(ids[2]!, 2);
    await est(ids[3]!, 5);
    // 0 -> 2 -> 3 (3 + 2 + 5) is longer than 1 -> 2 -> 3 (1 + 2 + 5).
    await c().ok('link_items', { workspace: WS, fromId: ids[0]!, kind: 'blocks', toId: ids[2]! });
    await c().ok('link_items', { workspace: WS, fromId: ids[1]!, kind: 'blocks', toId: ids[2]! });
    await c().ok('link_items', { workspace: WS, fromId: ids[2]!, kind: 'blocks', toId: ids[3]! });
    const b = await c().ok('get_delivery_metrics', {
      workspace: WS,
      view: 'bottlenecks',
      milestoneId: milestone,
    });
    expect(b.criticalPath).toEqual({ milestoneId: milestone, ids: [ids[0], ids[2], ids[3]], days: 10 });
    // Once the first is done the path goes through what is left.
    await c().ok('set_item_status', { workspace: WS, id: ids[0]!, status: 'done' });
    const after = await c().ok('get_delivery_metrics', {
      workspace: WS,
      view: 'bottlenecks',
      milestoneId: milestone,
    });
    expect(after.criticalPath).toEqual({ milestoneId: milestone, ids: [ids[1], ids[2], ids[3]], days: 8 });
    const none = await c().failure('get_delivery_metrics', {
      workspace: WS,
      view: 'bottlenecks',
      milestoneId: 'M-99',
    });
    expect(none.code).toBe('MILESTONE.NOT_FOUND');
  });

  it('lists blocked items and those waiting on an open dependency', async () => {
    const { ids } = await history(
      3,
      () => 0,
      () => null,
    );
    await c().ok('set_item_status', { workspace: WS, id: ids[0], status: 'blocked', reason: 'vendor' });
    await c().ok('link_items', { workspace: WS, fromId: ids[1], kind: 'depends_on', toId: ids[2] });
    const b = await c().ok('get_delivery_metrics', { workspace: WS, view: 'bottlenecks' });
    expect(b.blocked).toEqual([expect.objectContaining({ id: ids[0], reason: 'vendor' })]);
    expect(b.waitingOnDependencies).toEqual([{ id: ids[1], on: [ids[2]] }]);
  });

  it('forecasts from a known throughput: 3 tasks a week leaves 9 open tasks 3 weeks', async () => {
    // 18 tasks done 3 a week for 6 weeks, then 9 more open.
    const { milestone } = await history(
      27,
      () => 0,
      (k) => (k < 18 ? 7 * Math.floor(k / 3) + 3 : null),
    );
    c().clock.set(day(42));
    const f = await c().ok('forecast_milestone', { workspace: WS, milestoneId: milestone });
    expect(f).toMatchObject({ tasks: 27, remaining: 9, assumption: null });
    expect(f.history.slice(-5)).toEqual([3, 3, 3, 3, 3]);
    expect(f.p50).toBe(day(42 + 21).slice(0, 10));
    expect(f.p95).toBe(day(42 + 21).slice(0, 10));
    expect(f.onTimeProbability).toBe(1);
    expect(await c().ok('forecast_milestone', { workspace: WS, milestoneId: milestone })).toEqual(f);
    // Burn-up: 3 more done each week, the scope all 27 from the start.
    expect(f.burnUp).toHaveLength(12);
    expect(f.burnUp.at(-1)).toEqual({ week: day(42).slice(0, 10), done: 18, scope: 27 });
    expect(f.burnUp.slice(-7).map((r: { done: number }) => r.done)).toEqual([0, 3, 6, 9, 12, 15, 18]);
  });

  it.each([
    ['forecast_milestone', (m: string) => ({ milestoneId: m })],
    ['get_delivery_metrics', () => ({ view: 'velocity', since: T0 })],
  ])('%s draws its chart as a PNG with the Vega-Lite spec it came from', async (tool, args) => {
    const { milestone } = await history(
      6,
      () => 0,
      (k) => (k < 4 ? 7 * k + 3 : null),
    );
    c().clock.set(day(35));
    const r = await c().call(tool, { workspace: WS, ...args(milestone), chart: true });
    expect(r.isError).toBeFalsy();
    const image = r.content.find((x) => x.type === 'image') as { data: string; mimeType: string };
    expect(image.mimeType).toBe('image/png');
    const png = Buffer.from(image.data, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBeGreaterThan(400); // IHDR width
    expect(png.length).toBeGreaterThan(2_000);
    const spec = (r.structuredContent as { chart: Record<string, unknown> }).chart;
    const vl = await import('vega-lite');
    expect(() => vl.compile(spec as never)).not.toThrow();
    if (tool === 'forecast_milestone') {
      // The burn-up is the second image, with its own spec.
      expect(r.content.filter((x) => x.type === 'image')).toHaveLength(2);
      const burn = (r.structuredContent as { burnUpChart: Record<string, unknown> }).burnUpChart;
      expect(() => vl.compile(burn as never)).not.toThrow();
    }
    const plain = await c().call(tool, { workspace: WS, ...args(milestone) });
    expect(plain.content.some((x) => x.type === 'image')).toBe(false);
  });

  it('says what it assumed when there is no history', async () => {
    const m = (await c().ok('upsert_milestone', { workspace: WS, title: 'R2' })).milestone;
    const e = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'E', milestoneId: m.id }))
      .item;
    const f = (await c().ok('create_item', { workspace: WS, type: 'feature', title: 'F', parentId: e.id }))
      .item;
    for (let k = 0; k < 10; k++)
      await c().ok('create_item', { workspace: WS, type: 'task', title: `T${k}`, parentId: f.id });
    const r = await c().ok('forecast_milestone', { workspace: WS, milestoneId: m.id });
    expect(r.assumption).toMatch(/assumed 5 tasks a week/);
    expect(r).toMatchObject({ remaining: 10, onTimeProbability: null, p50: day(14).slice(0, 10) });
  });

  it.each([
    ['an unknown milestone', 'forecast_milestone', { milestoneId: 'M-99' }, 'MILESTONE.NOT_FOUND'],
    [
      'an unknown workspace',
      'get_delivery_metrics',
      { workspace: 'no/where', view: 'velocity' },
      'WORKSPACE.NOT_FOUND',
    ],
    ['a bad view', 'get_delivery_metrics', { view: 'speed' }, 'INPUT.INVALID'],
  ])('refuses %s', async (_n, tool, args, code) => {
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'E' });
    expect(await c().err(tool, { workspace: WS, ...args })).toBe(code);
  });
});

describe('forecast (property)', () => {
  it.each([1, 2, 3, 4, 5])('recovers a random throughput within its interval (seed %i)', (seed) => {
    // Weekly throughput drawn from 2..8 (mean 5): 100 tasks need about 20 weeks.
    let x = seed * 7919;
    const history = Array.from({ length: 12 }, () => 2 + ((x = (x * 48271) % 2147483647) % 7));
    const mean = history.reduce((a, b) => a + b, 0) / history.length;
    const now = '2026-01-05T00:00:00.000Z';
    const f = forecast(100, history, { now, dueOn: null, runs: 10_000, seed });
    const weeks = (d: string | null) => (Date.parse(d!) - Date.parse(now)) / (7 * DAY);
    expect(weeks(f.p50)).toBeLessThanOrEqual(weeks(f.p85));
    expect(weeks(f.p85)).toBeLessThanOrEqual(weeks(f.p95));
    const expected = 100 / mean;
    expect(weeks(f.p50)).toBeGreaterThanOrEqual(Math.floor(expected) - 1);
    expect(weeks(f.p50)).toBeLessThanOrEqual(Math.ceil(expected) + 1);
    expect(f.weeks.reduce((s, w) => s + w.runs, 0)).toBe(10_000);
  });
});
