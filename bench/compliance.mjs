// A full compliance check (check_compliance's use-case) of a 10,000-item workspace with a year of
// history, in process, on SQLite (default) or PostgreSQL (--postgres). Prints medians of 15 runs
// after 3 not counted (a server runs for long: its first calls also pay for compiling the code).
// Usage: node --import tsx bench/compliance.mjs [--postgres] [--keep <schema or directory>] [--items 10000]
import { performance } from 'node:perf_hooks';
import { newEnforcedViolations } from '../src/governance/compliance/engine.ts';
import { nodeFromItem } from '../src/governance/compliance/nodes.ts';
import { buildPolicy } from '../src/governance/compliance/policy.ts';
import { complianceReport } from '../src/governance/use-cases/compliance-report.ts';
import { enforceRules, WrittenItems } from '../src/governance/use-cases/enforce-rules.ts';
import { updateItem } from '../src/governance/use-cases/update-item.ts';
import { summarize } from './lib.mjs';
import { openBenchDeps, seedWorkspace } from './seed-workspace.mjs';

const argv = process.argv.slice(2);
const postgres = argv.includes('--postgres');
const items = argv.includes('--items') ? Number(argv[argv.indexOf('--items') + 1]) : 10_000;

const keep = argv.includes('--keep') ? argv[argv.indexOf('--keep') + 1] : undefined;
const { deps, settle, close } = await openBenchDeps({ postgres, keep });
try {
  const t0 = performance.now();
  const seeded = await seedWorkspace(deps, { items });
  await settle();
  const seedMs = performance.now() - t0;
  const run = async (scope, id) => {
    const ms = [];
    let report;
    for (let i = 0; i < 18; i++) {
      const s = performance.now();
      report = await complianceReport(deps, { workspace: seeded.workspace, scope, id, limit: 50 });
      if (i >= 3) ms.push(performance.now() - s);
    }
    return { ms: summarize(ms), report };
  };
  const whole = await run('workspace');
  const taskId = seeded.tasks[Math.floor(seeded.tasks.length / 2)];
  const one = await run('item', taskId);

  // Enforcing rules: the pre-write check of one item, alone and as a write pays it.
  const rules = { 'estimate.missing': { enforce: true }, 'labels.unknown': { enforce: true } };
  const caller = {
    actor: { type: 'user', id: 'bench', name: 'Bench' },
    client: null,
    tool: 'update_config',
    correlationId: 'bench',
  };
  await deps.config.update(caller, {
    workspace: seeded.workspace,
    scope: 'repo',
    override: { compliance: { rules } },
    reason: 'bench: enforcing rules',
  });
  const { config } = await deps.config.effective(seeded.workspace);
  const policy = buildPolicy(config, deps.clock.now().slice(0, 10));
  const task = await deps.store.reader.getItem(seeded.workspace, taskId);
  const node = nodeFromItem({ ...task, estimateDays: 2 }, new Map());
  const before = nodeFromItem(task, new Map());
  const pure = [];
  for (let i = 0; i < 2000; i++) {
    const s = performance.now();
    newEnforcedViolations(node, before, policy, config.compliance.rules);
    pure.push(performance.now() - s);
  }
  const inTx = [];
  for (let i = 0; i < 50; i++) {
    await deps.store.write(seeded.workspace, async (tx) => {
      // As a write's scope holds it: the item it stored and what it changed.
      const written = new WrittenItems();
      written.stored(task);
      written.record(taskId, 'item.updated', { title: { old: task.title, new: task.title } });
      const s = performance.now();
      await enforceRules(deps, tx, seeded.workspace, deps.clock.now(), written);
      inTx.push(performance.now() - s);
    });
  }
  const writes = [];
  let version = task.version;
  for (let i = 0; i < 30; i++) {
    const s = performance.now();
    const r = await updateItem(
      deps,
      { ...caller, tool: 'update_item' },
      {
        workspace: seeded.workspace,
        id: taskId,
        expectedVersion: version,
        patch: { title: `${task.title} ${i}` },
      },
    );
    writes.push(performance.now() - s);
    version = r.item.version;
  }
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
        preWriteRuleCheckMs: summarize(pure),
        preWriteCheckInTransactionMs: summarize(inTx),
        updateItemWithEnforcingRulesMs: summarize(writes),
      },
      null,
      2,
    ),
  );
} finally {
  await close();
}
