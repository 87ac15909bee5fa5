/**
 * Builds the epic / feature / task tree from scanned lines in one pass. Every requirement line is
 * routed to exactly one node (its description, its acceptance criteria, or a task's title), and
 * node spans nest without overlapping, which is what coverage.ts checks.
 */
import type { ResolvedOptions } from './options.js';
import { isRequirementLine, type ScanResult, type ScannedLine } from './scan.js';
import { AC_LEAD_RE, detectDependencies, META_RE } from './signals.js';
import { isAcHeading, node, type HeadingRoles, type Node } from './tree.js';
import type { PlanWarning } from './types.js';

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

  constructor(
    private readonly scan: ScanResult,
    private readonly roles: HeadingRoles,
    private readonly opts: ResolvedOptions,
  ) {}

  build(): Node[] {
    const { lines, raw } = this.scan;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (isRequirementLine(l, raw[i]!)) this.requirementLines++;
      this.line(i, l);
      this.prevBlank = l.kind === 'blank' || l.kind === 'rule';
    }
    this.closeEpic();
    if (this.scan.unclosedFence >= 0) {
      this.warn(
        'FENCE.UNCLOSED',
        'A code fence is never closed: the rest of the spec is code.',
        this.scan.unclosedFence,
      );
    }
    return this.epics;
  }

  private line(i: number, l: ScannedLine): void {
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
    if (i === this.roles.titleLine) return;
    if (isAcHeading(l)) return this.acHeading(i, l.level);
    const { epicLevel, featureLevel } = this.roles;
    if (l.level <= epicLevel) {
      this.ac = null;
      this.closeEpic();
      this.epic = node('epic', l.text, l.level, i, null);
      this.epics.push(this.epic);
    } else if (l.level <= featureLevel) {
      this.ac = null;
      this.closeFeature();
      const epic = this.ensureEpic(i);
      this.feature = node('feature', l.text, l.level, i, epic);
      epic.children.push(this.feature);
    } else if (this.ac && l.level > this.ac.level) {
      this.toAc(i, this.ac.target, l.text, true);
    } else {
      this.ac = null;
      this.toOwn(i, this.container(i), false);
    }
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
    if (l.kind === 'fence' && l.opens) {
      const task = this.task;
      if (task && (l.indent > task.indent || !this.prevBlank)) this.fence = { to: 'own', node: task };
      else {
        this.closeTask();
        this.fence = { to: 'own', node: this.ac ? this.ac.target : this.container(i) };
      }
    }
    const route = this.fence ?? { to: 'own', node: this.container(i) };
    if (route.node === this.task) this.toTask(i);
    else this.toOwn(i, route.node, true);
    if (l.kind === 'fence' && !l.opens) this.fence = null;
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
    this.closeTask();
    const ac = this.ac;
    if (ac && (ac.level > 0 || l.indent > ac.indent)) return this.toAc(i, ac.target, l.text, true);
    this.ac = null;
    const lead = AC_LEAD_RE.exec(l.text);
    if (lead) return this.leadIn(i, l.indent, lead[1] ?? '');
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
    this.toOwn(i, this.container(i), true);
  }

  /** `Acceptance criteria:` paragraph or bullet: what follows is criteria of the container. */
  private leadIn(i: number, indent: number, rest: string): void {
    const target = this.container(i);
    this.ac = { target, level: 0, indent };
    this.toAc(i, target, rest, true);
  }

  private openTask(i: number, l: ScannedLine): void {
    let feature = this.ensureFeature(i);
    const count = feature.children.length;
    if (count === this.opts.maxTasksPerFeature) {
      if (this.opts.oversizedFeatures === 'split') feature = this.splitFeature(i, feature);
      else this.warn('FEATURE.OVERSIZED', `"${feature.title}" has more than ${count} tasks.`, feature.start);
    }
    const task = node('task', l.text === '' ? 'Untitled task' : l.text, 0, i, feature);
    task.checked = l.checked;
    task.indent = l.indent;
    task.contentIndent = l.contentIndent;
    task.contentLines = 1;
    this.scanDeps(task, l.text, i);
    feature.children.push(task);
    this.task = task;
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
    this.task = null;
  }

  private closeFeature(): void {
    this.closeTask();
    const f = this.feature;
    if (!f) return;
    this.feature = null;
    const epic = f.parent!;
    if (f.children.length === 0 && f.contentLines === 0 && f.ac.length === 0) {
      epic.children.splice(epic.children.indexOf(f), 1);
      this.warn('ITEM.EMPTY', `Feature "${f.title}" has no tasks or text: left out.`, f.start);
      return;
    }
    epic.last = Math.max(epic.last, f.last);
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
    const f = node('feature', e.title, e.level + 1, e.firstRouted, e);
    f.synthetic = true;
    f.last = e.last;
    for (const k of ['own', 'ac', 'deps', 'meta', 'contentLines', 'lastOwn'] as const) {
      (f as unknown as Record<string, unknown>)[k] = e[k];
    }
    e.own = [];
    e.ac = [];
    e.deps = [];
    e.meta = new Map();
    e.contentLines = 0;
    e.children.push(f);
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
