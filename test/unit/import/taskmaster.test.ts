import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  importTaskMaster,
  type ImportedItem,
  type ImportedPlan,
} from '../../../src/governance/import/index.js';
import type { SpecPlan } from '../../../src/governance/decompose/index.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url), 'utf8');
const LEGACY = fixture('taskmaster-legacy.json');
const TAGGED = fixture('taskmaster-tagged.json');
const NOW = '2025-06-01';

/** The item carrying `taskmaster:<ref>`. */
const byRef = (plan: ImportedPlan, ref: string): ImportedItem => {
  const found = plan.items.filter((i) => i.labels.includes(`taskmaster:${ref}`));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const linkRefs = (plan: ImportedPlan): string[] => {
  const ref = new Map(
    plan.items.map((i) => [i.id, i.labels.find((l) => /^taskmaster:\d/.test(l))?.slice(11) ?? i.id]),
  );
  return plan.links.map((l) => `${ref.get(l.fromId)} -> ${ref.get(l.toId)}`);
};

describe('importTaskMaster: structure', () => {
  const legacy = importTaskMaster(LEGACY, { now: NOW });

  it('is a SpecPlan: the same shape the decomposer produces', () => {
    const plan: SpecPlan = legacy;
    expect(plan.stats).toMatchObject({ epics: 1, features: 5, tasks: 10, links: 12, warnings: 2 });
  });

  it('makes one epic, a feature per task and a task per subtask, in file order', () => {
    expect(legacy.items.map((i) => `${i.type}:${i.title}`)).toEqual([
      'epic:Imported tasks',
      'feature:Setup Project Repository and Tooling',
      'task:Initialize package.json and TypeScript',
      'task:Configure ESLint and Prettier',
      'feature:Design Database Schema',
      'task:Write users and sessions migration',
      'task:Write audit events migration',
      'task:Seed development data',
      'feature:Implement User Authentication API',
      'task:Implement password hashing',
      'task:Implement login endpoint',
      'task:Implement token refresh endpoint',
      'feature:Write API Documentation',
      'task:Write API Documentation',
      'feature:Legacy XML Export',
      'task:Legacy XML Export',
    ]);
    const [epic] = legacy.items;
    for (const it of legacy.items.slice(1)) {
      const parent = legacy.items.find((p) => p.id === it.parentId)!;
      expect(parent.type).toBe(it.type === 'feature' ? 'epic' : 'feature');
    }
    expect(epic!.milestone).toBe('Q2-2025-imported-tasks');
  });

  it.each([
    { name: 'legacy', text: LEGACY, tasks: 5, subtasks: 8 },
    { name: 'tagged (master)', text: TAGGED, tasks: 3, subtasks: 4 },
  ])('imports every task and subtask exactly once: $name', ({ text, tasks, subtasks }) => {
    const plan = importTaskMaster(text, { now: NOW });
    const refs = plan.items.flatMap((i) => i.labels.filter((l) => /^taskmaster:\d/.test(l)));
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs.filter((r) => !r.includes('.', 11))).toHaveLength(tasks);
    expect(refs.filter((r) => r.includes('.', 11))).toHaveLength(subtasks);
    expect(plan.stats.requirementLines).toBe(tasks + subtasks);
    expect(new Set(plan.items.map((i) => i.id)).size).toBe(plan.items.length);
  });

  it('gives a task without subtasks one synthetic task, so no feature is empty', () => {
    const docs = byRef(legacy, '4');
    const kids = legacy.items.filter((i) => i.parentId === docs.id);
    expect(kids).toHaveLength(1);
    expect(kids[0]).toMatchObject({ title: docs.title, description: docs.description, status: docs.status });
    expect(kids[0]!.labels).toContain('import:synthetic');
    for (const f of legacy.items.filter((i) => i.type === 'feature')) {
      expect(legacy.items.some((i) => i.parentId === f.id)).toBe(true);
    }
  });

  it('builds descriptions from description and details, criteria from testStrategy', () => {
    const db = byRef(legacy, '2');
    expect(db.description).toBe(
      [
        'Define tables for users, sessions and audit events.',
        '## Details\n\nUse SQLite for development and Postgres in production through Kysely migrations.',
        '## Acceptance criteria\n\n- [ ] Migrations apply cleanly on an empty database\n- [ ] Migrations roll back without errors\n- [ ] Foreign keys are enforced',
      ].join('\n\n'),
    );
    expect(db.acceptanceCriteria).toEqual([
      'Migrations apply cleanly on an empty database',
      'Migrations roll back without errors',
      'Foreign keys are enforced',
    ]);
    expect(byRef(legacy, '1').acceptanceCriteria).toEqual([
      'Run npm run build and npm test on a clean checkout; both succeed.',
    ]);
    expect(byRef(legacy, '4').acceptanceCriteria).toEqual([]);
  });
});

describe('importTaskMaster: statuses and priorities', () => {
  const legacy = importTaskMaster(LEGACY, { now: NOW });

  it.each([
    { ref: '1', status: 'done', priority: 'high', extra: null },
    { ref: '1.1', status: 'done', priority: 'high', extra: null },
    { ref: '2', status: 'in_progress', priority: 'high', extra: null },
    { ref: '2.2', status: 'in_progress', priority: 'high', extra: null },
    { ref: '2.3', status: 'planning', priority: 'high', extra: null },
    { ref: '3.2', status: 'blocked', priority: 'high', extra: null },
    { ref: '3.3', status: 'review', priority: 'high', extra: null },
    { ref: '4', status: 'planning', priority: 'low', extra: 'taskmaster:deferred' },
    { ref: '5', status: 'cancelled', priority: 'medium', extra: 'taskmaster:cancelled' },
  ])('taskmaster:$ref -> $status, $priority', ({ ref, status, priority, extra }) => {
    const it = byRef(legacy, ref);
    expect(it.status).toBe(status);
    expect(it.priority).toBe(priority);
    expect(it.statusReason).toBe(
      { blocked: 'Blocked in Task Master.', cancelled: 'Cancelled in Task Master.' }[status] ?? null,
    );
    if (extra) expect(it.labels).toContain(extra);
  });

  it('rolls the epic up from its features and takes the highest priority', () => {
    expect(legacy.items[0]).toMatchObject({ status: 'in_progress', priority: 'high', estimateDays: 10 });
    const tagged = importTaskMaster(TAGGED, { now: NOW });
    expect(tagged.items[0]).toMatchObject({ title: 'master', priority: 'critical', status: 'in_progress' });
  });

  it('never leaves a done parent over an open child', () => {
    const text = JSON.stringify({
      tasks: [
        { id: 1, title: 'Parent', status: 'done', subtasks: [{ id: 1, title: 'Child', status: 'pending' }] },
      ],
    });
    const plan = importTaskMaster(text, { now: NOW });
    expect(plan.items.map((i) => i.status)).toEqual(['in_progress', 'in_progress', 'planning']);
  });
});

describe('importTaskMaster: dependencies', () => {
  it.each([
    {
      name: 'legacy',
      text: LEGACY,
      tag: undefined,
      links: [
        '1.2 -> 1.1',
        '2 -> 1',
        '2.2 -> 2.1',
        '2.3 -> 2.1',
        '2.3 -> 2.2',
        '3 -> 1',
        '3 -> 2',
        '3.1 -> 2.1',
        '3.2 -> 3.1',
        '3.3 -> 3.2',
        '4 -> 3',
        '5 -> 2',
      ],
      warnings: [
        { code: 'DEPENDENCY.UNRESOLVED', line: 97, ref: '99' },
        { code: 'DEPENDENCY.UNRESOLVED', line: 119, ref: '"7.1"' },
      ],
    },
    {
      name: 'tagged master',
      text: TAGGED,
      tag: 'master',
      links: ['2 -> 1', '2.2 -> 2.1', '3 -> 2.2', '3 -> 1', '3.1 -> 2.2', '3.2 -> 3.1'],
      warnings: [{ code: 'DEPENDENCY.UNRESOLVED', line: 66, ref: '"3.5"' }],
    },
    {
      name: 'tagged feature-reviews',
      text: TAGGED,
      tag: 'feature-reviews',
      links: ['1.2 -> 1.1'],
      warnings: [],
    },
  ])('$name: links and unresolved references', ({ text, tag, links, warnings }) => {
    const plan = importTaskMaster(text, { now: NOW, ...(tag ? { tag } : {}) });
    expect(linkRefs(plan)).toEqual(links);
    expect(plan.warnings.map((w) => ({ code: w.code, line: w.line }))).toEqual(
      warnings.map(({ code, line }) => ({ code, line })),
    );
    warnings.forEach((w, i) => expect(plan.warnings[i]!.message).toContain(w.ref));
  });

  it.each([
    {
      name: 'a subtask naming its own parent',
      tasks: [{ id: 1, title: 'A', subtasks: [{ id: 2, title: 'B', dependencies: [1] }] }],
      links: [],
      code: 'DEPENDENCY.HIERARCHY',
    },
    {
      name: 'an id two tasks hold',
      tasks: [
        { id: 1, title: 'A' },
        { id: 1, title: 'A again' },
        { id: 2, title: 'B', dependencies: [1] },
      ],
      links: [],
      code: 'DEPENDENCY.AMBIGUOUS',
    },
    {
      name: 'a string id and a self reference',
      tasks: [
        { id: '1', title: 'A', dependencies: [1] },
        { id: '2', title: 'B', dependencies: ['1', 'one'] },
      ],
      links: ['2 -> 1'],
      code: 'DEPENDENCY.UNRESOLVED',
    },
  ])('$name', ({ tasks, links, code }) => {
    const plan = importTaskMaster(JSON.stringify({ tasks }, null, 2), { now: NOW });
    expect(linkRefs(plan)).toEqual(links);
    expect(plan.warnings.map((w) => w.code)).toEqual([code]);
  });
});

describe('importTaskMaster: tags and determinism', () => {
  it.each([
    { tag: undefined, epic: 'master', features: 3 },
    { tag: 'master', epic: 'master', features: 3 },
    { tag: 'feature-reviews', epic: 'feature-reviews', features: 1 },
  ])('tag $tag -> epic "$epic"', ({ tag, epic, features }) => {
    const plan = importTaskMaster(TAGGED, { now: NOW, ...(tag ? { tag } : {}) });
    expect(plan.items[0]!.title).toBe(epic);
    expect(plan.stats.features).toBe(features);
  });

  it('takes the only tag when there is no master', () => {
    const plan = importTaskMaster(JSON.stringify({ sprint: { tasks: [{ id: 1, title: 'A' }] } }), {
      now: NOW,
    });
    expect(plan.items[0]!.title).toBe('sprint');
  });

  it('is deterministic, and ids survive edits that keep the Task Master ids', () => {
    const a = importTaskMaster(LEGACY, { now: NOW });
    expect(importTaskMaster(LEGACY, { now: NOW })).toEqual(a);
    const edited = LEGACY.replace('Design Database Schema', 'Design the database schema').replace(
      '"status": "in-progress"',
      '"status": "done"',
    );
    const b = importTaskMaster(`\n\n${edited}`, { now: NOW });
    expect(b.items.map((i) => i.id)).toEqual(a.items.map((i) => i.id));
    expect(b.items.map((i) => i.source.startLine)).toEqual(a.items.map((i) => i.source.startLine + 2));
  });

  it('gives different tags different ids', () => {
    const master = importTaskMaster(TAGGED, { now: NOW });
    const reviews = importTaskMaster(TAGGED, { now: NOW, tag: 'feature-reviews' });
    const ids = new Set(master.items.map((i) => i.id));
    expect(reviews.items.some((i) => ids.has(i.id))).toBe(false);
  });
});
