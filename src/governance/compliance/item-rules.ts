/**
 * Rules that look at one item on its own: title, sections, estimate, labels, agent, milestone.
 * Each returns its violations in RULES order, so the report order does not depend on timing.
 */
import { isOpen, ITEM_TYPES } from '../model/work-item.js';
import {
  applyTitlePattern,
  describeTiers,
  isServerLabel,
  milestoneTitleFor,
  nameOf,
  type Policy,
  tierOf,
} from './policy.js';
import { sectionGaps, type SectionGap } from './sections.js';
import type { HierarchyNode, MilestoneRef, Violation } from './types.js';

type Rule = (n: HierarchyNode, p: Policy) => Violation[];

const q = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
const list = (xs: readonly string[]): string => xs.join(', ');

const titlePattern: Rule = (n, p) => {
  if (p.titleRe[n.type].test(n.title.trim())) return [];
  const pattern = p.config.templates[n.type].titlePattern;
  // A title made for another type ("Epic: X" on a feature) keeps only its name.
  const title = n.title.trim();
  const name = ITEM_TYPES.map((t) => nameOf(p, t, title)).find((x) => x !== title) ?? title;
  return [
    {
      severity: 'info',
      rule: 'title.pattern',
      itemId: n.id,
      message: `${n.id} title ${q(n.title)} does not follow templates.${n.type}.titlePattern ${q(pattern)}`,
      fix: `Rename ${n.id} to ${q(applyTitlePattern(pattern, name))} (update_item title).`,
    },
  ];
};

/**
 * Template sections and compliance documentation as one finding per item, listing every section
 * still to write: under sections.documentation (an error once done) when any is compliance
 * documentation, else under sections.required (a warning).
 */
const sections: Rule = (n, p) => {
  const template = p.config.templates[n.type].requiredSections;
  const documentation = p.config.compliance.requiredDocumentation[n.type];
  const gaps = sectionGaps(n.description, [...documentation, ...template]);
  if (gaps.length === 0) return [];
  const documented = new Set(documentation.map((s) => s.toLowerCase()));
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
  return [
    {
      severity: compliance && n.status === 'done' ? 'error' : 'warning',
      rule: compliance ? 'sections.documentation' : 'sections.required',
      itemId: n.id,
      message: `${n.id} has ${gaps.length} required section(s) to write (${where}); ${what.join('; ')}`,
      fix: `In ${n.id}'s description, ${actions.join(' and ')} (enhance_item drafts them from the item; apply with update_item).`,
    },
  ];
};

const estimate: Rule = (n, p) => {
  const tiers = `tiers: ${describeTiers(p.config)} days (generation.estimation)`;
  if (n.estimateDays === null) {
    return n.type === 'task'
      ? [
          {
            severity: 'warning',
            rule: 'estimate.missing',
            itemId: n.id,
            message: `Task ${n.id} has no estimate`,
            fix: `Set estimateDays on ${n.id} (update_item); ${tiers}.`,
          },
        ]
      : [];
  }
  if (n.type === 'epic' || tierOf(p.config, n.estimateDays)) return [];
  const { simple, complex } = p.config.generation.estimation;
  const days = n.estimateDays;
  if (days > complex.maxDays) {
    return [
      {
        severity: 'warning',
        rule: 'estimate.tier',
        itemId: n.id,
        message: `${n.id} is estimated at ${days} days, above the complex tier (${complex.minDays}-${complex.maxDays} days)`,
        fix: `Split ${n.id} into ${n.type === 'task' ? 'smaller tasks' : 'smaller features'} of at most ${complex.maxDays} days each.`,
      },
    ];
  }
  // Features are sums of their tasks, so only a task's own figure must sit on a tier.
  if (n.type !== 'task') return [];
  const below = days < simple.minDays;
  return [
    {
      severity: 'info',
      rule: 'estimate.tier',
      itemId: n.id,
      message: `${n.id} is estimated at ${days} days, ${below ? 'below every tier' : 'between two tiers'} (${tiers})`,
      fix: below
        ? `Set estimateDays on ${n.id} to at least ${simple.minDays}.`
        : `Set estimateDays on ${n.id} to a value inside a tier (${describeTiers(p.config)}).`,
    },
  ];
};

const labels: Rule = (n, p) => {
  const out: Violation[] = [];
  const have = new Set(n.labels.map((l) => l.toLowerCase()));
  const required = p.config.templates[n.type].defaultLabels.filter((l) => !have.has(l.toLowerCase()));
  if (required.length > 0) {
    out.push({
      severity: 'warning',
      rule: 'labels.required',
      itemId: n.id,
      message: `${n.id} lacks label(s) ${list(required)} (templates.${n.type}.defaultLabels)`,
      fix: `Add label(s) ${list(required)} to ${n.id} (update_item labels).`,
    });
  }
  const unknown = n.labels.filter((l) => !p.knownLabels.has(l.toLowerCase()) && !isServerLabel(l));
  if (unknown.length > 0) {
    out.push({
      severity: 'info',
      rule: 'labels.unknown',
      itemId: n.id,
      message: `${n.id} has label(s) the configuration does not define: ${list(unknown)}`,
      fix: `Remove ${list(unknown)} from ${n.id}, or define them under labels in the configuration (update_config).`,
    });
  }
  const wrong = n.labels.filter((l) => {
    const type = p.typeLabels.get(l.toLowerCase());
    const agent = p.agentLabels.get(l.toLowerCase());
    return (
      (type !== undefined && type !== n.type) ||
      (agent !== undefined && n.agent !== null && agent !== n.agent)
    );
  });
  if (wrong.length > 0) {
    out.push({
      severity: 'error',
      rule: 'labels.mismatch',
      itemId: n.id,
      message: `${n.id} (${n.type}${n.agent ? `, ${n.agent}` : ''}) carries label(s) meant for another type or agent: ${list(wrong)}`,
      fix: `Remove ${list(wrong)} from ${n.id} (update_item labels).`,
    });
  }
  return out;
};

const agent: Rule = (n, p) => {
  const agents = Object.keys(p.config.agents);
  if (n.agent !== null && !p.config.agents[n.agent]) {
    return [
      {
        severity: 'error',
        rule: 'agent.unknown',
        itemId: n.id,
        message: `${n.id} is assigned to ${n.agent}, which is not a configured agent`,
        fix: `Assign ${n.id} to one of ${list(agents)} (update_item agent), or add ${n.agent} under agents (update_config).`,
      },
    ];
  }
  if (n.agent === null && n.type === 'task' && isOpen(n.status)) {
    return [
      {
        severity: 'info',
        rule: 'agent.missing',
        itemId: n.id,
        message: `Open task ${n.id} has no agent`,
        fix: `Assign ${n.id} to one of ${list(agents)} (update_item agent).`,
      },
    ];
  }
  return [];
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

const milestone: Rule = (n, p) => {
  const m = n.milestone;
  if (!m) return [];
  const out: Violation[] = [];
  const ref = m.id ? `${m.id} ${q(m.title)}` : q(m.title);
  if (isOpen(n.status) && m.state === 'open' && m.dueOn !== null && m.dueOn < p.today) {
    out.push({
      severity: 'warning',
      rule: 'milestone.overdue',
      itemId: n.id,
      message: `${n.id} is ${n.status} in milestone ${ref}, due ${m.dueOn}`,
      fix: `Finish ${n.id}, move it to a later milestone (update_item milestoneId), or move the due date of ${ref} (upsert_milestone).`,
    });
  }
  if (isOpen(n.status) && m.state === 'closed') {
    out.push({
      severity: 'warning',
      rule: 'milestone.closed',
      itemId: n.id,
      message: `${n.id} is ${n.status} in closed milestone ${ref}`,
      fix: `Move ${n.id} to an open milestone (update_item milestoneId), or reopen ${ref} (upsert_milestone).`,
    });
  }
  return out;
};

const ITEM_RULES: readonly Rule[] = [titlePattern, sections, estimate, labels, agent, milestone];

export function itemViolations(n: HierarchyNode, p: Policy): Violation[] {
  return ITEM_RULES.flatMap((rule) => rule(n, p));
}
