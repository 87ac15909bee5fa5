/**
 * Deterministic spec decomposition: markdown or plain text -> epics, features, tasks, links.
 * Pure: no I/O, no clock (`options.now` dates the milestones), same input -> same output.
 *
 * Structure
 * - Headings (ATX or setext; never inside code fences): the shallowest level present is epics, the
 *   next features; deeper headings are sub-sections folded into their feature's description (list
 *   items under them are still the feature's tasks). A lone first H1 above two or more
 *   further levels is the document title and no item; over a single level it is the one epic.
 * - List items (bullets, numbers, `[ ]`/`[x]` checkboxes) are tasks of the current feature; nested
 *   items, indented or lazily continued lines and indented code are the task's description.
 * - Tasks with no feature heading above them (an epic's intro, or a spec with no headings) go to a
 *   synthetic feature named after the epic; text before the first epic goes to a synthetic epic
 *   named after the document title or `Specification`. An epic with text but no features gets one
 *   synthetic feature holding that text. A heading with no content is left out (`ITEM.EMPTY`), so
 *   no epic is without features and no feature is without tasks or text.
 * - `Acceptance criteria` / `Success criteria` / `Definition of done`, as a heading or as a
 *   `Label:` line (the rest of the line and the list after it), attach to the enclosing item: a
 *   heading deeper than the open feature to that feature, else to the epic; a sub-list under a task
 *   to that task. They are listed in `acceptanceCriteria` and as the description's last section.
 * - A feature over `maxTasksPerFeature` continues in `Title (part 2)`, `(part 3)`… with the same
 *   parent (`FEATURE.SPLIT`), or with `oversizedFeatures: 'flag'` stays whole (`FEATURE.OVERSIZED`).
 *   An epic over `maxFeaturesPerEpic` is flagged (`EPIC.OVERSIZED`).
 * Signals (signals.ts): priority from explicit words, P0-P3, critical words, then MoSCoW, else the
 * parent's; size words or the nested list length pick the estimate class (a task's point in the
 * range grows with its sub-items; a feature sums its tasks, an epic its features); capability
 * keywords pick the agent; epics get `milestoneTemplate` for the quarter of `now`, or of a `Q3 2025`
 * in their title or `Target:`/`Milestone:` line (a non-quarter `Milestone:` is used as is).
 * Dependency phrases (`depends on`, `blocked by`, `requires`, `after`) become links (links.ts).
 * Ids (ids.ts) hash the type, the normalized heading path and the own title, never line numbers.
 * Coverage (coverage.ts): every requirement line (non-blank, not a heading, fence delimiter or
 * decoration; fenced code counts) lies in exactly one item's own part of its source range.
 */
import { emptySpec, validateSpecText } from './validate.js';
import { TreeBuilder } from './build.js';
import { planSections } from './sections.js';
import type { Node } from './tree.js';
import { resolveLinks } from './links.js';
import { resolveOptions, type DecomposeOptions } from './options.js';
import { PlanAssembler } from './plan.js';
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
  const assembler = new PlanAssembler(opts, warnings);
  const nodes: Node[] = [];
  for (const e of epics) {
    assembler.addEpic(e);
    nodes.push(e);
    for (const f of e.children) nodes.push(f, ...f.children);
  }
  const { items } = assembler;
  const links = resolveLinks(nodes, assembler.itemOf, items, warnings);
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
    if (it.type === 'feature' && parent && GENERIC_RE.test(it.title.replace(/\s*\(part \d+\)$/, '').trim())) {
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
