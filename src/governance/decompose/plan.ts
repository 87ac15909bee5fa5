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
  detectQuarter,
  detectSize,
  stripDependencies,
  type PrioritySignal,
} from './signals.js';
import type { PlanItem, PlanWarning } from './types.js';

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

function priorityOf(n: Node): PrioritySignal | null {
  const { title, meta } = signalText(n);
  const explicit = meta.get('priority');
  return (explicit === undefined ? null : detectPriority(`priority: ${explicit}`)) ?? detectPriority(title);
}

function explicitEstimate(n: Node): number | null {
  const { title, meta } = signalText(n);
  const m = meta.get('estimate') ?? meta.get('effort');
  return (m === undefined ? null : detectEstimate(`estimate: ${m}`)) ?? detectEstimate(title);
}

function sizeOf(n: Node): SizeClass | null {
  const { title, meta } = signalText(n);
  const m = meta.get('size');
  return (m === undefined ? null : detectSize(`size: ${m}`)) ?? detectSize(title);
}

export class PlanAssembler {
  readonly items: PlanItem[] = [];
  readonly itemOf = new Map<Node, PlanItem>();
  private readonly ids = new IdAllocator();
  private readonly agents: AgentMatcher;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly warnings: PlanWarning[],
  ) {
    this.agents = new AgentMatcher(opts.agents);
  }

  addEpic(e: Node): void {
    const epicKey = normOf(e) + (e.synthetic ? '\u0000spec' : '');
    const p = priorityOf(e);
    const epic = this.item(e, this.ids.next('epic', [epicKey]), null, p?.priority ?? 'medium', p);
    epic.agent = this.agent(this.agents.match(e.title));
    epic.milestone = this.milestone(e);
    const featureDays: number[] = [];
    for (const f of e.children) {
      const fKey = normOf(f) + (f.synthetic ? '\u0000synthetic' : '');
      const fPath = f.part > 1 ? [epicKey, fKey, `part ${f.part}`] : [epicKey, fKey];
      const fp = priorityOf(f);
      const feature = this.item(
        f,
        this.ids.next('feature', fPath),
        epic.id,
        fp?.priority ?? epic.priority,
        fp,
      );
      const fAgent = this.agents.match(stripDependencies(f.title));
      const fSize = sizeOf(f);
      const taskAgents: string[] = [];
      const taskDays: number[] = [];
      for (const t of f.children) {
        const tp = priorityOf(t);
        const id = this.ids.next('task', [epicKey, fKey, normOf(t)]);
        const task = this.item(t, id, feature.id, tp?.priority ?? feature.priority, tp);
        const own = this.agents.match(stripDependencies(`${t.title}\n${t.own.join('\n')}`));
        if (own) taskAgents.push(own);
        task.agent = this.agent(own ?? fAgent ?? this.opts.defaultAgent);
        task.estimateDays = this.taskEstimate(t, task.labels, fSize);
        taskDays.push(task.estimateDays);
        if (t.checked) task.labels.push('spec:checked');
      }
      feature.agent = this.agent(fAgent ?? this.majority(taskAgents) ?? this.opts.defaultAgent);
      if (fSize) feature.labels.push(`size:${fSize}`);
      feature.estimateDays =
        explicitEstimate(f) ?? (taskDays.length > 0 ? clampDays(sum(taskDays)) : this.mid(fSize ?? 'medium'));
      if (f.part > 1 || (f.first === null && e.children.some((c) => c.first === f))) {
        feature.labels.push('spec:split');
      }
      featureDays.push(feature.estimateDays);
    }
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
    const title = truncate(n.title, LIMITS.title);
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
   * An explicit estimate wins; else size words (the task's, then its feature's) pick the class, or
   * the nested list length (sub-items and criteria) does; that length also places it in the range.
   */
  private taskEstimate(t: Node, labels: string[], featureSize: SizeClass | null): number {
    const explicit = explicitEstimate(t);
    if (explicit !== null) return explicit;
    const n = t.subItems + t.ac.length;
    const size = sizeOf(t);
    if (size) labels.push(`size:${size}`);
    const cls: SizeClass = size ?? featureSize ?? (n >= 6 ? 'complex' : n >= 3 ? 'medium' : 'simple');
    const [lo, hi] = this.opts.estimation[cls];
    return clampDays(lo + ((hi - lo) * Math.min(n, 6)) / 6);
  }

  private mid(cls: SizeClass): number {
    const [lo, hi] = this.opts.estimation[cls];
    return clampDays((lo + hi) / 2);
  }

  private majority(names: string[]): string | null {
    if (names.length === 0) return null;
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    let best: string | null = null;
    for (const [name] of this.opts.agents) {
      if ((counts.get(name) ?? 0) > (best === null ? 0 : counts.get(best)!)) best = name;
    }
    return best;
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
