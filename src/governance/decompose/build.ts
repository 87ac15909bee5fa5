/**
 * Builds the epic / feature / task tree from scanned lines in one pass. Every requirement line is
 * routed to exactly one node (its description, its acceptance criteria, or a task's title), and
 * node spans nest without overlapping, which is what coverage.ts checks.
 */
import { codeUnits, tableTask, type CodeUnit } from './structure.js';
import type { ResolvedOptions } from './options.js';
import { isRequirementLine, type ScanResult, type ScannedLine } from './scan.js';
import { headingName, type NonWorkKind, type SectionPlan } from './sections.js';
import { AC_LEAD_RE, detectDependencies, META_RE } from './signals.js';
import { normalizeTitle } from './ids.js';
import { isAcHeading, node, type Node } from './tree.js';
import type { PlanWarning } from './types.js';

/** A section that holds no work: its lines go to `target` (null: the next epic, once there is one). */
interface NonWork {
  level: number;
  kind: NonWorkKind;
  target: Node | null;
  /** 0-based heading line, and the questions met under it (open-questions sections). */
  line: number;
  questions: number;
  /** A dependencies section: its sentences say which item depends on which. */
  deps: boolean;
}

/** A code block cut into tasks (an endpoint, a table, an interface, a rule each). */
interface CodeTasks {
  units: CodeUnit[];
  next: number;
  lang: string;
}

/** A paragraph's first sentence, as a prose task's title. */
function firstSentence(text: string): string {
  const m = /^(.{12,}?[.!?])(?:\s|$)/.exec(text);
  return (m ? m[1]! : text).trim();
}

/** A section that lists which work depends on which (`## Dependencies`). */
const DEPENDENCY_SECTION_RE =
  /^(?:dependencies|dependency (?:map|graph|list)|prerequisites|sequencing|ordering)$/;

/** A list item that only states what its section depends on. */
const DEPENDENCY_ITEM_RE =
  /^[*_]{0,2}\s*(?:depends on|dependent on|blocked by|requires|builds on|prerequisites?|dependencies)\b\s*[*_]{0,2}\s*:?\s*/i;

/**
 * A list item or paragraph labelled as no work: a scope statement (`In scope: ...`, `Out of scope: ...`),
 * `Non-goal: ...`, `Future: ...`.
 */
const NON_WORK_ITEM_RE =
  /^[*_]{0,2}\s*(?:(?:in|out of|not in) scope|non-?goals?|won'?t (?:do|have)|future(?: work)?|later|open question|question|note)\s*[*_]{0,2}\s*:/i;

/** A story's labelled parts given as sibling items: attached to the story, not tasks of their own. */
const STORY_PART_RE =
  /^[*_]{0,2}\s*(acceptance(?: criteria)?|benefits?|so that|value|rationale|why|notes?|details?|definition of done)\s*[*_]{0,2}\s*:/i;

interface AcBlock {
  target: Node;
  /** Heading level of an `### Acceptance criteria` block; 0 for a `Acceptance criteria:` lead-in. */
  level: number;
  /** Lead-in blocks: list items deeper than this belong to the block (-1: any). */
  indent: number;
}

type Route = { to: 'own' | 'ac'; node: Node };

export class TreeBuilder {
  readonly epics: Node[] = [];
  readonly warnings: PlanWarning[] = [];
  requirementLines = 0;
  private epic: Node | null = null;
  private feature: Node | null = null;
  private task: Node | null = null;
  private ac: AcBlock | null = null;
  private fence: Route | null = null;
  private prevBlank = true;
  private nonWork: NonWork | null = null;
  /** Lines of non-work sections met before the first epic: they go to it. */
  private pending: { i: number; ac: boolean; deps: boolean }[] = [];
  private codeTasks: CodeTasks | null = null;
  /** The task closed last in the open feature: a story's labelled parts attach to it. */
  private prevTask: Node | null = null;
  /** The open feature's section is prose: each paragraph is a task. */
  private prose = false;
  /** Before the first section, under the document title: metadata and context. */
  private preamble = false;
  private readonly roles: { titleLine: number; titleText: string | null; epicLevel: number };

  constructor(
    private readonly scan: ScanResult,
    private readonly sections: SectionPlan,
    private readonly opts: ResolvedOptions,
  ) {
    let epicLevel = 1;
    for (const [line, role] of sections.role) {
      if (role === 'epic') {
        epicLevel = scan.lines[line]!.level;
        break;
      }
    }
    this.roles = { titleLine: sections.titleLine, titleText: sections.titleText, epicLevel };
    if (sections.titleLine >= 0) {
      this.preamble = true;
      this.nonWork = {
        level: 0,
        kind: 'context',
        target: null,
        line: sections.titleLine,
        questions: 0,
        deps: false,
      };
    }
  }

  build(): Node[] {
    const { lines, raw } = this.scan;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (isRequirementLine(l, raw[i]!)) this.requirementLines++;
      this.line(i, l);
      this.prevBlank = l.kind === 'blank' || l.kind === 'rule';
    }
    this.endNonWork();
    if (this.pending.length > 0) this.ensureEpic(this.pending[0]!.i);
    this.closeEpic();
    if (this.scan.unclosedFence >= 0) {
      this.warn(
        'FENCE.UNCLOSED',
        'A code fence is never closed: the rest of the spec is code.',
        this.scan.unclosedFence,
      );
    }
    this.dropRestatedTasks();
    return this.epics;
  }

  /**
   * A task stated again word for word in a later section (a summary or allocation section that
   * repeats the work) is kept once: the later statement joins its section's description, and the
   * task cites it. Only tasks of five words or more: short ones ("Write tests") may well recur.
   */
  private dropRestatedTasks(): void {
    const first = new Map<string, Node>();
    for (const e of this.epics) {
      for (const f of e.children) {
        for (const t of [...f.children]) {
          const key = normalizeTitle(t.title);
          if (key.split(' ').length < 5) continue;
          const kept = first.get(key);
          if (!kept) {
            first.set(key, t);
            continue;
          }
          f.children.splice(f.children.indexOf(t), 1);
          if (f.own.length > 0) f.own.push('');
          const text =
            this.scan.lines[t.start]?.kind === 'list' ? [this.scan.raw[t.start]!, ...t.own] : t.own;
          f.own.push(`${text[0] ?? t.title} (stated before, at line ${kept.start + 1})`, ...text.slice(1));
          f.contentLines++;
          kept.own.push('', `Also stated at line ${t.start + 1}.`);
        }
      }
    }
  }

  private line(i: number, l: ScannedLine): void {
    if (this.nonWork && l.kind !== 'heading') return this.nonWorkLine(i, l);
    switch (l.kind) {
      case 'blank':
      case 'underline':
        return;
      case 'rule':
        this.closeTask();
        if (this.ac?.level === 0) this.ac = null;
        return;
      case 'heading':
        return this.heading(i, l);
      case 'fence':
      case 'code':
        return this.code(i, l);
      case 'list':
        return this.listItem(i, l);
      case 'text':
        return this.text(i, l);
    }
  }

  private heading(i: number, l: ScannedLine): void {
    this.closeTask();
    if (this.ac?.level === 0) this.ac = null;
    if (this.nonWork && l.level <= this.nonWork.level) this.endNonWork();
    if (this.preamble && i > this.roles.titleLine) {
      this.preamble = false;
      this.endNonWork();
    }
    // A heading inside a non-work section is part of its text.
    if (this.nonWork) return this.nonWorkLine(i, l);
    if (i === this.roles.titleLine) return;
    // Sub-headings of an acceptance-criteria block (Must have, Should have...) are criteria groups.
    if (this.ac && this.ac.level > 0 && l.level > this.ac.level)
      return this.toAc(i, this.ac.target, l.text, true);
    if (isAcHeading(l)) return this.acHeading(i, l.level);
    const role = this.sections.role.get(i) ?? 'sub';
    if (role === 'nonwork') {
      this.ac = null;
      this.nonWork = {
        level: l.level,
        kind: this.sections.kind.get(i) ?? 'context',
        target: this.nonWorkTarget(l.level),
        line: i,
        questions: 0,
        deps: DEPENDENCY_SECTION_RE.test(headingName(l.text)),
      };
      return this.nonWorkLine(i, l);
    }
    if (role === 'group') {
      this.ac = null;
      this.closeEpic();
      return;
    }
    if (role === 'epic' || role === 'title') {
      this.ac = null;
      this.closeEpic();
      this.epic = node('epic', l.text, l.level, i, null);
      this.epics.push(this.epic);
      this.flushPending(this.epic);
      this.prose = this.sections.prose.has(i);
    } else if (role === 'feature') {
      this.ac = null;
      this.closeFeature();
      const epic = this.ensureEpic(i);
      this.feature = node('feature', l.text, l.level, i, epic);
      epic.children.push(this.feature);
      this.prose = this.sections.prose.has(i);
    } else {
      this.ac = null;
      this.toOwn(i, this.container(i), false);
    }
  }

  /** Where a non-work section's text goes: the item it sits in, else the epic before it, else the next one. */
  private nonWorkTarget(level: number): Node | null {
    if (this.feature && this.feature.level < level) return this.feature;
    if (this.epic) {
      this.closeFeature();
      return this.epic;
    }
    return null;
  }

  /** Open questions are kept in the item's description and flagged, so they are answered. */
  private endNonWork(): void {
    const nw = this.nonWork;
    this.nonWork = null;
    if (!nw || nw.questions === 0) return;
    const heading = this.scan.lines[nw.line]!.text;
    this.warn(
      'SPEC.OPEN_QUESTIONS',
      `${nw.questions} open question(s) under "${heading}": kept in the description; answer them before the work they concern starts.`,
      nw.line,
    );
  }

  private nonWorkLine(i: number, l: ScannedLine): void {
    const nw = this.nonWork!;
    if (nw.kind === 'questions' && (l.kind === 'list' || (l.kind === 'text' && this.prevBlank)))
      nw.questions++;
    const raw = this.scan.raw[i]!;
    // Success metrics and KPIs are the item's acceptance criteria; the rest is its description.
    const ac =
      nw.kind === 'criteria' && (l.kind === 'list' || l.kind === 'text') && !raw.trim().startsWith('|');
    if (nw.target === null) {
      if (l.kind !== 'blank' && l.kind !== 'underline') this.pending.push({ i, ac, deps: nw.deps });
      return;
    }
    this.routeNonWork(i, nw.target, ac, nw.deps);
  }

  private routeNonWork(i: number, target: Node, ac: boolean, deps: boolean): void {
    const l = this.scan.lines[i]!;
    if (deps && (l.kind === 'list' || l.kind === 'text')) {
      // Every dependency word there is meant as a link.
      for (const phrase of detectDependencies(l.text))
        target.deps.push({ phrase: { ...phrase, strong: true }, line: i, subjectOnly: true });
    }
    if (ac) return this.toAc(i, target, l.text, l.kind === 'list' || this.prevBlank);
    this.route(i, target);
    if (target.own.length > 0 && target.lastOwn < i - 1) target.own.push('');
    const raw = this.scan.raw[i]!;
    target.own.push(l.kind === 'heading' ? `**${l.text}**` : raw);
    target.lastOwn = i;
    if (isRequirementLine(l, raw)) target.contentLines++;
  }

  private flushPending(epic: Node): void {
    if (this.pending.length === 0) return;
    epic.start = Math.min(epic.start, this.pending[0]!.i);
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.routeNonWork(p.i, epic, p.ac, p.deps);
  }

  private acHeading(i: number, level: number): void {
    let target: Node;
    if (this.feature && this.feature.level < level) target = this.feature;
    else {
      this.closeFeature();
      target = this.ensureEpic(i);
    }
    target.last = i;
    this.ac = { target, level, indent: -1 };
  }

  private code(i: number, l: ScannedLine): void {
    if (this.codeTasks) return this.codeTask(i, l);
    if (l.kind === 'fence' && l.opens) {
      const task = this.task;
      if (task && (l.indent > task.indent || !this.prevBlank)) this.fence = { to: 'own', node: task };
      else {
        this.closeTask();
        const units = this.ac ? null : codeUnits(this.scan, i);
        if (units) {
          this.codeTasks = { units, next: 0, lang: l.text.replace(/^[`~]+/, '').trim() };
          return this.codeTask(i, l);
        }
        this.fence = { to: 'own', node: this.ac ? this.ac.target : this.container(i) };
      }
    }
    const route = this.fence ?? { to: 'own', node: this.container(i) };
    if (route.node === this.task) this.toTask(i);
    else this.toOwn(i, route.node, true);
    if (l.kind === 'fence' && !l.opens) this.fence = null;
  }

  /**
   * One task per unit of a structured code block, each holding its lines as a code block: the
   * opening fence starts the first unit's task, each later unit's first line starts the next.
   */
  private codeTask(i: number, l: ScannedLine): void {
    const ct = this.codeTasks!;
    const fence = `\`\`\`${ct.lang}`;
    const unit = ct.units[ct.next];
    if (ct.next === 0 || (unit && i === unit.start)) {
      const u = ct.units[ct.next]!;
      ct.next++;
      if (this.task) this.task.own.push('```');
      this.closeTask();
      this.newTask(i, u.title, l.indent, l.indent).own.push(fence);
    }
    const task = this.task!;
    this.route(i, task);
    task.lastOwn = i;
    if (l.kind !== 'fence') task.own.push(this.scan.raw[i]!);
    else if (!l.opens) {
      task.own.push('```');
      this.codeTasks = null;
      this.closeTask();
    }
  }

  private listItem(i: number, l: ScannedLine): void {
    const task = this.task;
    if (task && l.indent > task.indent) {
      task.subItems++;
      if (task.acIndent >= 0 && l.indent > task.acIndent) this.toAc(i, task, l.text, true);
      else {
        task.acIndent = AC_LEAD_RE.test(l.text) ? l.indent : -1;
        this.toTask(i);
      }
      return;
    }
    const story = this.task ?? this.prevTask;
    this.closeTask();
    const ac = this.ac;
    if (ac && (ac.level > 0 || l.indent > ac.indent)) return this.toAc(i, ac.target, l.text, true);
    this.ac = null;
    // `- **Acceptance**: ...`, `- **Benefit**: ...` right after a story: that story's, not tasks.
    const part = STORY_PART_RE.exec(l.text);
    if (part && story && story.indent === l.indent && story.parent === this.feature && story.last >= i - 2) {
      this.task = story;
      this.toTask(i);
      const criterion = l.text.slice(part[0].length).trim();
      if (/^acceptance|^definition/i.test(part[1]!) && criterion !== '') story.ac.push(criterion);
      return;
    }
    const lead = AC_LEAD_RE.exec(l.text);
    if (lead) return this.leadIn(i, l.indent, lead[1] ?? '');
    // `- Depends on X`: a statement about the section, not work of its own.
    if (DEPENDENCY_ITEM_RE.test(l.text) || NON_WORK_ITEM_RE.test(l.text)) return this.toStatement(i);
    this.openTask(i, l);
  }

  private text(i: number, l: ScannedLine): void {
    const task = this.task;
    if (task) {
      if (l.indent > task.indent || !this.prevBlank) {
        if (task.acIndent >= 0 && l.indent > task.acIndent) this.toAc(i, task, l.text, this.prevBlank);
        else {
          if (AC_LEAD_RE.test(l.text)) task.acIndent = l.indent - 1;
          this.toTask(i);
        }
        return;
      }
      this.closeTask();
    }
    const ac = this.ac;
    if (ac) {
      if (ac.level > 0 || !this.prevBlank || (ac.indent >= 0 && l.indent > ac.indent)) {
        return this.toAc(i, ac.target, l.text, this.prevBlank);
      }
      this.ac = null;
    }
    const lead = AC_LEAD_RE.exec(l.text);
    if (lead) return this.leadIn(i, -1, lead[1] ?? '');
    if (this.prose && this.prevBlank && !l.text.startsWith('|')) {
      if (NON_WORK_ITEM_RE.test(l.text) || DEPENDENCY_ITEM_RE.test(l.text)) return this.toStatement(i);
      this.newTask(i, firstSentence(l.text), l.indent, l.indent);
      this.toTask(i);
      return;
    }
    const row = tableTask(l.text);
    if (row !== null) {
      this.newTask(i, row, l.indent, l.indent);
      this.route(i, this.task!);
      this.task!.own.push(this.scan.raw[i]!);
      this.task!.lastOwn = i;
      this.closeTask();
      return;
    }
    this.toOwn(i, this.container(i), true);
  }

  /** `Acceptance criteria:` paragraph or bullet: what follows is criteria of the container. */
  private leadIn(i: number, indent: number, rest: string): void {
    const target = this.container(i);
    this.ac = { target, level: 0, indent };
    this.toAc(i, target, rest, true);
  }

  private openTask(i: number, l: ScannedLine): void {
    const task = this.newTask(i, l.text === '' ? 'Untitled task' : l.text, l.indent, l.contentIndent);
    task.checked = l.checked;
    this.scanDeps(task, l.text, i);
  }

  /** A task of the open feature (made when there is none), split off when the feature is full. */
  private newTask(i: number, title: string, indent: number, contentIndent: number): Node {
    let feature = this.ensureFeature(i);
    const count = feature.children.length;
    if (count === this.opts.maxTasksPerFeature) {
      if (this.opts.oversizedFeatures === 'split') feature = this.splitFeature(i, feature);
      else this.warn('FEATURE.OVERSIZED', `"${feature.title}" has more than ${count} tasks.`, feature.start);
    }
    const task = node('task', title, 0, i, feature);
    task.indent = indent;
    task.contentIndent = contentIndent;
    task.contentLines = 1;
    feature.children.push(task);
    this.task = task;
    return task;
  }

  private splitFeature(i: number, base: Node): Node {
    this.closeFeature();
    const epic = base.parent!;
    const first = base.first ?? base;
    const part = node('feature', `${first.title} (part ${base.part + 1})`, base.level, i, epic);
    part.part = base.part + 1;
    part.baseTitle = first.baseTitle;
    part.synthetic = first.synthetic;
    part.first = first;
    epic.children.push(part);
    this.feature = part;
    if (part.part === 2) {
      this.warn(
        'FEATURE.SPLIT',
        `"${first.title}" has more than ${this.opts.maxTasksPerFeature} tasks: continued in "${part.title}".`,
        first.start,
      );
    }
    return part;
  }

  private ensureEpic(i: number): Node {
    if (!this.epic) {
      this.epic = node('epic', this.roles.titleText ?? 'Specification', this.roles.epicLevel, i, null);
      this.epic.synthetic = true;
      this.epics.push(this.epic);
      this.flushPending(this.epic);
    }
    return this.epic;
  }

  private ensureFeature(i: number): Node {
    if (this.feature) return this.feature;
    const epic = this.ensureEpic(i);
    this.feature = node('feature', epic.title, epic.level + 1, i, epic);
    this.feature.synthetic = true;
    epic.children.push(this.feature);
    return this.feature;
  }

  private container(i: number): Node {
    return this.feature ?? this.ensureEpic(i);
  }

  private closeTask(): void {
    if (!this.task) return;
    const f = this.task.parent!;
    f.last = Math.max(f.last, this.task.last);
    this.prevTask = this.task;
    this.task = null;
  }

  private closeFeature(): void {
    this.closeTask();
    const f = this.feature;
    this.prevTask = null;
    if (!f) return;
    this.feature = null;
    const epic = f.parent!;
    if (f.children.length === 0 && f.contentLines === 0 && f.ac.length === 0) {
      epic.children.splice(epic.children.indexOf(f), 1);
      this.warn('ITEM.EMPTY', `Feature "${f.title}" has no tasks or text: left out.`, f.start);
      return;
    }
    this.workOfHeading(f);
    epic.last = Math.max(epic.last, f.last);
  }

  /**
   * A feature whose section holds work but no task (acceptance criteria, a table, a story told in
   * its heading) gets one task for the work its heading names, on the heading line itself.
   */
  private workOfHeading(f: Node): void {
    if (f.children.length > 0 || (f.contentLines === f.statements && f.ac.length === 0)) return;
    const l = this.scan.lines[f.head];
    if (l?.kind !== 'heading') return;
    const task = node('task', f.baseTitle, 0, f.head, f);
    f.children.push(task);
  }

  private closeEpic(): void {
    this.closeFeature();
    const e = this.epic;
    if (!e) return;
    this.epic = null;
    if (e.children.length > 0) {
      if (e.children.length > this.opts.maxFeaturesPerEpic) {
        this.warn(
          'EPIC.OVERSIZED',
          `Epic "${e.title}" has ${e.children.length} features (limit ${this.opts.maxFeaturesPerEpic}).`,
          e.start,
        );
      }
      return;
    }
    if (e.contentLines === 0 && e.ac.length === 0) {
      this.epics.splice(this.epics.indexOf(e), 1);
      this.warn('ITEM.EMPTY', `Epic "${e.title}" has no features, tasks or text: left out.`, e.start);
      return;
    }
    // Text but no features: it all moves to one feature of the same name.
    const headed = this.scan.lines[e.head]?.kind === 'heading';
    const f = node('feature', e.title, e.level + 1, headed ? e.head : e.firstRouted, e);
    f.synthetic = true;
    f.last = e.last;
    for (const k of ['own', 'ac', 'deps', 'meta', 'contentLines', 'statements', 'lastOwn'] as const) {
      (f as unknown as Record<string, unknown>)[k] = e[k];
    }
    e.own = [];
    e.ac = [];
    e.deps = [];
    e.meta = new Map();
    e.contentLines = 0;
    e.statements = 0;
    e.children.push(f);
    this.workOfHeading(f);
  }

  private route(i: number, n: Node): void {
    if (n.firstRouted < 0) n.firstRouted = i;
    n.last = i;
  }

  private toOwn(i: number, n: Node, counts: boolean): void {
    this.route(i, n);
    if (n.own.length > 0 && n.lastOwn < i - 1) n.own.push('');
    const raw = this.scan.raw[i]!;
    n.own.push(raw);
    n.lastOwn = i;
    const l = this.scan.lines[i]!;
    if (counts && l.kind !== 'fence' && isRequirementLine(l, raw)) n.contentLines++;
    if (l.kind === 'text' || l.kind === 'list') this.scanDeps(n, l.text, i);
  }

  /** A line stating scope or dependencies: the container's text, no work that asks for a task. */
  private toStatement(i: number): void {
    const n = this.container(i);
    const before = n.contentLines;
    this.toOwn(i, n, true);
    n.statements += n.contentLines - before;
  }

  private toTask(i: number): void {
    const task = this.task!;
    this.route(i, task);
    if (task.lastOwn >= 0 && task.lastOwn < i - 1) task.own.push('');
    const raw = this.scan.raw[i]!;
    let cut = 0;
    while (cut < raw.length && cut < task.contentIndent && (raw[cut] === ' ' || raw[cut] === '\t')) cut++;
    task.own.push(raw.slice(cut));
    task.lastOwn = i;
    const l = this.scan.lines[i]!;
    if (l.kind === 'text' || l.kind === 'list') this.scanDeps(task, l.text, i);
  }

  private toAc(i: number, n: Node, text: string, newEntry: boolean): void {
    this.route(i, n);
    const last = n.ac.length - 1;
    if (text === '') return;
    if (newEntry || last < 0) n.ac.push(text);
    else n.ac[last] = `${n.ac[last]!} ${text}`;
  }

  private scanDeps(n: Node, text: string, i: number): void {
    const meta = META_RE.exec(text);
    if (meta) {
      const key = meta[1]!.toLowerCase();
      if (!n.meta.has(key)) n.meta.set(key, meta[2]!);
    }
    for (const phrase of detectDependencies(text)) n.deps.push({ phrase, line: i });
  }

  private warn(code: PlanWarning['code'], message: string, line0: number): void {
    this.warnings.push({ code, message, line: line0 + 1 });
  }
}
