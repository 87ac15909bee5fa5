/**
 * Task Master `tasks.json` -> plan. Legacy files hold `{ tasks }`, tagged ones `{ <tag>: { tasks } }`.
 * One epic (the tag's name; `Imported tasks` for a legacy file); each task is a feature, each
 * subtask a task. A task without subtasks also gets one task of its own title (label
 * `import:synthetic`), so no feature is empty. `description` and `details` make the description,
 * `testStrategy` the acceptance criteria; statuses map through STATUS_MAP. Every task and subtask
 * carries `taskmaster:<id>` (`taskmaster:3.2` for a subtask).
 * Dependencies: a task's `n` is task n, `"n.m"` subtask m of task n; a subtask's `n` is its sibling
 * subtask n, else task n (Task Master's own reading).
 */
import { DomainError } from '../errors.js';
import { flattenZodIssues, formatPath, MAX_ISSUES } from '../config/issues.js';
import type { Priority } from '../model/work-item.js';
import { checkImportText, importEmpty, ImportPlanBuilder, stripBom, type ItemInput } from './builder.js';
import { jsonLines, positionOf, type LineSpan } from './json-lines.js';
import {
  STATUS_MAP,
  taskListSchema,
  type TaskList,
  type TaskMasterSubtask,
  type TaskMasterTask,
} from './taskmaster-schema.js';
import type { ImportedItem, ImportedPlan, TaskMasterImportOptions } from './types.js';

const WHAT = 'tasks.json';
const LEGACY_EPIC = 'Imported tasks';

interface Entry {
  item: ImportedItem;
  subtasks: Map<number, ImportedItem>;
  /** Ids held by more than one subtask: references to them are ambiguous. */
  duplicateSubtasks: Set<number>;
  /** Subtask items in file order. */
  subAt: ImportedItem[];
}

export function importTaskMaster(jsonText: string, options: TaskMasterImportOptions): ImportedPlan {
  const b = new ImportPlanBuilder(options.now);
  const bytes = checkImportText(jsonText, WHAT);
  const text = stripBom(jsonText);
  const data = parseJson(text);
  const lines = jsonLines(text);
  const { tag, base, list } = selectTag(data, options.tag, lines);
  if (list.tasks.length === 0) throw importEmpty(`${WHAT} has no tasks${tag ? ` under tag "${tag}"` : ''}.`);
  const span = (path: string): LineSpan => lines.get(path) ?? { start: 1, end: 1 };
  const epicKey = ['taskmaster', tag ?? ''];
  const top = span(base);
  const epic = b.add({
    type: 'epic',
    key: epicKey,
    title: tag ?? LEGACY_EPIC,
    parent: null,
    text: [list.metadata?.description ?? ''],
    criteria: [],
    priority: 'medium',
    status: null,
    labels: tag ? [`taskmaster:tag:${tag}`] : [],
    source: { startLine: top.start, endLine: top.end },
  });

  const entries = new Map<number, Entry>();
  const duplicates = new Set<number>();
  const all: Entry[] = [];
  list.tasks.forEach((t, i) => {
    const path = `${base === '' ? '' : `${base}.`}tasks.${i}`;
    const s = span(path);
    const priority: Priority = t.priority ?? 'medium';
    const fKey = [...epicKey, `task ${t.id}`];
    const source = { startLine: s.start, endLine: s.end };
    const feature = b.add(itemInput(t, 'feature', fKey, epic, priority, [`taskmaster:${t.id}`], source));
    const entry: Entry = { item: feature, subtasks: new Map(), duplicateSubtasks: new Set(), subAt: [] };
    all.push(entry);
    if (entries.has(t.id)) duplicates.add(t.id);
    else entries.set(t.id, entry);
    const subtasks = t.subtasks ?? [];
    if (subtasks.length === 0) {
      b.add(itemInput(t, 'task', [...fKey, 'self'], feature, priority, ['import:synthetic'], source));
    }
    subtasks.forEach((st, j) => {
      const ss = span(`${path}.subtasks.${j}`);
      const task = b.add(
        itemInput(
          st,
          'task',
          [...fKey, `subtask ${st.id}`],
          feature,
          st.priority ?? priority,
          [`taskmaster:${t.id}.${st.id}`],
          { startLine: ss.start, endLine: ss.end },
        ),
      );
      entry.subAt.push(task);
      if (entry.subtasks.has(st.id)) entry.duplicateSubtasks.add(st.id);
      else entry.subtasks.set(st.id, task);
    });
  });

  const records = list.tasks.reduce((n, t) => n + 1 + (t.subtasks?.length ?? 0), 0);
  list.tasks.forEach((t, i) => {
    const path = `${base === '' ? '' : `${base}.`}tasks.${i}`;
    const own = all[i]!;
    const resolve = (ref: number | string, sibling: Entry | null, line: number, from: ImportedItem): void => {
      const target = resolveRef(ref, sibling, entries, duplicates);
      if (target === 'ambiguous' || target === 'unresolved') {
        const code = target === 'ambiguous' ? 'DEPENDENCY.AMBIGUOUS' : 'DEPENDENCY.UNRESOLVED';
        b.warn(code, message(target, ref, from), line);
      } else b.link(from, target, line, `dependency ${JSON.stringify(ref)}`);
    };
    (t.dependencies ?? []).forEach((ref, k) =>
      resolve(ref, null, span(`${path}.dependencies.${k}`).start, own.item),
    );
    (t.subtasks ?? []).forEach((st, j) => {
      (st.dependencies ?? []).forEach((ref, k) =>
        resolve(ref, own, span(`${path}.subtasks.${j}.dependencies.${k}`).start, own.subAt[j]!),
      );
    });
  });
  return b.finish('taskmaster', text, bytes, records);
}

function itemInput(
  t: TaskMasterSubtask | TaskMasterTask,
  type: 'feature' | 'task',
  key: string[],
  parent: ImportedItem,
  priority: Priority,
  labels: string[],
  source: ItemInput['source'],
): ItemInput {
  const status = t.status ?? 'pending';
  const extra = status === 'deferred' || status === 'cancelled' ? [`taskmaster:${status}`] : [];
  return {
    type,
    key,
    title: t.title,
    parent,
    text: [t.description ?? '', t.details?.trim() ? `## Details\n\n${t.details.trim()}` : ''],
    criteria: criteriaOf(t.testStrategy ?? ''),
    priority,
    status: STATUS_MAP[status],
    statusReason: status === 'cancelled' ? 'Cancelled in Task Master.' : 'Blocked in Task Master.',
    labels: [...labels, ...extra],
    source,
  };
}

/** One criterion per line of the test strategy, list markers dropped. */
function criteriaOf(testStrategy: string): string[] {
  return testStrategy
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, '').trim())
    .filter((l) => l !== '');
}

type Resolved = ImportedItem | 'unresolved' | 'ambiguous';

function resolveRef(
  ref: number | string,
  sibling: Entry | null,
  entries: ReadonlyMap<number, Entry>,
  duplicates: ReadonlySet<number>,
): Resolved {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(String(ref));
  if (!m) return 'unresolved';
  const n = Number(m[1]);
  if (m[2] !== undefined) {
    if (duplicates.has(n)) return 'ambiguous';
    const e = entries.get(n);
    const s = Number(m[2]);
    if (e?.duplicateSubtasks.has(s)) return 'ambiguous';
    return e?.subtasks.get(s) ?? 'unresolved';
  }
  if (sibling?.subtasks.has(n))
    return sibling.duplicateSubtasks.has(n) ? 'ambiguous' : sibling.subtasks.get(n)!;
  if (duplicates.has(n)) return 'ambiguous';
  return entries.get(n)?.item ?? 'unresolved';
}

function message(what: 'unresolved' | 'ambiguous', ref: number | string, from: ImportedItem): string {
  const id = from.labels.find((l) => /^taskmaster:\d/.test(l)) ?? from.title;
  return what === 'ambiguous'
    ? `Dependency ${JSON.stringify(ref)} of ${id} names an id several tasks hold: no link made.`
    : `Dependency ${JSON.stringify(ref)} of ${id} names no task in the file: no link made.`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // V8 names an offset for most syntax errors; a truncated file ends where the text does.
    const at = /at position (\d+)/.exec(reason);
    const offset = at ? Number(at[1]) : /end of JSON input/.test(reason) ? text.length : null;
    const pos = offset === null ? null : positionOf(text, offset);
    throw new DomainError(
      'IMPORT.INVALID',
      `${WHAT} is not valid JSON${pos ? ` at line ${pos.line}:${pos.column}` : ''}: ${reason}`,
      'Pass the file exactly as Task Master wrote it (.taskmaster/tasks/tasks.json).',
      pos ? { ...pos } : {},
    );
  }
}

function selectTag(
  data: unknown,
  wanted: string | undefined,
  lines: ReadonlyMap<string, LineSpan>,
): { tag: string | null; base: string; list: TaskList } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw shapeError([{ path: '(root)', message: 'expected an object with "tasks" or with tags' }], lines);
  }
  const root = data as Record<string, unknown>;
  if ('tasks' in root) {
    if (wanted !== undefined && wanted !== 'master') throw unknownTag(wanted, ['master']);
    return { tag: null, base: '', list: validate(root, [], lines) };
  }
  const tags = Object.keys(root);
  if (tags.length === 0) throw importEmpty(`${WHAT} has no tags and no tasks.`);
  const tag = wanted ?? (tags.includes('master') || tags.length !== 1 ? 'master' : tags[0]!);
  if (!Object.hasOwn(root, tag)) throw unknownTag(tag, tags);
  return { tag, base: tag, list: validate(root[tag], [tag], lines) };
}

function validate(value: unknown, prefix: string[], lines: ReadonlyMap<string, LineSpan>): TaskList {
  const parsed = taskListSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = flattenZodIssues(parsed.error).map((i) => ({
    path: formatPath([...prefix, ...i.path]),
    message: i.message,
  }));
  throw shapeError(issues, lines);
}

function shapeError(
  raw: { path: string; message: string }[],
  lines: ReadonlyMap<string, LineSpan>,
): DomainError {
  const issues = raw.map((i) => {
    // The nearest enclosing value present in the file gives the line.
    const segs = i.path === '(root)' ? [] : i.path.split('.');
    let line: number | undefined;
    for (let n = segs.length; line === undefined && n >= 0; n--)
      line = lines.get(segs.slice(0, n).join('.'))?.start;
    return { ...i, ...(line === undefined ? {} : { line }) };
  });
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new DomainError(
    'IMPORT.INVALID',
    `${WHAT} does not have Task Master's shape at ${first.path}${first.line ? ` (line ${first.line})` : ''}: ${first.message}${more}`,
    'Each task needs a numeric id and a title; statuses and priorities must be Task Master values. Fix the listed paths.',
    { issues: issues.slice(0, MAX_ISSUES), ...(issues.length > MAX_ISSUES ? { total: issues.length } : {}) },
  );
}

function unknownTag(tag: string, tags: readonly string[]): DomainError {
  const sorted = [...tags];
  return new DomainError(
    'IMPORT.INVALID',
    `${WHAT} has no tag "${tag}"; its tags are: ${sorted.join(', ')}.`,
    'Pass one of the listed tags.',
    { tag, tags: sorted },
  );
}
