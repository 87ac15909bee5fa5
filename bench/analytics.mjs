// Delivery analytics of a 10,000-item workspace with a year of history, in process: the velocity
// report and a 10,000-run milestone forecast, on SQLite (default) or PostgreSQL (--postgres).
// Prints medians of 7 runs. Usage: node --import tsx bench/analytics.mjs [--postgres] [--keep <schema or directory>] [--items N]
import { performance } from 'node:perf_hooks';
import { forecast, weeklyThroughput } from '../src/governance/analytics/delivery.ts';
import { deliveryMetrics, forecastMilestone } from '../src/governance/use-cases/delivery-metrics.ts';
import { allItems } from '../src/governance/use-cases/read-items.ts';
import { buildDashboard } from '../src/governance/use-cases/dashboard.ts';
import { cumulativeFlowSpec, renderPng } from '../src/mcp/charts.ts';
import { summarize } from './lib.mjs';
import { openBenchDeps, seedWorkspace } from './seed-workspace.mjs';

const argv = process.argv.slice(2);
const postgres = argv.includes('--postgres');
const items = argv.includes('--items') ? Number(argv[argv.indexOf('--items') + 1]) : 10_000;

const keep = argv.includes('--keep') ? argv[argv.indexOf('--keep') + 1] : undefined;
const { deps, settle, close } = await openBenchDeps({ postgres, keep });
try {
  const seeded = await seedWorkspace(deps, { items });
  await settle();
  const { config } = await deps.config.effective(seeded.workspace);
  const time = async (fn) => {
    const ms = [];
    let out;
    for (let i = 0; i < 7; i++) {
      const s = performance.now();
      out = await fn();
      ms.push(performance.now() - s);
    }
    return { ms: summarize(ms), out };
  };
  const now = deps.clock.now();
  const velocity = await time(() =>
    deliveryMetrics(deps.store.reader, config, now, {
      workspace: seeded.workspace,
      view: 'velocity',
      level: 'task',
      period: 'week',
    }),
  );
  const milestone = seeded.milestones.at(-1);
  const fc = await time(() =>
    forecastMilestone(deps.store.reader, now, {
      workspace: seeded.workspace,
      milestoneId: milestone,
      runs: 10_000,
      seed: 1,
    }),
  );
  // The simulation alone: 10,000 runs for 1,000 open tasks over the seeded weekly throughput.
  const history = weeklyThroughput(await allItems(deps.store.reader, seeded.workspace), now);
  const sim = await time(async () => forecast(1000, history, { now, dueOn: null, runs: 10_000, seed: 1 }));
  const read = await time(() => allItems(deps.store.reader, seeded.workspace));
  const view = (v) =>
    time(() =>
      deliveryMetrics(deps.store.reader, config, now, {
        workspace: seeded.workspace,
        view: v,
        level: 'task',
        period: 'week',
      }),
    );
  const bottlenecks = await view('bottlenecks');
  const flow = await view('flow');
  // A report as the tools serve it a second time: from the result cache, until an event drops it.
  const key = 'bench velocity';
  const compute = () =>
    deliveryMetrics(deps.store.reader, config, now, {
      workspace: seeded.workspace,
      view: 'velocity',
      level: 'task',
      period: 'week',
    });
  await deps.cache.get(seeded.workspace, key, now, compute);
  const cached = await time(() => deps.cache.get(seeded.workspace, key, now, compute));
  const dashboard = await time(() => buildDashboard(deps, config, seeded.workspace));
  const chart = await time(() => renderPng(cumulativeFlowSpec(flow.out.flow, 'tasks')));
  console.log(
    JSON.stringify(
      {
        bench: 'analytics',
        store: postgres ? 'postgres' : 'sqlite',
        items,
        velocityReportMs: velocity.ms,
        doneInWindow: velocity.out.done,
        readItemsMs: read.ms,
        forecastMs: fc.ms,
        bottlenecksMs: bottlenecks.ms,
        flowMs: flow.ms,
        cachedVelocityMs: cached.ms,
        dashboardMs: dashboard.ms,
        cumulativeFlowChartMs: chart.ms,
        monteCarlo10kRunsMs: sim.ms,
        monteCarloP50: sim.out.p50,
        forecast: {
          remaining: fc.out.forecast.remaining,
          p50: fc.out.forecast.p50,
          p95: fc.out.forecast.p95,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await close();
}
