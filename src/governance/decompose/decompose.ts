/**
 * Deterministic spec decomposition: markdown or plain text -> epics, features, tasks, links.
 * Pure: no I/O, no clock (`options.now` dates the milestones), same input -> same output.
 *
 * Structure
 * - Sections (sections.ts): those that hold no work (context, success criteria, open questions,
 *   risks) give no items; their text goes to the item they belong to (before the first epic, to it),
 *   criteria to its acceptance criteria, open questions flagged (SPEC.OPEN_QUESTIONS). A container
 *   section (requirements, implementation plan, roadmap...) holds the epics; other top sections are
 *   epics, their sub-sections features, deeper headings folded into their feature. A lone first H1
 *   over deeper sections is the document title and no item.
 * - List items (bullets, numbers, `[ ]`/`[x]` checkboxes) are tasks of the current feature; nested
 *   items, indented or lazily continued lines and indented code are the task's description; a
 *   story's `Acceptance:`/`Benefit:` siblings attach to it. Structure is work too (structure.ts):
 *   a code block of endpoints, DDL, interfaces, rules or services gives a task per unit, a table row
 *   naming an endpoint a task; a prose section gives a task per paragraph, and a feature with work
 *   but no task one task named after its heading.
 * - Tasks with no feature heading above them go to a synthetic feature named after the epic; an
 *   epic with text but no features gets one synthetic feature. A heading with no content is left
 *   out (`ITEM.EMPTY`).
 * - `Acceptance criteria` / `Success criteria` / `Definition of done`, as a heading (its sub-headings
 *   included) or as a `Label:` line, attach to the enclosing item and are listed in
 *   `acceptanceCriteria` and as the description's last section.
 * - A feature over `maxTasksPerFeature` continues in `Title (part 2)`, `(part 3)`… (`FEATURE.SPLIT`),
 *   or with `oversizedFeatures: 'flag'` stays whole (`FEATURE.OVERSIZED`). An epic over
 *   `maxFeaturesPerEpic` is flagged (`EPIC.OVERSIZED`). Features named by a generic label carry
 *   their epic's title.
 * Signals (signals.ts): priority from MoSCoW buckets and markers, P0-P3 tokens, `Priority:` lines and
 * phase order, else the parent's; estimates from explicit markers or the amount of work; agents from
 * a feature's whole text; epics get `milestoneTemplate` for the quarter of `now`, or of a `Q3 2025`
 * in their title or `Target:`/`Milestone:` line. Task titles are made actionable (titles.ts).
 * Dependency phrases and ordered Phase/Step sections become links (dependencies.ts, links.ts).
 * Ids (ids.ts) hash the type, the normalized heading path and the own title, never line numbers.
 * Coverage (coverage.ts): every requirement line (non-blank, not a heading, fence delimiter or
 * decoration; fenced code counts) lies in exactly one item's own part of its source range.
 */
import { emptySpec, validateSpecText } from './validate.js';
import { TreeBuilder } from './build.js';
import { planSections } from './sections.js';
import type { Node } from './tree.js';
import { shareEpicCriteria } from './criteria.js';
import { resolveLinks } from './links.js';
import { resolveOptions, type DecomposeOptions } from './options.js';
import { PlanAssembler } from './plan.js';
import { FAST_TITLES_BYTES } from './titles.js';
import { scanLines } from './scan.js';
import { LIMITS } from '../model/work-item.js';
import type { PlanItem, PlanLink, PlanStats, PlanWarning, SpecPlan } from './types.js';

export function decomposeSpec(text: string, options: DecomposeOptions): SpecPlan {
  const opts = resolveOptions(options);
  const bytes = validateSpecText(text, opts.maxBytes);
  const scan = scanLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const builder = new TreeBuilder(scan, planSections(scan), opts);
  const epics = builder.build();
  if (builder.requirementLines === 0) {
    throw emptySpec('The spec has headings or decorations but no requirement text.');
  }
  const warnings = builder.warnings;
  const assembler = new PlanAssembler(opts, warnings, bytes > FAST_TITLES_BYTES);
  const nodes: Node[] = [];
  for (const e of epics) {
    assembler.addEpic(e);
    nodes.push(e);
    for (const f of e.children) nodes.push(f, ...f.children);
  }
  const { items } = assembler;
  const links = resolveLinks(nodes, assembler.itemOf, items, warnings);
  shareEpicCriteria(items);
  disambiguateTitles(items);
  warnings.sort((a, b) => a.line - b.line);
  return {
    items,
    links,
    warnings,
    stats: {
      lines: scan.raw.length,
      bytes,
      requirementLines: builder.requirementLines,
      ...contentStats(items, links, warnings),
    },
  };
}

/** Section names that say nothing on their own: a feature so named carries its epic's title. */
const GENERIC_RE =
  /^(?:must|should|could|nice to|won'?t)[- ]have|^(?:p[0-3]|(?:critical|high|medium|low)(?: priority)?)$|^(?:backend|frontend|api|ui|ux|tests?|testing|docs|documentation|implementation|tasks?|to-?do|details|other|misc(?:ellaneous)?|general|notes?|requirements|scope|deliverables|work items)$/i;

/**
 * Titles that cannot be told apart are: a feature named by a generic label (a `Must have` section
 * in every epic) carries its epic's title, features of one epic sharing a title are numbered, and
 * so are epics sharing one. Each rule looks only within the section concerned (a feature's epic),
 * so an edit elsewhere never renames an item. Titles only: ids stay as they were.
 */
function disambiguateTitles(items: PlanItem[]): void {
  const byId = new Map(items.map((i) => [i.id, i]));
  const groups = new Map<string, PlanItem[]>();
  for (const it of items) {
    if (it.type === 'task') continue;
    const parent = it.parentId === null ? undefined : byId.get(it.parentId);
    const bare = it.title.replace(/\s*\(part \d+\)$/, '').trim();
    // A feature named after its own epic (the one an epic without features gets) needs no more.
    if (it.type === 'feature' && parent && bare !== parent.title && GENERIC_RE.test(bare)) {
      it.title = `${it.title} (${parent.title})`.slice(0, LIMITS.title);
      continue;
    }
    const key = `${it.type}\u0000${it.parentId ?? ''}\u0000${it.title.toLowerCase()}`;
    const g = groups.get(key);
    if (g) g.push(it);
    else groups.set(key, [it]);
  }
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.forEach((it, n) => {
      if (n > 0) it.title = `${it.title} (${n + 1})`.slice(0, LIMITS.title);
    });
  }
}

/** The counts of a plan's stats that follow from its items, links and warnings. */
export function contentStats(
  items: readonly PlanItem[],
  links: readonly PlanLink[],
  warnings: readonly PlanWarning[],
): Omit<PlanStats, 'lines' | 'bytes' | 'requirementLines'> {
  let acceptanceCriteria = 0;
  const count = { epic: 0, feature: 0, task: 0 };
  for (const it of items) {
    count[it.type]++;
    acceptanceCriteria += it.acceptanceCriteria.length;
  }
  return {
    epics: count.epic,
    features: count.feature,
    tasks: count.task,
    links: links.length,
    acceptanceCriteria,
    warnings: warnings.length,
  };
}
