/**
 * Rules that look at one item on its own: title, sections, estimate, labels, agent, milestone.
 * Each returns its violations in RULES order, so the report order does not depend on timing.
 */
import { isOpen, ITEM_TYPES } from '../model/work-item.js';
import {
  applyTitlePattern,
  isLowerServerLabel,
  milestoneTitleFor,
  nameOfTrimmed,
  type Policy,
  quote,
  tierOf,
} from './policy.js';
import { keyedSectionGaps, type SectionGap } from './sections.js';
import type { HierarchyNode, MilestoneRef, RuleId, Violation } from './types.js';

/** A rule appends its violations of one item to `out`. */
type Rule = (n: HierarchyNode, p: Policy, out: Violation[]) => void;

const q = quote;
const list = (xs: readonly string[]): string => xs.join(', ');

const titlePattern: Rule = (n, p, out) => {
  const title = n.title.trim();
  if (p.titleRe[n.type].test(title)) return;
  const pattern = p.config.templates[n.type].titlePattern;
  // A title made for another type ("Epic: X" on a feature) keeps only its name.
  let name = title;
  for (const t of ITEM_TYPES) {
    if (t === n.type) continue; // its own pattern did not match
    const x = nameOfTrimmed(p, t, title);
    if (x !== title) {
      name = x;
      break;
    }
  }
  out.push({
    severity: 'info',
    rule: 'title.pattern',
    itemId: n.id,
    message: `${n.id} title ${q(n.title)}${p.types[n.type].titleTail}`,
    fix: `Rename ${n.id} to ${q(applyTitlePattern(pattern, name))} (update_item title).`,
  });
};

/** What a sections finding says after the item id; the same for every item with those gaps. */
interface SectionsFinding {
  compliance: boolean;
  message: string;
  fix: string;
}

/**
 * Findings by item type and description, for one check (one policy): items made from the same
 * template often share a description. Short descriptions only, and a bounded number of them.
 */
const sectionMemo = new WeakMap<Policy, Map<string, SectionsFinding | null>[]>();
const MEMO_MAX_CHARS = 2000;
const MEMO_MAX_ENTRIES = 1000;

function sectionsFinding(n: HierarchyNode, p: Policy): SectionsFinding | null {
  if (n.description.length > MEMO_MAX_CHARS) return describeGaps(n, p);
  let byType = sectionMemo.get(p);
  if (!byType) {
    byType = ITEM_TYPES.map(() => new Map<string, SectionsFinding | null>());
    sectionMemo.set(p, byType);
  }
  const memo = byType[ITEM_TYPES.indexOf(n.type)]!;
  let f = memo.get(n.description);
  if (f === undefined) {
    f = describeGaps(n, p);
    if (memo.size < MEMO_MAX_ENTRIES) memo.set(n.description, f);
  }
  return f;
}

function describeGaps(n: HierarchyNode, p: Policy): SectionsFinding | null {
  const { sections: required, documented } = p.types[n.type];
  const gaps = keyedSectionGaps(n.description, required);
  if (gaps.length === 0) return null;
  const compliance = gaps.some((g) => documented.has(g.name.toLowerCase()));
  const where = [
    ...(compliance ? [`compliance.requiredDocumentation.${n.type}`] : []),
    ...(gaps.some((g) => !documented.has(g.name.toLowerCase()))
      ? [`templates.${n.type}.requiredSections`]
      : []),
  ].join(', ');
  const names = (gap: SectionGap) => gaps.filter((g) => g.gap === gap).map((g) => q(g.name));
  const parts = [
    ['still in draft', names('draft')],
    ['empty', names('empty')],
    ['absent', names('absent')],
  ] as const;
  const what = parts.filter(([, xs]) => xs.length > 0).map(([label, xs]) => `${label}: ${list(xs)}`);
  const drafted = names('draft');
  const headings = gaps.filter((g) => g.gap !== 'draft').map((g) => `'## ${g.name}'`);
  const actions = [
    ...(drafted.length > 0
      ? [`replace the (draft) line${drafted.length > 1 ? 's' : ''} of ${list(drafted)} with real content`]
      : []),
    ...(headings.length > 0 ? [`write ${list(headings)} with content`] : []),
  ];
  return {
    compliance,
    message: ` has ${gaps.length} required section(s) to write (${where}); ${what.join('; ')}`,
    fix: `'s description, ${actions.join(' and ')} (enhance_item drafts them from the item; apply with update_item).`,
  };
}

/**
 * Template sections and compliance documentation as one finding per item, listing every section
 * still to write: under sections.documentation (an error once done) when any is compliance
 * documentation, else under sections.required (a warning).
 */
const sections: Rule = (n, p, out) => {
  const f = sectionsFinding(n, p);
  if (!f) return;
  out.push({
    severity: f.compliance && n.status === 'done' ? 'error' : 'warning',
    rule: f.compliance ? 'sections.documentation' : 'sections.required',
    itemId: n.id,
    message: `${n.id}${f.message}`,
    fix: `In ${n.id}${f.fix}`,
  });
};

const estimate: Rule = (n, p, out) => {
  if (n.estimateDays === null) {
    if (n.type === 'task') {
      out.push({
        severity: 'warning',
        rule: 'estimate.missing',
        itemId: n.id,
        message: `Task ${n.id} has no estimate`,
        fix: `Set estimateDays on ${n.id} (update_item); tiers: ${p.tiers} days (generation.estimation).`,
      });
    }
    return;
  }
  if (n.type === 'epic' || tierOf(p.config, n.estimateDays)) return;
  const { simple, complex } = p.config.generation.estimation;
  const days = n.estimateDays;
  if (days > complex.maxDays) {
    out.push({
      severity: 'warning',
      rule: 'estimate.tier',
      itemId: n.id,
      message: `${n.id} is estimated at ${days} days, above the complex tier (${complex.minDays}-${complex.maxDays} days)`,
      fix: `Split ${n.id} into ${n.type === 'task' ? 'smaller tasks' : 'smaller features'} of at most ${complex.maxDays} days each.`,
    });
    return;
  }
  // Features are sums of their tasks, so only a task's own figure must sit on a tier.
  if (n.type !== 'task') return;
  const below = days < simple.minDays;
  out.push({
    severity: 'info',
    rule: 'estimate.tier',
    itemId: n.id,
    message: `${n.id} is estimated at ${days} days, ${below ? 'below every tier' : 'between two tiers'} (tiers: ${p.tiers} days (generation.estimation))`,
    fix: below
      ? `Set estimateDays on ${n.id} to at least ${simple.minDays}.`
      : `Set estimateDays on ${n.id} to a value inside a tier (${p.tiers}).`,
  });
};

/** Characters toLowerCase may change; a string without any is its own lower case. */
const MAY_LOWER = /[A-Z\u0080-\uFFFF]/;

const labels: Rule = (n, p, out) => {
  // Labels are mostly written lower-case already: lower-cased copies only when one may not be. The
  // lists below are made only for an item that has something in them (most items have not).
  const lower = n.labels.some((l) => MAY_LOWER.test(l)) ? n.labels.map((l) => l.toLowerCase()) : n.labels;
  const have = lower.length > 8 ? new Set(lower) : null;
  const tp = p.types[n.type];
  let required: string[] | undefined;
  for (const d of tp.defaultLabels) {
    if (!(have ? have.has(d.lower) : lower.includes(d.lower))) (required ??= []).push(d.label);
  }
  if (required !== undefined && required.length === tp.defaultLabels.length) {
    out.push({
      severity: 'warning',
      rule: 'labels.required',
      itemId: n.id,
      message: `${n.id}${tp.allLabelsMissing.message}`,
      fix: `${tp.allLabelsMissing.fix}${n.id} (update_item labels).`,
    });
  } else if (required !== undefined) {
    out.push({
      severity: 'warning',
      rule: 'labels.required',
      itemId: n.id,
      message: `${n.id} lacks label(s) ${list(required)} (templates.${n.type}.defaultLabels)`,
      fix: `Add label(s) ${list(required)} to ${n.id} (update_item labels).`,
    });
  }
  if (n.labels.length === 0) return;
  let unknown: string[] | undefined;
  let wrong: string[] | undefined;
  for (let i = 0; i < n.labels.length; i++) {
    const l = lower[i]!;
    if (!p.knownLabels.has(l) && !isLowerServerLabel(l)) (unknown ??= []).push(n.labels[i]!);
    const type = p.typeLabels.get(l);
    const agent = p.agentLabels.get(l);
    if (
      (type !== undefined && type !== n.type) ||
      (agent !== undefined && n.agent !== null && agent !== n.agent)
    )
      (wrong ??= []).push(n.labels[i]!);
  }
  if (unknown !== undefined) {
    out.push({
      severity: 'info',
      rule: 'labels.unknown',
      itemId: n.id,
      message: `${n.id} has label(s) the configuration does not define: ${list(unknown)}`,
      fix: `Remove ${list(unknown)} from ${n.id}, or define them under labels in the configuration (update_config).`,
    });
  }
  if (wrong !== undefined) {
    out.push({
      severity: 'error',
      rule: 'labels.mismatch',
      itemId: n.id,
      message: `${n.id} (${n.type}${n.agent ? `, ${n.agent}` : ''}) carries label(s) meant for another type or agent: ${list(wrong)}`,
      fix: `Remove ${list(wrong)} from ${n.id} (update_item labels).`,
    });
  }
};

const agent: Rule = (n, p, out) => {
  if (n.agent !== null && !p.config.agents[n.agent]) {
    out.push({
      severity: 'error',
      rule: 'agent.unknown',
      itemId: n.id,
      message: `${n.id} is assigned to ${n.agent}, which is not a configured agent`,
      fix: `Assign ${n.id} to one of ${p.agentList} (update_item agent), or add ${n.agent} under agents (update_config).`,
    });
  } else if (n.agent === null && n.type === 'task' && isOpen(n.status)) {
    out.push({
      severity: 'info',
      rule: 'agent.missing',
      itemId: n.id,
      message: `Open task ${n.id} has no agent`,
      fix: `Assign ${n.id} to one of ${p.agentList} (update_item agent).`,
    });
  }
};

/**
 * The milestone an epic lacks: none set (the title milestones.namingPattern gives it), or one a plan
 * names that applying will not create (milestones.autoCreate off). Reported once per milestone,
 * for all its epics, by the validator.
 */
export function wantedMilestone(n: HierarchyNode, p: Policy): { title: string; named: boolean } | null {
  if (n.type !== 'epic') return null;
  if (!n.milestone) return { title: milestoneTitleFor(p, n.title), named: false };
  if (n.milestone.id === null && !p.config.milestones.autoCreate)
    return { title: n.milestone.title, named: true };
  return null;
}

/** An epic's milestone whose title is off milestones.namingPattern (reported once per milestone). */
export const misnamedMilestone = (n: HierarchyNode, p: Policy): MilestoneRef | null =>
  n.type === 'epic' && n.milestone && !p.milestoneRe.test(n.milestone.title) ? n.milestone : null;

const milestone: Rule = (n, p, out) => {
  const m = n.milestone;
  if (!m || !isOpen(n.status)) return;
  const ref = () => (m.id ? `${m.id} ${q(m.title)}` : q(m.title));
  if (m.state === 'open' && m.dueOn !== null && m.dueOn < p.today) {
    out.push({
      severity: 'warning',
      rule: 'milestone.overdue',
      itemId: n.id,
      message: `${n.id} is ${n.status} in milestone ${ref()}, due ${m.dueOn}`,
      fix: `Finish ${n.id}, move it to a later milestone (update_item milestoneId), or move the due date of ${ref()} (upsert_milestone).`,
    });
  }
  if (m.state === 'closed') {
    out.push({
      severity: 'warning',
      rule: 'milestone.closed',
      itemId: n.id,
      message: `${n.id} is ${n.status} in closed milestone ${ref()}`,
      fix: `Move ${n.id} to an open milestone (update_item milestoneId), or reopen ${ref()} (upsert_milestone).`,
    });
  }
};

const ITEM_RULES: readonly Rule[] = [titlePattern, sections, estimate, labels, agent, milestone];

/**
 * The rules an item's own fields decide (what `itemViolations` reports): the ones a write can be
 * checked against before it commits, so the only ones `compliance.rules.<id>.enforce` may name.
 */
export const ITEM_RULE_IDS: ReadonlySet<RuleId> = new Set<RuleId>([
  'title.pattern',
  'sections.required',
  'sections.documentation',
  'estimate.missing',
  'estimate.tier',
  'labels.required',
  'labels.unknown',
  'labels.mismatch',
  'agent.unknown',
  'agent.missing',
  'milestone.overdue',
  'milestone.closed',
]);

export function itemViolations(n: HierarchyNode, p: Policy, out: Violation[] = []): Violation[] {
  for (const rule of ITEM_RULES) rule(n, p, out);
  return out;
}
