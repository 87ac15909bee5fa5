/** Turns the built tree into plan items: ids, priority, estimate, agent, milestone, labels, text. */
import { LIMITS, type Priority } from '../model/work-item.js';
import { normOf, type Node } from './tree.js';
import { IdAllocator, normalizeTitle } from './ids.js';
import type { ResolvedOptions, SizeClass } from './options.js';
import {
  AgentMatcher,
  clampDays,
  detectEstimate,
  detectPriority,
  detectPhase,
  detectQuarter,
  detectSize,
  META_RE,
  phasePriority,
  stripDependencies,
  type PrioritySignal,
} from './signals.js';
import type { PlanItem, PlanWarning } from './types.js';
import { clean } from './title-text.js';
import { actionTitle } from './titles.js';

const SLUG_RE = /[^\p{L}\p{N}]+/gu;
const TRUNCATED = '\n\n…(truncated)';

function slug(title: string): string {
  return (
    normalizeTitle(title)
      .replace(SLUG_RE, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'epic'
  );
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function trimBlank(lines: string[]): string {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b).join('\n');
}

/** Where a node's signals come from: its title plus explicit `Priority:`-style lines. */
function signalText(n: Node): { title: string; meta: Map<string, string> } {
  const src = n.first ?? n;
  return { title: src.title, meta: src.meta };
}

/** The node's own priority marker: a `Priority:` / `MoSCoW:` field line, else one in its title. */
function priorityOf(n: Node): PrioritySignal | null {
  const { title, meta } = signalText(n);
  const field = meta.get('priority') ?? meta.get('moscow');
  return (field === undefined ? null : detectPriority(`priority: ${field}`)) ?? detectPriority(title);
}

/** Phase order (`Phase 2: …`, `Step 3`, `Now` / `Next` / `Later`) as a priority. */
function phaseOf(n: Node): PrioritySignal | null {
  const k = detectPhase(signalText(n).title);
  return k === null ? null : { priority: phasePriority(k), moscow: null };
}

function explicitEstimate(n: Node): number | null {
  const { title, meta } = signalText(n);
  const m = meta.get('estimate') ?? meta.get('effort');
  const pts = meta.get('story points') ?? meta.get('points');
  return (
    (m === undefined ? null : detectEstimate(`estimate: ${m}`)) ??
    (pts === undefined ? null : detectEstimate(`points: ${pts}`)) ??
    detectEstimate(title)
  );
}

function sizeOf(n: Node): SizeClass | null {
  const { title, meta } = signalText(n);
  const m = meta.get('size') ?? meta.get('complexity');
  return (m === undefined ? null : detectSize(`size: ${m}`)) ?? detectSize(title);
}

const FENCE_RE = /^\s*(?:`{3,}|~{3,})/;
const LIST_ITEM_RE = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/;
/** Prose up to this many characters (a title and a short sentence) adds no work. */
const FREE_CHARS = 120;
const CHARS_PER_UNIT = 250;
const CODE_LINES_PER_UNIT = 12;

/**
 * The amount of work a task's text carries, in units of about one sub-item: its nested items or its
 * criteria (whichever is more; field lines like `Estimate:` are not work), one per 12 lines of code
 * it carries, one per 250 characters of prose beyond the first 120.
 */
function workOf(t: Node): number {
  let chars = t.title.length;
  let code = 0;
  let fields = 0;
  let inFence = false;
  for (const line of t.own) {
    if (FENCE_RE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      if (line.trim() !== '') code++;
      continue;
    }
    const item = LIST_ITEM_RE.exec(line);
    const text = item ? line.slice(item[0].length) : line.trim();
    if (META_RE.test(text)) {
      if (item) fields++;
      continue;
    }
    chars += text.length;
  }
  const items = Math.max(t.subItems - fields, t.ac.length);
  return items + code / CODE_LINES_PER_UNIT + Math.max(0, chars - FREE_CHARS) / CHARS_PER_UNIT;
}

/** Text of a node for agent matching: title, description and criteria, without dependency phrases. */
function bodyText(n: Node): string {
  const own = n.own.join('\n');
  return stripDependencies(n.ac.length > 0 ? `${own}\n${n.ac.join('\n')}` : own);
}

export class PlanAssembler {
  readonly items: PlanItem[] = [];
  readonly itemOf = new Map<Node, PlanItem>();
  private readonly ids = new IdAllocator();
  private readonly agents: AgentMatcher;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly warnings: PlanWarning[],
    /** Titles by the fast rules (a large spec: see FAST_TITLES_BYTES). */
    private readonly fastTitles = false,
  ) {
    this.agents = new AgentMatcher(opts.agents);
  }

  /**
   * Priority: the item's own marker, else its parent's, else (when no ancestor has one) its phase
   * order, else medium. Agent: keyword hits over the whole text; a feature adds up its own text and
   * all its tasks', an epic its own and its features', so one word of a heading never decides. A
   * task keeps its own best agent unless its evidence is weak, then takes its feature's: weak is no
   * hit at all, or a single hit in its description (a hit in its own title line counts double).
   * Ties go to the agent listed first in the configuration.
   */
  addEpic(e: Node): void {
    const epicKey = normOf(e) + (e.synthetic ? '\u0000spec' : '');
    const p = priorityOf(e) ?? phaseOf(e);
    const epic = this.item(e, this.ids.next('epic', [epicKey]), null, p?.priority ?? 'medium', p);
    epic.milestone = this.milestone(e);
    const epicScores = this.agents.score(stripDependencies(e.title));
    this.agents.score(bodyText(e), epicScores);
    const featureDays: number[] = [];
    for (const f of e.children) {
      const fKey = normOf(f) + (f.synthetic ? '\u0000synthetic' : '');
      const fPath = f.part > 1 ? [epicKey, fKey, `part ${f.part}`] : [epicKey, fKey];
      const fp = priorityOf(f) ?? (p === null ? phaseOf(f) : null);
      const feature = this.item(
        f,
        this.ids.next('feature', fPath),
        epic.id,
        fp?.priority ?? epic.priority,
        fp,
      );
      const ranked = p !== null || fp !== null;
      const fScores = this.agents.score(stripDependencies(f.title));
      this.agents.score(bodyText(f), fScores);
      const fSize = sizeOf(f);
      const tasks: { item: PlanItem; own: string | null }[] = [];
      const taskDays: number[] = [];
      const scratch = this.agents.zero();
      for (const t of f.children) {
        const tp = priorityOf(t) ?? (ranked ? null : phaseOf(t));
        const id = this.ids.next('task', [epicKey, fKey, normOf(t)]);
        const task = this.item(t, id, feature.id, tp?.priority ?? feature.priority, tp);
        scratch.fill(0);
        // Title hits count double: the strength test asks for 2.
        this.agents.score(stripDependencies(t.title), scratch, 2, fScores);
        this.agents.score(bodyText(t), scratch, 1, fScores);
        let top = 0;
        for (const x of scratch) if (x > top) top = x;
        tasks.push({ item: task, own: top >= 2 ? this.agents.best(scratch) : null });
        task.estimateDays = this.taskEstimate(t, task.labels, fSize);
        taskDays.push(task.estimateDays);
        if (t.checked) task.labels.push('spec:checked');
      }
      const fAgent = this.agents.best(fScores);
      for (const { item, own } of tasks) item.agent = this.agent(own ?? fAgent ?? this.opts.defaultAgent);
      for (let i = 0; i < epicScores.length; i++) epicScores[i]! += fScores[i]!;
      feature.agent = this.agent(fAgent ?? this.opts.defaultAgent);
      if (fSize) feature.labels.push(`size:${fSize}`);
      feature.estimateDays =
        explicitEstimate(f) ?? (taskDays.length > 0 ? clampDays(sum(taskDays)) : this.mid(fSize ?? 'medium'));
      if (f.part > 1 || (f.first === null && e.children.some((c) => c.first === f))) {
        feature.labels.push('spec:split');
      }
      featureDays.push(feature.estimateDays);
    }
    epic.agent = this.agent(this.agents.best(epicScores));
    epic.estimateDays = explicitEstimate(e) ?? clampDays(sum(featureDays));
  }

  private item(
    n: Node,
    id: string,
    parentId: string | null,
    priority: Priority,
    p: PrioritySignal | null,
  ): PlanItem {
    const labels: string[] = [];
    if (p?.moscow) labels.push(`moscow:${p.moscow}`);
    if (n.synthetic) labels.push('spec:synthetic');
    // Tasks get an actionable title; ids and links keep deriving from the source text (normOf).
    // Epics and features keep their heading's words, without its numbering, markup or markers.
    const heading = n.type === 'task' ? null : clean(n.title);
    const named = heading?.text ? (heading.id ? `${heading.text} (${heading.id})` : heading.text) : n.title;
    const title = truncate(n.type === 'task' ? actionTitle(n.title, this.fastTitles) : named, LIMITS.title);
    const own = n.type === 'task' && title !== n.title ? [n.title, '', ...n.own] : n.own;
    let description = trimBlank(own);
    if (n.ac.length > 0) {
      const section = `## Acceptance criteria\n\n${n.ac.map((a) => `- [ ] ${a}`).join('\n')}`;
      description = description === '' ? section : `${description}\n\n${section}`;
    }
    if (description.length > LIMITS.description) {
      description = description.slice(0, LIMITS.description - TRUNCATED.length) + TRUNCATED;
      this.warnings.push({
        code: 'TEXT.TRUNCATED',
        message: `The description of "${title}" is over ${LIMITS.description} characters: truncated.`,
        line: n.start + 1,
      });
    }
    const item: PlanItem = {
      id,
      type: n.type,
      title,
      description,
      acceptanceCriteria: n.ac,
      parentId,
      priority,
      estimateDays: 0,
      agent: null,
      milestone: null,
      labels,
      source: { startLine: n.start + 1, endLine: n.last + 1 },
    };
    this.items.push(item);
    this.itemOf.set(n, item);
    return item;
  }

  /**
   * An explicit estimate wins. A size marker (the task's, then its feature's) picks the class and
   * the amount of work places the task in its range. Without one, the amount of work alone maps
   * onto the three ranges end to end: 0-3 units simple, 3-6 medium, 6-12 complex (capped at the
   * top of complex), so more work never means fewer days.
   */
  private taskEstimate(t: Node, labels: string[], featureSize: SizeClass | null): number {
    const explicit = explicitEstimate(t);
    if (explicit !== null) return explicit;
    const w = workOf(t);
    const size = sizeOf(t);
    if (size) labels.push(`size:${size}`);
    const marked = size ?? featureSize;
    const est = this.opts.estimation;
    if (marked) {
      const [lo, hi] = est[marked];
      return clampDays(lo + ((hi - lo) * Math.min(w, 6)) / 6);
    }
    const [cls, from, span]: [SizeClass, number, number] =
      w < 3 ? ['simple', 0, 3] : w < 6 ? ['medium', 3, 3] : ['complex', 6, 6];
    const [lo, hi] = est[cls];
    return clampDays(lo + ((hi - lo) * Math.min(w - from, span)) / span);
  }

  private mid(cls: SizeClass): number {
    const [lo, hi] = this.opts.estimation[cls];
    return clampDays((lo + hi) / 2);
  }

  private agent(name: string | null): string | null {
    return name === null ? null : truncate(name.includes(':') ? name : `agent:${name}`, LIMITS.agent);
  }

  private milestone(e: Node): string {
    const named = e.meta.get('milestone');
    if (named !== undefined && detectQuarter(named) === null) return truncate(named.trim(), LIMITS.title);
    const q = detectQuarter(`${e.title} ${named ?? ''} ${e.meta.get('target') ?? ''}`) ?? {
      quarter: this.opts.quarter,
      year: this.opts.year,
    };
    return truncate(
      this.opts.milestoneTemplate
        .replaceAll('{quarter}', String(q.quarter))
        .replaceAll('{year}', String(q.year))
        .replaceAll('{epic_name}', slug(e.title)),
      LIMITS.title,
    );
  }
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
