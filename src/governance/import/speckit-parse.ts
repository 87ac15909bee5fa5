/**
 * Reads a spec-kit `tasks.md` into sections and checklist lines. A section is an H2 (or a later H1);
 * a task is a top-level `- [ ]` / `- [x]` line, with its more indented lines as its body. Sections
 * whose title mentions dependencies hold dependency notes, never tasks. Fenced code is never a task.
 */

export interface RawTask {
  /** 1-based lines. */
  line: number;
  end: number;
  indent: number;
  checked: boolean;
  /** The number of a `T012` id, and the id as written. */
  num: number | null;
  tid: string | null;
  /** Bracket markers after the id: `P`, `US1`… */
  tags: string[];
  title: string;
  body: string[];
}

export interface Section {
  /** null: the part before the first section heading. */
  title: string | null;
  line: number;
  end: number;
  isDependencies: boolean;
  text: string[];
  tasks: RawTask[];
  /** Every line of a dependencies section, for the relation parser. */
  notes: { line: number; text: string }[];
}

export interface ParsedTasksMd {
  /** The first H1, if it comes before any section. */
  title: string | null;
  sections: Section[];
  lines: number;
}

const HEADING_RE = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const FENCE_RE = /^\s*(?:```|~~~)/;
const CHECKBOX_RE = /^(\s*)(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s*(.*)$/;
const TASK_ID_RE = /^\**(T\d+)\**(?![\w-])[:.]?\s*/;
const MARKER_RE = /^\[([^\]]+)\]\s*/;
const DEPENDENCY_SECTION_RE = /dependenc/i;

const indentOf = (s: string): number => s.length - s.trimStart().length;

export function parseTasksMd(text: string): ParsedTasksMd {
  const raw = text.split(/\r?\n/);
  let title: string | null = null;
  let section: Section = newSection(null, 1);
  const sections = [section];
  let task: RawTask | null = null;
  let inFence = false;

  const closeTask = (): void => {
    if (task === null) return;
    while (task.body.length > 0 && task.body.at(-1)!.trim() === '') task.body.pop();
    task.end = task.line + task.body.length;
    task = null;
  };
  /** The open task takes a line indented deeper than its bullet (or a blank one). */
  const toTask = (l: string): boolean => {
    if (task === null || (l.trim() !== '' && indentOf(l) <= task.indent)) return false;
    task.body.push(l);
    return true;
  };

  raw.forEach((l, i) => {
    const line = i + 1;
    const prevEnd = section.end;
    if (l.trim() !== '') section.end = line;
    if (section.isDependencies) section.notes.push({ line, text: l });
    if (FENCE_RE.test(l) || inFence) {
      if (FENCE_RE.test(l)) inFence = !inFence;
      if (!toTask(l)) {
        closeTask();
        section.text.push(l);
      }
      return;
    }
    const h = HEADING_RE.exec(l);
    if (h) {
      closeTask();
      const level = h[1]!.length;
      const sectionsStarted = sections.length > 1;
      if (level === 1 && title === null && !sectionsStarted) title = h[2]!;
      else if (level <= 2) {
        section.end = prevEnd;
        section = newSection(h[2]!, line);
        sections.push(section);
      } else section.text.push(l);
      return;
    }
    if (toTask(l)) return;
    closeTask();
    const c = section.isDependencies ? null : CHECKBOX_RE.exec(l);
    if (c) task = openTask(section, line, c);
    else section.text.push(l);
  });
  closeTask();
  return { title, sections, lines: raw.length };
}

function newSection(title: string | null, line: number): Section {
  const isDependencies = title !== null && DEPENDENCY_SECTION_RE.test(title);
  return { title, line, end: line, isDependencies, text: [], tasks: [], notes: [] };
}

function openTask(section: Section, line: number, c: RegExpExecArray): RawTask {
  let rest = c[3]!.trim();
  const id = TASK_ID_RE.exec(rest);
  if (id) rest = rest.slice(id[0].length);
  const tags: string[] = [];
  for (let m = MARKER_RE.exec(rest); m; m = MARKER_RE.exec(rest)) {
    tags.push(m[1]!.trim());
    rest = rest.slice(m[0].length);
  }
  const task: RawTask = {
    line,
    end: line,
    indent: c[1]!.length,
    checked: c[2] !== ' ',
    num: id ? Number(id[1]!.slice(1)) : null,
    tid: id ? id[1]! : null,
    tags,
    title: rest.trim(),
    body: [],
  };
  section.tasks.push(task);
  return task;
}
