/**
 * spec-kit `tasks.md` -> plan. One epic named after the H1 (`# Tasks: User Authentication` ->
 * `User Authentication`; `spec-kit tasks` without one); each section holding tasks (`## Phase 3.1:
 * Setup`) is a feature, each of its checklist lines a task. A file whose checklists carry no
 * `T001` ids imports every checklist; otherwise only sections with ids count (so a `Validation
 * Checklist` stays out). Labels keep the source: `speckit:T004`, `parallel` for `[P]`, `speckit:US1`
 * for a story marker. `[x]` is done; features and the epic roll up. Dependencies come from the
 * dependencies section and from task lines (`T004-T007 before T008`, `T008 blocks T010`,
 * `T015 requires T014`, `(depends on T012)`), ranges expanded.
 */
import { normalizeTitle } from '../decompose/ids.js';
import { detectPriority } from '../decompose/signals.js';
import { checkImportText, importEmpty, ImportPlanBuilder, stripBom } from './builder.js';
import { parseTasksMd, type RawTask } from './speckit-parse.js';
import type { ImportedItem, ImportedPlan, SpecKitImportOptions } from './types.js';

const WHAT = 'tasks.md';
const DEFAULT_EPIC = 'spec-kit tasks';
const PHASE_PREFIX_RE = /^phase\s+[\d.]+\s*[:.\-–—]?\s*/i;
const REF_RE = /\bT(\d+)(?:\s*(?:-|–|—|\.\.|\bto\b|\bthrough\b)\s*T?(\d+))?\b/g;
/** Group 1: the dependent comes first (`A requires B`); else the blocker does (`A before B`). */
const RELATION_RE =
  /\b(blocked by|requires?|depends? on|needs?|after)\b|\b(?:blocks?|before|prerequisite for)\b|->|→|=>/gi;
/** Wider ranges are read as their two ends only. */
const MAX_RANGE = 1000;

export function importSpecKit(markdown: string, options: SpecKitImportOptions): ImportedPlan {
  const b = new ImportPlanBuilder(options.now);
  const bytes = checkImportText(markdown, WHAT);
  const text = stripBom(markdown);
  const doc = parseTasksMd(text);
  const withIds = doc.sections.some((s) => !s.isDependencies && s.tasks.some((t) => t.num !== null));
  const taskSections = doc.sections.filter(
    (s) => !s.isDependencies && s.tasks.some((t) => !withIds || t.num !== null),
  );
  if (taskSections.length === 0) throw importEmpty(`${WHAT} has no checklist tasks (\`- [ ] T001 …\`).`);

  const h1 = doc.title?.replace(/^tasks\s*:\s*/i, '').trim() ?? '';
  const epicTitle = h1 === '' ? DEFAULT_EPIC : h1;
  const epicKey = ['speckit', normalizeTitle(epicTitle)];
  const preamble = doc.sections[0]!;
  const epic = b.add({
    type: 'epic',
    key: epicKey,
    title: epicTitle,
    parent: null,
    text: [trimBlank(preamble.text)],
    criteria: [],
    priority: 'medium',
    status: null,
    labels: ['speckit'],
    source: { startLine: 1, endLine: doc.lines },
  });

  const byNum = new Map<number, ImportedItem[]>();
  const taskLines: { task: RawTask; item: ImportedItem }[] = [];
  let records = 0;
  for (const s of taskSections) {
    const featureTitle = s.title ?? 'Tasks';
    const fKey = [...epicKey, normalizeTitle(featureTitle.replace(PHASE_PREFIX_RE, '')) || featureTitle];
    const priority = detectPriority(featureTitle)?.priority ?? 'medium';
    const feature = b.add({
      type: 'feature',
      key: fKey,
      title: featureTitle,
      parent: epic,
      text: s.title === null ? [] : [trimBlank(s.text)],
      criteria: [],
      priority,
      status: null,
      labels: s.title === null ? ['import:synthetic'] : [],
      source: { startLine: s.line, endLine: s.end },
    });
    for (const t of s.tasks) {
      const item = b.add({
        type: 'task',
        key: t.num === null ? [...fKey, normalizeTitle(t.title)] : [...epicKey, `T${t.num}`],
        title: t.title === '' ? (t.tid ?? 'Untitled task') : t.title,
        parent: feature,
        text: [dedent(t.body)],
        criteria: [],
        priority,
        status: t.checked ? 'done' : 'planning',
        labels: labelsOf(t),
        source: { startLine: t.line, endLine: t.end },
      });
      records++;
      if (t.num !== null) {
        const list = byNum.get(t.num);
        if (list) list.push(item);
        else byNum.set(t.num, [item]);
      }
      taskLines.push({ task: t, item });
    }
  }

  const warned = new Set<string>();
  const resolve = (ref: Ref, line: number): ImportedItem | null => {
    const found = byNum.get(ref.num) ?? [];
    if (found.length === 1) return found[0]!;
    const key = `${line} ${ref.num}`;
    if (!warned.has(key)) {
      warned.add(key);
      if (found.length === 0) b.warn('DEPENDENCY.UNRESOLVED', `No task is ${ref.text}: no link made.`, line);
      else b.warn('DEPENDENCY.AMBIGUOUS', `${found.length} tasks are ${ref.text}: no link made.`, line);
    }
    return null;
  };
  const link = (dependent: Ref, blocker: Ref, line: number): void => {
    const from = dependent.item ?? resolve(dependent, line);
    const to = blocker.item ?? resolve(blocker, line);
    if (from && to) b.link(from, to, line, `${dependent.text} -> ${blocker.text}`);
  };
  for (const { task, item } of taskLines) {
    relations(task.title, { num: task.num ?? -1, text: task.tid ?? item.title, item }, task.line, link);
  }
  for (const s of doc.sections.filter((x) => x.isDependencies)) {
    for (const n of s.notes) relations(n.text, null, n.line, link);
  }
  return b.finish('speckit', text, bytes, records);
}

interface Ref {
  num: number;
  text: string;
  /** Already known (the task whose own line states the relation). */
  item?: ImportedItem;
}

/**
 * Each relation word links the ids on its two sides: `A before B` and `A blocks B` make B depend on
 * A; `A requires B`, `A depends on B`, `A after B` make A depend on B. On a task's own line the
 * left side is the task itself.
 */
function relations(
  text: string,
  self: Ref | null,
  line: number,
  link: (dependent: Ref, blocker: Ref, line: number) => void,
): void {
  const matches = [...text.matchAll(RELATION_RE)];
  if (matches.length === 0) return;
  let start = 0;
  const segments: string[] = [];
  for (const m of matches) {
    segments.push(text.slice(start, m.index));
    start = m.index + m[0].length;
  }
  segments.push(text.slice(start));
  matches.forEach((m, k) => {
    const left = k === 0 && self ? [self] : refsIn(segments[k]!);
    const right = refsIn(segments[k + 1]!);
    const backward = m[1] !== undefined;
    for (const l of left) {
      for (const r of right) {
        if (backward) link(l, r, line);
        else link(r, l, line);
      }
    }
  });
}

/** `T004`, `T004-T007`, `T004–T007`, `T004..T007`, `T004 to T007`; ranges expanded. */
function refsIn(segment: string): Ref[] {
  const out: Ref[] = [];
  for (const m of segment.matchAll(REF_RE)) {
    const width = m[1]!.length;
    const ref = (num: number): Ref => ({ num, text: `T${String(num).padStart(width, '0')}` });
    const a = Number(m[1]);
    if (m[2] === undefined) {
      out.push(ref(a));
      continue;
    }
    const z = Number(m[2]);
    if (z < a || z - a > MAX_RANGE) out.push(ref(a), ref(z));
    else for (let n = a; n <= z; n++) out.push(ref(n));
  }
  return out;
}

function labelsOf(t: RawTask): string[] {
  const labels = t.tid === null ? [] : [`speckit:${t.tid}`];
  for (const tag of t.tags) {
    if (/^p$/i.test(tag)) labels.push('parallel');
    else labels.push(`speckit:${tag.replace(/\s+/g, '-')}`);
  }
  return labels;
}

function trimBlank(lines: readonly string[]): string {
  let a = 0;
  let z = lines.length;
  while (a < z && lines[a]!.trim() === '') a++;
  while (z > a && lines[z - 1]!.trim() === '') z--;
  return lines.slice(a, z).join('\n');
}

/** A task's body without the indentation it had under its bullet. */
function dedent(lines: readonly string[]): string {
  const body = trimBlank(lines).split('\n');
  const min = Math.min(...body.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return Number.isFinite(min) ? body.map((l) => l.slice(min)).join('\n') : '';
}
