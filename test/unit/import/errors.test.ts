import { describe, expect, it } from 'vitest';
import { isDomainError, type DomainError } from '../../../src/governance/errors.js';
import { importSpecKit, importTaskMaster, MAX_IMPORT_BYTES } from '../../../src/governance/import/index.js';

const NOW = '2025-06-01';

const errorOf = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (e) {
    if (isDomainError(e)) {
      expect(e.hint).not.toBe('');
      return e;
    }
    throw e;
  }
  throw new Error('expected a DomainError');
};
const tm = (text: string, tag?: string) => () =>
  importTaskMaster(text, { now: NOW, ...(tag ? { tag } : {}) });
const sk = (text: string) => () => importSpecKit(text, { now: NOW });

const TASK = { id: 1, title: 'A' };

describe('importers: bad input', () => {
  it.each([
    { name: 'Task Master: empty', run: tm(''), code: 'IMPORT.EMPTY' },
    { name: 'Task Master: whitespace', run: tm(' \n\t'), code: 'IMPORT.EMPTY' },
    { name: 'Task Master: no tasks', run: tm('{ "tasks": [] }'), code: 'IMPORT.EMPTY' },
    { name: 'Task Master: no tags', run: tm('{}'), code: 'IMPORT.EMPTY' },
    {
      name: 'Task Master: tag without tasks',
      run: tm('{ "master": { "tasks": [] } }'),
      code: 'IMPORT.EMPTY',
    },
    { name: 'Task Master: not JSON', run: tm('tasks:\n  - 1'), code: 'IMPORT.INVALID' },
    { name: 'Task Master: an array', run: tm(JSON.stringify([TASK])), code: 'IMPORT.INVALID' },
    {
      name: 'Task Master: over 5 MiB',
      run: tm(JSON.stringify({ tasks: [{ ...TASK, details: 'x'.repeat(MAX_IMPORT_BYTES) }] })),
      code: 'IMPORT.TOO_LARGE',
    },
    {
      name: 'Task Master: multi-byte characters count as UTF-8',
      run: tm(JSON.stringify({ tasks: [{ ...TASK, details: 'é'.repeat(MAX_IMPORT_BYTES / 2 + 10) }] })),
      code: 'IMPORT.TOO_LARGE',
    },
    {
      name: 'Task Master: invalid now',
      run: () => importTaskMaster('{}', { now: 'today' }),
      code: 'INPUT.INVALID',
    },
    { name: 'spec-kit: empty', run: sk(''), code: 'IMPORT.EMPTY' },
    {
      name: 'spec-kit: no checklist',
      run: sk('# Tasks: X\n\n## Phase 1\nSome prose.\n'),
      code: 'IMPORT.EMPTY',
    },
    {
      name: 'spec-kit: checklists only under dependencies',
      run: sk('## Dependencies\n- [ ] T001 before T002\n'),
      code: 'IMPORT.EMPTY',
    },
    {
      name: 'spec-kit: over 5 MiB',
      run: sk(`- [ ] T001 ${'x'.repeat(MAX_IMPORT_BYTES)}`),
      code: 'IMPORT.TOO_LARGE',
    },
  ])('$name -> $code', ({ run, code }) => {
    expect(errorOf(run).code).toBe(code);
  });

  it.each([
    { text: '{\n  "tasks": [\n    { "id": 1, "title": "A", }\n  ]\n}', line: 3, column: 30 },
    { text: '{\n  "tasks": [\n', line: 3, column: 1 },
    { text: '{ "tasks" 1 }', line: 1, column: 11 },
  ])('invalid JSON names line $line:$column', ({ text, line, column }) => {
    const e = errorOf(tm(text));
    expect(e.code).toBe('IMPORT.INVALID');
    expect(e.details).toEqual({ line, column });
    expect(e.message).toContain(`line ${line}:${column}`);
  });

  it.each([
    {
      name: 'a title missing',
      data: { tasks: [TASK, { id: 2, description: 'no title' }] },
      path: 'tasks.1.title',
      line: 7,
    },
    {
      name: 'an unknown status',
      data: { master: { tasks: [{ ...TASK, status: 'finished' }] } },
      path: 'master.tasks.0.status',
      line: 7,
    },
    {
      name: 'a subtask id that is not a number',
      data: { tasks: [{ ...TASK, subtasks: [{ id: 'one', title: 'B' }] }] },
      path: 'tasks.0.subtasks.0.id',
      line: 8,
    },
    { name: 'tasks not a list', data: { tasks: { 1: TASK } }, path: 'tasks', line: 2 },
    {
      name: 'a bad priority',
      data: { tasks: [{ ...TASK, priority: 'urgent' }] },
      path: 'tasks.0.priority',
      line: 6,
    },
    { name: 'a tag that is not an object', data: { master: 'none' }, path: 'master', line: 2 },
  ])('wrong shape: $name -> IMPORT.INVALID at $path', ({ data, path, line }) => {
    const e = errorOf(tm(JSON.stringify(data, null, 2)));
    expect(e.code).toBe('IMPORT.INVALID');
    const issues = e.details!.issues as { path: string; line?: number }[];
    expect(issues[0]).toMatchObject({ path, line });
    expect(e.message).toContain(path);
  });

  it.each([
    { text: JSON.stringify({ master: { tasks: [TASK] }, 'feature-x': { tasks: [TASK] } }), tag: 'feature-y' },
    { text: JSON.stringify({ alpha: { tasks: [TASK] }, beta: { tasks: [TASK] } }), tag: undefined },
    { text: JSON.stringify({ tasks: [TASK] }), tag: 'feature-x' },
  ])('unknown tag $tag -> IMPORT.INVALID listing the tags', ({ text, tag }) => {
    const e = errorOf(tm(text, tag));
    expect(e.code).toBe('IMPORT.INVALID');
    const tags = e.details!.tags as string[];
    expect(tags.length).toBeGreaterThan(0);
    for (const t of tags) expect(e.message).toContain(t);
  });
});
