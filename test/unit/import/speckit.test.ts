import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importSpecKit, type ImportedItem, type ImportedPlan } from '../../../src/governance/import/index.js';

const TASKS_MD = readFileSync(new URL('../../fixtures/import/speckit-tasks.md', import.meta.url), 'utf8');
const NOW = '2025-06-01';

const tid = (i: ImportedItem): string | undefined => i.labels.find((l) => /^speckit:T\d/.test(l))?.slice(8);
const byTid = (plan: ImportedPlan, id: string): ImportedItem => plan.items.find((i) => tid(i) === id)!;
const linkRefs = (plan: ImportedPlan): string[] => {
  const ref = new Map(plan.items.map((i) => [i.id, tid(i) ?? i.title]));
  return plan.links.map((l) => `${ref.get(l.fromId)}->${ref.get(l.toId)}`);
};
const range = (a: number, z: number): string[] =>
  Array.from({ length: z - a + 1 }, (_, k) => `T${String(a + k).padStart(3, '0')}`);

describe('importSpecKit: generated tasks.md', () => {
  const plan = importSpecKit(TASKS_MD, { now: NOW });

  it('makes the H1 feature the epic and each phase a feature', () => {
    expect(plan.items.filter((i) => i.type !== 'task').map((i) => `${i.type}:${i.title}`)).toEqual([
      'epic:User Authentication',
      'feature:Phase 3.1: Setup',
      'feature:Phase 3.2: Tests First (TDD) ⚠️ MUST COMPLETE BEFORE 3.3',
      'feature:Phase 3.3: Core Implementation (ONLY after tests are failing)',
      'feature:Phase 3.4: Integration',
      'feature:Phase 3.5: Polish',
    ]);
    expect(plan.items[0]!.description).toContain('**Input**: Design documents from `/specs/002-user-auth/`');
    expect(plan.items[0]!.milestone).toBe('Q2-2025-user-authentication');
  });

  it('imports every T-numbered line exactly once and no validation checklist', () => {
    const ids = plan.items.map(tid).filter((x) => x !== undefined);
    expect(ids).toEqual(range(1, 19));
    expect(plan.stats).toMatchObject({ epics: 1, features: 5, tasks: 19, requirementLines: 19 });
    expect(plan.items.some((i) => /contracts have corresponding tests/.test(i.title))).toBe(false);
  });

  it.each([
    {
      id: 'T001',
      title: 'Create project structure per implementation plan',
      status: 'done',
      parallel: false,
    },
    {
      id: 'T003',
      title: 'Configure linting and formatting tools (ruff, black)',
      status: 'planning',
      parallel: true,
    },
    {
      id: 'T004',
      title: 'Contract test POST /api/users in tests/contract/test_users_post.py',
      status: 'done',
      parallel: true,
    },
    {
      id: 'T010',
      title: 'POST /api/users endpoint in backend/src/api/users.py',
      status: 'planning',
      parallel: false,
    },
  ])('$id: title, status, parallel label', ({ id, title, status, parallel }) => {
    const it = byTid(plan, id);
    expect(it).toMatchObject({ title, status, statusReason: null });
    expect(it.labels.includes('parallel')).toBe(parallel);
  });

  it('keeps indented lines under a task as its description', () => {
    const t = byTid(plan, 'T012');
    expect(t.description).toBe('- Reject emails without a domain\n- Passwords need at least 12 characters');
    expect(t.source).toEqual({ startLine: 47, endLine: 49 });
  });

  it('rolls statuses up: partly done phases and epic are in progress', () => {
    expect(plan.items.filter((i) => i.type !== 'task').map((i) => i.status)).toEqual([
      'in_progress',
      'in_progress',
      'in_progress',
      'planning',
      'planning',
      'planning',
    ]);
  });

  it('links ranges, blocks, requires, after and inline notes; warns on unknown ids', () => {
    const tests = range(4, 7);
    const impl = range(8, 13);
    const expected = [
      'T015->T014',
      ...tests.flatMap((t) => impl.map((i) => `${i}->${t}`)),
      'T009->T008',
      'T014->T008',
      'T016->T015',
    ];
    expect([...linkRefs(plan)].sort()).toEqual([...expected].sort());
    expect(plan.warnings).toEqual([
      { code: 'DEPENDENCY.UNRESOLVED', message: 'No task is T020: no link made.', line: 72 },
    ]);
  });

  it('is deterministic, and task ids survive renumbered phases and moved lines', () => {
    expect(importSpecKit(TASKS_MD, { now: NOW })).toEqual(plan);
    const edited = importSpecKit(
      TASKS_MD.replace('## Phase 3.4: Integration', '## Phase 4: Integration')
        .replace('- [ ] T016 Request/response logging\n', '')
        .replace(
          '- [ ] T019 [P] Update docs/api.md',
          '- [ ] T019 [P] Update docs/api.md\n- [x] T016 Request/response logging',
        ),
      { now: NOW },
    );
    const idOf = (p: ImportedPlan) =>
      new Map(p.items.map((i) => [tid(i) ?? i.title.replace(/^Phase [\d.]+: /, ''), i.id]));
    expect(idOf(edited)).toEqual(idOf(plan));
    expect(byTid(edited, 'T016')).toMatchObject({ status: 'done', parentId: byTid(plan, 'T017').parentId });
  });
});

describe('importSpecKit: other shapes', () => {
  const NEWER = [
    '# Tasks: Photo Albums',
    '',
    '## Phase 1: Setup (Shared Infrastructure)',
    '',
    '- [X] T001 Create project structure per implementation plan',
    '',
    '## Phase 3: User Story 1 - Create albums (Priority: P1) 🎯 MVP',
    '',
    '### Tests for User Story 1',
    '',
    '- [ ] T010 [P] [US1] Contract test for POST /albums in tests/contract/test_albums.py',
    '',
    '### Implementation for User Story 1',
    '',
    '- [ ] T012 [P] [US1] Create Album model in src/models/album.py',
    '- [ ] T013 [US1] Implement AlbumService in src/services/album_service.py (depends on T012)',
    '',
    '## Phase 4: User Story 2 - Share albums (Priority: P3)',
    '',
    '- [ ] T020 [US2] Share link endpoint in src/api/share.py',
    '',
    '## Dependencies & Execution Order',
    '',
    '- T010 → T012',
    '- T012..T013 before T020',
  ].join('\n');

  it('reads story markers, P-level priorities, arrows and dotted ranges', () => {
    const plan = importSpecKit(NEWER, { now: NOW });
    expect(plan.items.filter((i) => i.type === 'feature').map((i) => i.priority)).toEqual([
      'medium',
      'high',
      'low',
    ]);
    expect(byTid(plan, 'T012').labels).toEqual(['speckit:T012', 'parallel', 'speckit:US1']);
    expect(byTid(plan, 'T012').priority).toBe('high');
    expect(byTid(plan, 'T001').status).toBe('done');
    expect([...linkRefs(plan)].sort()).toEqual(['T012->T010', 'T013->T012', 'T020->T012', 'T020->T013']);
    expect(plan.warnings).toEqual([]);
  });

  it.each([
    {
      name: 'no H1 and no phases: default epic, synthetic feature',
      text: '- [ ] T001 First\n- [x] T002 Second\n',
      titles: ['epic:spec-kit tasks', 'feature:Tasks', 'task:First', 'task:Second'],
    },
    {
      name: 'checklists without ids are tasks when no line has one',
      text: '# Tasks: Blog\n\n## Writing\n- [ ] Draft post\n- [x] Review post\n',
      titles: ['epic:Blog', 'feature:Writing', 'task:Draft post', 'task:Review post'],
    },
    {
      name: 'checkboxes in fenced code are not tasks',
      text: '# Tasks: X\n\n## Phase 1\n- [ ] T001 Real\n```\n- [ ] T002 In a fence\n```\n',
      titles: ['epic:X', 'feature:Phase 1', 'task:Real'],
    },
  ])('$name', ({ text, titles }) => {
    const plan = importSpecKit(text, { now: NOW });
    expect(plan.items.map((i) => `${i.type}:${i.title}`)).toEqual(titles);
  });

  it('reports a duplicated id it is asked to link, instead of guessing', () => {
    const plan = importSpecKit(
      '## P\n- [ ] T001 A\n- [ ] T001 B\n- [ ] T002 C\n\n## Dependencies\n- T002 requires T001\n',
      {
        now: NOW,
      },
    );
    expect(plan.stats.tasks).toBe(3);
    expect(new Set(plan.items.map((i) => i.id)).size).toBe(plan.items.length);
    expect(plan.links).toEqual([]);
    expect(plan.warnings.map((w) => [w.code, w.line])).toEqual([['DEPENDENCY.AMBIGUOUS', 7]]);
  });
});
