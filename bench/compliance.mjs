// A full compliance check (check_compliance's use-case) of a 10,000-item workspace with a year of
// history, in process, on SQLite (default) or PostgreSQL (--postgres). Prints medians of 7 runs.
// Usage: node --import tsx bench/compliance.mjs [--postgres] [--items 10000]
import { performance } from 'node:perf_hooks';
import { complianceReport } from '../src/governance/use-cases/compliance-report.ts';
import { summarize } from './lib.mjs';
import { openBenchDeps, seedWorkspace } from './seed-workspace.mjs';

const argv = process.argv.slice(2);
const postgres = argv.includes('--postgres');
const items = argv.includes('--items') ? Number(argv[argv.indexOf('--items') + 1]) : 10_000;

const { deps, close } = await openBenchDeps({ postgres });
try {
  const t0 = performance.now();
  const seeded = await seedWorkspace(deps, { items });
  const seedMs = performance.now() - t0;
  const run = async (scope, id) => {
    const ms = [];
    let report;
    for (let i = 0; i < 7; i++) {
      const s = performance.now();
      report = await complianceReport(deps, { workspace: seeded.workspace, scope, id, limit: 50 });
      ms.push(performance.now() - s);
    }
    return { ms: summarize(ms), report };
  };
  const whole = await run('workspace');
  const one = await run('item', seeded.tasks[Math.floor(seeded.tasks.length / 2)]);
  console.log(
    JSON.stringify(
      {
        bench: 'compliance',
        store: postgres ? 'postgres' : 'sqlite',
        items: whole.report.checked,
        seedMs: Math.round(seedMs),
        workspaceCheckMs: whole.ms,
        complianceRate: whole.report.complianceRate,
        findings: whole.report.bySeverity,
        oneItemCheckMs: one.ms,
      },
      null,
      2,
    ),
  );
} finally {
  await close();
}
