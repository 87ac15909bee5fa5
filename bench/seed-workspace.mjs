// A large workspace with a history, for the in-process benchmarks (compliance, analytics).
// Items, milestones, links and every status change go through the real use-cases, so the audit
// trail holds the history the way a year of use would leave it.
// Seeding 10,000 items with a year of history takes about a minute on SQLite and four on PostgreSQL.
// Usage (from a bench): node --import tsx bench/<bench>.mjs
//   const { deps, settle, close } = await openBenchDeps({ postgres });
//   const seeded = await seedWorkspace(deps, { items: 10_000, days: 365 });
//   await settle();
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/config.ts';
import { prng } from '../src/governance/analytics/delivery.ts';
import { createDeps } from '../src/composition/create-deps.ts';
import { createItem } from '../src/governance/use-cases/create-item.ts';
import { linkItems } from '../src/governance/use-cases/links.ts';
import { allItems } from '../src/governance/use-cases/read-items.ts';
import { requireItem } from '../src/governance/use-cases/lookups.ts';
import { transitionItem } from '../src/governance/use-cases/set-item-status.ts';
import { upsertMilestone } from '../src/governance/use-cases/upsert-milestone.ts';
import { runWrite } from '../src/governance/use-cases/write-scope.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';

const DAY = 86_400_000;
export const BENCH_START = '2025-12-01T09:00:00.000Z';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A clock that moves only when told to. */
export function benchClock(start = BENCH_START) {
  let t = Date.parse(start);
  return {
    now: () => new Date(t).toISOString(),
    set: (iso) => void (t = Date.parse(iso)),
    advance: (ms) => void (t += ms),
  };
}

/**
 * Deps over a throwaway store: SQLite in a temp directory, or PostgreSQL at TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test) in a schema dropped by close(). `keep` names a
 * PostgreSQL schema, or on SQLite a data directory, to use and keep instead (`--keep <name>`): a
 * later run with the same name finds the workspace seeded and skips the minutes of seeding.
 */
export async function openBenchDeps({ postgres = false, keep } = {}) {
  const clock = benchClock();
  const config = loadConfig(['stdio'], { GF_DATA_DIR: join(tmpdir(), 'gf-bench-unused') });
  let store;
  let drop;
  let settle = async () => {};
  if (postgres) {
    const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = keep ?? `gf_bench_${randomBytes(5).toString('hex')}`;
    store = await createPostgresStore({ url, schema, poolSize: 5 });
    const sql = async (run) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await run(client);
      } finally {
        await client.end();
      }
    };
    drop = keep
      ? async () => {}
      : () => sql((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    // A workspace a year old has been vacuumed and analyzed by autovacuum many times over; a
    // freshly seeded one not yet, and its reads would fetch every heap page to check visibility.
    settle = () =>
      sql(async (client) => {
        const { rows } = await client.query('SELECT tablename FROM pg_tables WHERE schemaname = $1', [
          schema,
        ]);
        for (const { tablename } of rows) await client.query(`VACUUM (ANALYZE) "${schema}"."${tablename}"`);
      });
  } else {
    const dataDir = keep ?? (await mkdtemp(join(tmpdir(), 'gf-bench-')));
    if (keep) await mkdir(keep, { recursive: true });
    store = await createSqliteStore({ dataDir });
    drop = keep ? async () => {} : () => rm(dataDir, { recursive: true, force: true });
  }
  const deps = createDeps(config, {
    store,
    clock,
    logger: silent,
    actor: { type: 'user', id: 'bench:seed', name: 'Seed' },
    auditSigner: undefined,
  });
  return {
    deps,
    clock,
    /** After seeding: PostgreSQL's tables vacuumed and analyzed, as autovacuum keeps them. */
    settle,
    async close() {
      await deps.close();
      await store.close();
      await drop();
    },
  };
}

const caller = (tool) => ({
  actor: { type: 'user', id: 'bench:seed', name: 'Seed' },
  client: { name: 'bench', version: '1' },
  tool,
  correlationId: `bench-${tool}`,
});

const AGENTS = ['agent:dev', 'agent:dev', 'agent:dev', 'agent:qa', 'agent:security', 'agent:pm'];

/**
 * Seeds `items` items (20 epics x 10 features, the rest tasks) created over the first part of
 * `days` days, with 12 monthly milestones, dependency links between tasks of a feature (about 5%
 * of tasks) and a history: each task is started a few days after it is created, goes to review
 * after a cycle of 1 to ~15 days (a few are blocked for a while first) and is done 1 to 3 days
 * later, unless `days` ends before. The clock ends at the last day. Returns the ids made.
 */
export async function seedWorkspace(
  deps,
  { workspace = 'bench/big', items = 10_000, days = 365, seed = 1, onProgress } = {},
) {
  const rnd = prng(seed);
  const clock = deps.clock;
  const start = Date.parse(clock.now());
  if ((await deps.store.reader.countItems(workspace)) > 0) {
    clock.set(new Date(start + days * DAY).toISOString());
    return seededBefore(deps, workspace);
  }
  const at = (day) => new Date(start + day * DAY).toISOString();
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

  const milestones = [];
  for (let m = 0; m < 12; m++) {
    const due = at(Math.round(((m + 1) * days) / 12)).slice(0, 10);
    const r = await upsertMilestone(deps, caller('upsert_milestone'), {
      workspace,
      title: `Release ${m + 1}`,
      dueOn: due,
    });
    milestones.push(r.milestone.id);
  }

  const epicCount = Math.min(20, Math.max(1, Math.floor(items / 50)));
  const featuresPer = 10;
  const taskTotal = Math.max(0, items - epicCount - epicCount * featuresPer);
  const epics = [];
  const features = [];
  for (let e = 0; e < epicCount; e++) {
    const milestoneId = milestones[Math.floor((e * milestones.length) / epicCount)];
    const epic = await createItem(deps, caller('create_item'), {
      workspace,
      type: 'epic',
      title: `Epic ${e}`,
      milestoneId,
      description: '## Overview\nWhy this epic exists.\n\n## Acceptance criteria\n- [ ] It ships',
    });
    epics.push(epic.id);
    for (let f = 0; f < featuresPer; f++) {
      const feature = await createItem(deps, caller('create_item'), {
        workspace,
        type: 'feature',
        title: `Feature ${e}.${f}`,
        parentId: epic.id,
        milestoneId,
        description: f % 4 ? '## Acceptance criteria\n- [ ] Works' : 'No sections yet',
      });
      features.push({ id: feature.id, milestoneId, tasks: [] });
    }
  }

  // Tasks: created over the first 85% of the period, in creation order.
  const plans = [];
  for (let i = 0; i < taskTotal; i++) {
    const created = Math.floor((i / Math.max(1, taskTotal)) * days * 0.85);
    const started = created + int(0, 10);
    const blocked = rnd() < 0.1 ? int(1, 5) : 0;
    const review = started + blocked + Math.max(1, Math.round(-Math.log(1 - rnd()) * 4));
    const done = review + int(1, 3);
    plans.push({ i, created, started, blocked, review, done });
  }
  const byDay = new Map();
  const on = (day, op) => {
    if (day > days) return;
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(op);
  };
  for (const p of plans) {
    on(p.created, { kind: 'create', p });
    on(p.started, { kind: 'status', p, to: 'in_progress' });
    if (p.blocked) {
      on(p.started + 1, { kind: 'status', p, to: 'blocked', reason: 'waiting on a review of the design' });
      on(p.started + 1 + p.blocked, { kind: 'status', p, to: 'in_progress' });
    }
    on(p.review, { kind: 'status', p, to: 'review' });
    on(p.done, { kind: 'status', p, to: 'done' });
  }

  const taskIds = new Array(taskTotal);
  let links = 0;
  let transitions = 0;
  for (let day = 0; day <= days; day++) {
    const ops = byDay.get(day);
    if (!ops) continue;
    clock.set(at(day));
    const creates = ops.filter((o) => o.kind === 'create');
    for (const { p } of creates) {
      const feature = features[p.i % features.length];
      const task = await createItem(deps, caller('create_item'), {
        workspace,
        type: 'task',
        title: `Task ${p.i}`,
        parentId: feature.id,
        agent: AGENTS[p.i % AGENTS.length],
        estimateDays: int(1, 5),
        milestoneId: feature.milestoneId,
        priority: ['critical', 'high', 'medium', 'medium', 'low'][p.i % 5],
        description: p.i % 3 ? '## Acceptance criteria\n- [ ] Done when tested' : '',
      });
      taskIds[p.i] = task.id;
      const previous = feature.tasks.at(-1);
      if (previous !== undefined && rnd() < 0.05) {
        await linkItems(deps, caller('link_items'), {
          workspace,
          fromId: task.id,
          kind: 'depends_on',
          toId: previous,
        });
        links++;
      }
      feature.tasks.push(task.id);
    }
    const moves = ops.filter((o) => o.kind === 'status');
    if (moves.length === 0) continue;
    // One transaction per day for the day's moves, each through the status rules and roll-up.
    await runWrite(deps, caller('set_item_status'), workspace, async (s) => {
      for (const m of moves) {
        const item = await requireItem(s.tx, s.workspace, taskIds[m.p.i]);
        await transitionItem(s, item, m.to, m.reason ?? null);
        transitions++;
      }
    });
    onProgress?.({ day, days });
  }
  clock.set(at(days));
  return {
    workspace,
    milestones,
    epics,
    features: features.map((f) => f.id),
    tasks: taskIds,
    links,
    transitions,
  };
}

/** The ids of a workspace seeded by an earlier run (a kept schema), as seedWorkspace returns them. */
async function seededBefore(deps, workspace) {
  const items = (await allItems(deps.store.reader, workspace)).sort((a, b) => a.seq - b.seq);
  const of = (type) => items.filter((i) => i.type === type).map((i) => i.id);
  return {
    workspace,
    milestones: (await deps.store.reader.listMilestones(workspace)).map((m) => m.id),
    epics: of('epic'),
    features: of('feature'),
    tasks: of('task'),
    links: (await deps.store.reader.listLinks(workspace)).length,
    transitions: null,
    reused: true,
  };
}
