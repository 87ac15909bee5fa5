/**
 * What each heading of a spec is: the document title, a group of epics, an epic, a feature, a
 * sub-section of a feature, or a section that holds no work (context, success criteria, open
 * questions, risks). Decided once before building, from the heading text and the section tree:
 *
 * - Non-work sections are recognised by the names documents give them (summary, goals, non-goals,
 *   out of scope, future work, references, table of contents, glossary, open questions, document
 *   history, risks, success metrics...), after numbering, emoji, label prefixes and parenthesised
 *   notes are dropped. Everything under one is non-work too.
 * - A work section at the top is a group, and its work sub-sections the epics, when it has no tasks
 *   of its own, two or more work sub-sections, and either a container's name (requirements,
 *   capabilities, implementation plan, roadmap, phases...) or it is the document's only work
 *   section and its sub-sections have sections of their own. (Never the size of other sections:
 *   an edit in one section must not change what another one is.)
 *   Otherwise it is an epic; its work sub-sections are features, and anything deeper is folded into
 *   its feature.
 */
import { isRequirementLine, type ScanResult } from './scan.js';
import { isAcHeading } from './tree.js';

export type NonWorkKind = 'context' | 'criteria' | 'questions' | 'risks';
export type SectionRole = 'title' | 'group' | 'epic' | 'feature' | 'sub' | 'nonwork';

export interface SectionPlan {
  /** By 0-based heading line (acceptance-criteria headings are not here). */
  role: Map<number, SectionRole>;
  kind: Map<number, NonWorkKind>;
  titleLine: number;
  titleText: string | null;
  /**
   * Features (and epics without features) whose whole section is prose: no list item, no code
   * block. Each of their paragraphs is a task, so a section written as sentences is not left empty.
   */
  prose: Set<number>;
}

const NOISE_RE =
  /^(?:[\p{Extended_Pictographic}\uFE0F\u200D]+|(?:appendix(?:\s+[a-z0-9]+)?|section\s+\d+|part\s+[a-z0-9]+)\s*[:.—–-]\s*|\d+(?:\.\d+)*\.?\s+|(?:[ivx]+|[a-z])\.\s+)/iu;

/** The heading as its name: lower case, without numbering, emoji, emphasis or a parenthesised note. */
export function headingName(text: string): string {
  let t = text
    .replace(/[*_`]/g, '')
    .replace(/\s*\([^)]*\)/gu, '')
    .replace(/\s*\[[^\]]*\]\s*$/u, '')
    .trim();
  for (let prev = ''; prev !== t;) {
    prev = t;
    t = t.replace(NOISE_RE, '').trim();
  }
  return t
    .toLowerCase()
    .replace(/[:.!?]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const CRITERIA_RE =
  /^(?:success (?:metrics|criteria|measures)|(?:key )?metrics|kpis?|key (?:performance indicators|results)|okrs?|measurable outcomes|measures of success|exit criteria|definition of done|non-?functional(?: requirements)?|quality (?:attributes|requirements)|performance (?:requirements|targets|goals)|slos?|service levels?|validation|edge cases)\b/;
const QUESTIONS_RE =
  /^(?:open (?:questions|issues|items)|unresolved (?:questions|issues)|outstanding questions|questions|tbd|to be (?:decided|determined)|clarifications?(?: needed)?)\b/;
const RISKS_RE = /^(?:risks?|risk (?:register|assessment|analysis)|threats?)\b/;
const CONTEXT_NAMES = new RegExp(
  '^(?:' +
    [
      '(?:executive |project |product )?summary',
      'tl;?dr',
      'overview',
      'introduction',
      'background',
      'context',
      'motivation',
      'problem(?: statement)?',
      'purpose',
      'vision',
      'goals?(?: (?:and|&) non-?goals)?',
      'objectives',
      'non-?goals',
      '(?:out of|not in) scope',
      'future(?: [a-z-]+)?',
      'v\\d(?: ideas| and beyond)?',
      'later',
      'references',
      'resources',
      'further reading',
      'links',
      'appendix',
      'glossary',
      'terminology',
      'definitions',
      'personas',
      'user personas',
      'target (?:users|audience|customers|segments|markets?)',
      'audience',
      'stakeholders',
      'market(?: analysis| opportunity| overview)?',
      'competitive (?:landscape|analysis)',
      'competitors',
      'business case',
      'roi',
      'return on investment',
      'investment',
      'financials?(?: projections)?',
      'budget',
      'costs?',
      'pricing',
      'assumptions',
      'constraints',
      'alternatives(?: considered)?',
      'considered (?:options|alternatives)',
      'options considered',
      'prior art',
      'drawbacks',
      'consequences',
      'decision drivers',
      'decision(?: outcome)?',
      'rationale',
      'faqs?',
      'frequently asked questions',
      'notes?',
      'document (?:history|control|info|information|metadata|status)',
      '(?:revision|version|change) history',
      'change ?log',
      'history',
      'status',
      'approvals?',
      'sign-?off',
      'metadata',
      'table of contents',
      'contents',
      'toc',
      'how to (?:read|use)(?: this [a-z]+)?',
      'about this',
      'conventions',
      'legend',
      'parking lot',
      'icebox',
      "won'?t have",
      'will not have',
      'estimates?(?: roll-?up| summary)?',
      'quick guidelines',
      'guidelines',
      'review (?:and|&) acceptance checklist',
      'execution status',
      'progress tracking',
      'complexity tracking',
      'technical context',
      'constitution check',
      'key entities',
      '(?:api )?versioning(?: policy)?',
      'deprecation(?: policy)?',
      'execution flow',
      '(?:task|work) (?:planning|generation) (?:approach|strategy)',
      'project structure',
      'guide-level explanation',
      'priorit(?:y table|y matrix|ies|ization)',
      'dependencies',
      'resource allocation',
      '(?:release|launch) (?:plan|schedule)',
      'team(?: and roles)?',
      'timeline',
    ].join('|') +
    ')$',
);

/** A name made of context names only ("Background and motivation", "Goals / Non-goals"). */
const isContextName = (name: string): boolean =>
  CONTEXT_NAMES.test(name) ||
  name.split(/\s*(?:\band\b|&|\/|,)\s*/).every((part) => part !== '' && CONTEXT_NAMES.test(part));

/** What a heading's name says about its section: a kind of non-work, or null (work). */
export function nonWorkKind(text: string): NonWorkKind | null {
  const full = headingName(text);
  // "Phase 3: Future work" is named by what follows its label.
  const name = full.replace(/^(?:phase|step|stage)\s*[\w+]+\s*[:—–-]\s*/, '');
  if (name === '') return null;
  if (CRITERIA_RE.test(name)) return 'criteria';
  if (QUESTIONS_RE.test(name)) return 'questions';
  if (RISKS_RE.test(name)) return 'risks';
  return isContextName(name) ? 'context' : null;
}

/** An emphasised note by which a section says it is not work of this document. */
const NO_WORK_NOTE_RE =
  /\b(?:do not (?:execute|implement)|not (?:to be )?(?:executed|implemented) (?:now|here|yet|in this)|beyond the scope|out of (?:the )?scope|for (?:reference|information) only|informational only|describes what .{1,60} will do)\b/i;

/** The section under heading `i` opens with an italic or bold note saying it is no work here. */
function saysNoWork(scan: ScanResult, i: number): boolean {
  for (let j = i + 1; j < scan.lines.length && j <= i + 3; j++) {
    const raw = scan.raw[j]!.trim();
    if (raw === '') continue;
    const note = /^(?:[*_]{1,2}|>\s*[*_]{0,2})(.+?)[*_]{0,2}$/.exec(raw);
    return note !== null && NO_WORK_NOTE_RE.test(note[1]!);
  }
  return false;
}

/** Names of sections that hold epics rather than tasks. */
const CONTAINER_RE =
  /^(?:(?:functional |product |system |technical |detailed )?requirements|(?:features|capabilities)(?: (?:and|&) requirements)?|(?:feature|capability) (?:list|breakdown|overview)|implementation(?: plan| roadmap)?|(?:delivery |release |product |technical )?roadmap|phases|milestones|work ?streams?|components|modules|services|epics|user scenarios(?: (?:and|&) testing)?|scenarios|(?:detailed |technical |system |reference-level )?design|architecture|deliverables|work breakdown(?: structure)?|scope of work|(?:execution|delivery|project) plan)$/;

interface Section {
  line: number;
  level: number;
  text: string;
  kind: NonWorkKind | null;
  children: Section[];
  /** List items directly under the heading (before its first sub-heading). */
  ownTasks: number;
  /** Requirement lines in the whole subtree. */
  work: number;
  /** List items and code fences in the whole subtree (outside non-work sections). */
  structure: number;
}

export function planSections(scan: ScanResult): SectionPlan {
  const { lines, raw } = scan;
  const roots: Section[] = [];
  const stack: Section[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind === 'heading' && !isAcHeading(l)) {
      const s: Section = {
        line: i,
        level: l.level,
        text: l.text,
        kind: nonWorkKind(l.text) ?? (saysNoWork(scan, i) ? 'context' : null),
        children: [],
        ownTasks: 0,
        work: 0,
        structure: 0,
      };
      while (stack.length > 0 && stack.at(-1)!.level >= l.level) stack.pop();
      (stack.at(-1)?.children ?? roots).push(s);
      stack.push(s);
      continue;
    }
    const top = stack.at(-1);
    if (top && l.kind === 'fence' && l.opens && !stack.some((s) => s.kind !== null))
      for (const s of stack) s.structure++;
    if (!top || !isRequirementLine(l, raw[i]!)) continue;
    if (l.kind === 'list' && l.indent < 4) top.ownTasks++;
    // A line under a non-work section is no work of any section above it.
    if (stack.some((s) => s.kind !== null)) continue;
    for (const s of stack) {
      s.work++;
      if (l.kind === 'list') s.structure++;
    }
  }

  const plan: SectionPlan = {
    role: new Map(),
    kind: new Map(),
    titleLine: -1,
    titleText: null,
    prose: new Set(),
  };
  const prose = (s: Section) => {
    if (s.structure === 0 && s.work > 0) plan.prose.add(s.line);
  };
  const markNonWork = (s: Section, kind: NonWorkKind) => {
    plan.role.set(s.line, 'nonwork');
    plan.kind.set(s.line, s.kind ?? kind);
    for (const c of s.children) markNonWork(c, s.kind ?? kind);
  };
  const markSub = (s: Section) => {
    if (s.kind) return markNonWork(s, s.kind);
    plan.role.set(s.line, 'sub');
    for (const c of s.children) markSub(c);
  };
  const asEpic = (s: Section) => {
    plan.role.set(s.line, 'epic');
    if (!s.children.some((c) => c.kind === null)) prose(s);
    for (const c of s.children) {
      if (c.kind) markNonWork(c, c.kind);
      else {
        plan.role.set(c.line, 'feature');
        prose(c);
        for (const g of c.children) markSub(g);
      }
    }
  };

  let top = roots;
  const first = roots[0];
  // A lone first H1 over deeper sections is the document's title, not an item.
  if (first && roots.length === 1 && first.level === 1 && first.children.length > 0 && depth(first) >= 3) {
    plan.titleLine = first.line;
    plan.titleText = first.text;
    plan.role.set(first.line, 'title');
    top = first.children;
  }
  const onlyWork = top.filter((s) => s.kind === null).length === 1;
  for (const s of top) {
    if (s.kind) {
      markNonWork(s, s.kind);
      continue;
    }
    const work = s.children.filter((c) => c.kind === null);
    const container = CONTAINER_RE.test(headingName(s.text));
    if (s.ownTasks === 0 && work.length >= 2 && (container || (onlyWork && depth(s) >= 3))) {
      plan.role.set(s.line, 'group');
      for (const c of s.children) {
        if (c.kind) markNonWork(c, c.kind);
        else asEpic(c);
      }
    } else asEpic(s);
  }
  return plan;
}

function depth(s: Section): number {
  let d = 1;
  for (const c of s.children) d = Math.max(d, 1 + depth(c));
  return d;
}

/**
 * The sections a plan must make no task from, line by line (1-based; index 0 unused): true for a
 * line under a non-work heading, or between the document title and its first section.
 */
export function nonWorkLines(scan: ScanResult, plan: SectionPlan = planSections(scan)): boolean[] {
  const out = new Array<boolean>(scan.lines.length + 1).fill(false);
  let on = plan.titleLine >= 0;
  for (let i = Math.max(0, plan.titleLine + 1); i < scan.lines.length; i++) {
    const l = scan.lines[i]!;
    if (l.kind === 'heading' && !isAcHeading(l)) on = plan.role.get(i) === 'nonwork';
    out[i + 1] = on;
  }
  return out;
}
