/**
 * Spec decomposition by a model: the numbered spec and the rule-based draft go to the model, its
 * JSON answer is checked (model-schema.ts, one retry quoting the problems) and turned into the same
 * SpecPlan the rule-based decomposer returns. When the model cannot give a valid answer (timeout,
 * unavailable, invalid twice) or the spec is too large to send, the rule-based plan is returned with
 * a MODEL.FALLBACK warning and the reason; a cancelled call is not a fallback, it propagates.
 *
 * Ids are made as the rule-based decomposer makes them (ids.ts: type and normalized title path,
 * never line numbers), so an item the model titles like the spec's heading or list item gets the
 * rule-based id, and the same answer always gives the same ids. A model may answer differently for
 * the same spec, though; diff_spec and apply_spec are only as stable as the titles it picks.
 */
import { LIMITS, type ItemType, type Priority } from '../model/work-item.js';
import type { ModelPort } from '../ports/model.js';
import { askModelForJson, heuristicGeneration, type GenerationMeta } from '../use-cases/model-json.js';
import { contentStats } from './decompose.js';
import { IdAllocator, normalizeTitle } from './ids.js';
import { MODEL_PLAN_MAX_TOKENS, planSystemPrompt, planUserPrompt, specTooLarge } from './model-prompt.js';
import { agentName, modelAnswerSchema, type ModelAnswer, type ModelItem } from './model-schema.js';
import { resolveOptions, type DecomposeOptions, type ResolvedOptions } from './options.js';
import { scanLines } from './scan.js';
import { nonWorkLines } from './sections.js';
import { clampDays } from './signals.js';
import { actionTitle } from './titles.js';
import type { PlanItem, PlanLink, PlanWarning, SpecPlan } from './types.js';

/** The confidence a rule-based plan is reported with. */
export const HEURISTIC_CONFIDENCE = 0.5;

export interface ModelPlanRequest {
  text: string;
  /** The rule-based plan of `text` with `options`: the draft, and the fallback. */
  draft: SpecPlan;
  options: DecomposeOptions;
  port: ModelPort;
  requested: GenerationMeta['requested'];
  signal?: AbortSignal;
  /** Milliseconds since some origin, for the latency. */
  now: () => number;
}

export interface PlanWithMeta {
  plan: SpecPlan;
  generation: GenerationMeta;
}

export async function modelPlan(req: ModelPlanRequest): Promise<PlanWithMeta> {
  const opts = resolveOptions(req.options);
  const tooLarge = specTooLarge(req.text);
  if (tooLarge) return fallback(req, tooLarge, null, 0, 0);
  const agents = opts.agents.map(([name]) => agentName(name));
  const r = await askModelForJson(req.port, {
    task: 'planning',
    system: planSystemPrompt(agents),
    prompt: planUserPrompt(req.text, req.draft),
    maxTokens: MODEL_PLAN_MAX_TOKENS,
    schema: modelAnswerSchema(req.draft.stats.lines, agents),
    ...(req.signal ? { signal: req.signal } : {}),
    now: req.now,
  });
  if (!r.ok) return fallback(req, r.reason, r.model, r.attempts, r.latencyMs);
  return {
    plan: toPlan(r.value, req.draft, opts, req.text),
    generation: {
      method: req.port.kind,
      requested: req.requested,
      model: r.model,
      latencyMs: r.latencyMs,
      confidence: r.value.confidence,
      attempts: r.attempts,
      fallback: null,
    },
  };
}

function fallback(
  req: ModelPlanRequest,
  reason: string,
  model: string | null,
  attempts: number,
  latencyMs: number,
): PlanWithMeta {
  const by = model ? ` (model ${model})` : '';
  const warning: PlanWarning = {
    code: 'MODEL.FALLBACK',
    message: `The ${req.port.kind} model's plan was not used${by}: ${reason}. This is the rule-based plan.`,
    line: 1,
  };
  const warnings = [warning, ...req.draft.warnings];
  return {
    plan: { ...req.draft, warnings, stats: { ...req.draft.stats, warnings: warnings.length } },
    generation: heuristicGeneration(req.requested, HEURISTIC_CONFIDENCE, { reason, attempts, latencyMs }),
  };
}

/**
 * The validated answer as a plan: depth-first in the model's order, parents spanning their children.
 * The rules check it as they check themselves: a task made only from lines of a non-work section
 * (goals, out of scope, open questions...) is left out, and task titles are made actionable (verb
 * first, no emphasis, emoji or trailing colon); each correction is a MODEL.CORRECTED warning.
 */
function toPlan(a: ModelAnswer, draft: SpecPlan, opts: ResolvedOptions, text: string): SpecPlan {
  const nonWork = nonWorkLines(scanLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
  const corrections: PlanWarning[] = [];
  const ids = new IdAllocator();
  const items: PlanItem[] = [];
  const idOfRef = new Map<string, string>();
  const pending: { item: PlanItem; deps: string[] }[] = [];
  const add = (m: ModelItem, item: PlanItem) => {
    items.push(item);
    if (m.ref !== undefined) idOfRef.set(m.ref, item.id);
    if (m.dependsOn.length > 0) pending.push({ item, deps: m.dependsOn });
  };
  const [lo, hi] = opts.estimation.simple;
  for (const e of a.epics) {
    const eKey = normalizeTitle(e.title);
    const epic = base(e, 'epic', ids.next('epic', [eKey]), null, e.priority ?? 'medium');
    epic.agent = e.agent ? agent(e.agent) : null;
    add(e, epic);
    const featureDays: number[] = [];
    for (const f of e.features) {
      const fKey = normalizeTitle(f.title);
      const fId = ids.next('feature', [eKey, fKey]);
      const feature = base(f, 'feature', fId, epic.id, f.priority ?? epic.priority);
      feature.agent = agent(f.agent ?? opts.defaultAgent);
      add(f, feature);
      const taskDays: number[] = [];
      for (const t of f.tasks) {
        const [from, to] = t.lines;
        let work = false;
        for (let l = from; l <= to && !work; l++) work = nonWork[l] !== true;
        if (!work) {
          corrections.push({
            code: 'MODEL.CORRECTED',
            message: `The model made the task "${t.title.slice(0, 80)}" from a section that holds no work: left out.`,
            line: from,
          });
          continue;
        }
        const id = ids.next('task', [eKey, fKey, normalizeTitle(t.title)]);
        const task = base(t, 'task', id, feature.id, t.priority ?? feature.priority);
        const title = actionTitle(t.title);
        if (title !== task.title) {
          corrections.push({
            code: 'MODEL.CORRECTED',
            message: `Task title "${t.title.slice(0, 80)}" made actionable: "${title.slice(0, 80)}".`,
            line: from,
          });
          task.description = task.description === '' ? t.title : `${t.title}\n\n${task.description}`;
          task.title = title;
        }
        task.agent = agent(t.agent ?? opts.defaultAgent);
        task.estimateDays = t.estimateDays ?? clampDays((lo + hi) / 2);
        taskDays.push(task.estimateDays);
        span(feature, task);
        add(t, task);
      }
      feature.estimateDays = f.estimateDays ?? clampDays(sum(taskDays));
      featureDays.push(feature.estimateDays);
      span(epic, feature);
    }
    epic.estimateDays = e.estimateDays ?? clampDays(sum(featureDays));
    epic.milestone = milestoneOf(epic, draft);
  }
  const links: PlanLink[] = [];
  const seen = new Set<string>();
  for (const { item, deps } of pending) {
    for (const ref of deps) {
      const toId = idOfRef.get(ref);
      // A task the rules left out takes its links with it.
      if (toId === undefined) continue;
      if (seen.has(`${item.id} ${toId}`)) continue;
      seen.add(`${item.id} ${toId}`);
      links.push({ fromId: item.id, kind: 'depends_on', toId, sourceLine: item.source.startLine });
    }
  }
  // Only what is about the text itself still holds; the draft's structural warnings were its own.
  const warnings = [...draft.warnings.filter((w) => w.code === 'FENCE.UNCLOSED'), ...corrections];
  return {
    items,
    links,
    warnings,
    stats: { ...draft.stats, ...contentStats(items, links, warnings) },
  };
}

function base(
  m: ModelItem,
  type: ItemType,
  id: string,
  parentId: string | null,
  priority: Priority,
): PlanItem {
  const criteria = m.acceptanceCriteria;
  let description = m.description.trim();
  if (criteria.length > 0) {
    const section = `## Acceptance criteria\n\n${criteria.map((c) => `- [ ] ${c}`).join('\n')}`;
    description = description === '' ? section : `${description}\n\n${section}`;
  }
  return {
    id,
    type,
    title: m.title,
    description,
    acceptanceCriteria: criteria,
    parentId,
    priority,
    estimateDays: 0,
    agent: null,
    milestone: null,
    labels: [],
    source: { startLine: m.lines[0], endLine: m.lines[1] },
  };
}

/** A parent's source range covers its children's, as in the rule-based plan. */
function span(parent: PlanItem, child: PlanItem): void {
  parent.source.startLine = Math.min(parent.source.startLine, child.source.startLine);
  parent.source.endLine = Math.max(parent.source.endLine, child.source.endLine);
}

function agent(name: string | null): string | null {
  return name === null ? null : `agent:${agentName(name)}`.slice(0, LIMITS.agent);
}

/**
 * The milestone of the rule-based epic the model's epic overlaps most (the spec section it comes
 * from, where `Target:` lines and quarter names are); the first epic's when none overlaps.
 */
function milestoneOf(epic: PlanItem, draft: SpecPlan): string | null {
  let best: PlanItem | undefined;
  let bestOverlap = 0;
  for (const d of draft.items) {
    if (d.type !== 'epic') continue;
    best ??= d;
    const overlap =
      Math.min(d.source.endLine, epic.source.endLine) -
      Math.max(d.source.startLine, epic.source.startLine) +
      1;
    if (overlap > bestOverlap) {
      best = d;
      bestOverlap = overlap;
    }
  }
  return best?.milestone ?? null;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
