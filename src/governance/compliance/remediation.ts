/**
 * Remediations the server can apply by itself, per finding: add the labels a template requires,
 * remove labels meant for another type or agent, open the missing required sections as drafts,
 * and set an epic's milestone to the one the naming policy gives it when that milestone exists.
 * Pure: remediate.ts reads the items and writes the changes.
 */
import type { Milestone } from '../model/milestone.js';
import { LIMITS, type WorkItem } from '../model/work-item.js';
import type { Policy } from './policy.js';
import { milestoneTitleFor, requiredSections } from './policy.js';
import { DRAFT_MARK, fillSections, sectionGaps } from './sections.js';
import type { RuleId } from './types.js';

/** The rules whose findings remediation can remove (or, for sections, start). */
export const REMEDIABLE_RULES = [
  'labels.required',
  'labels.mismatch',
  'sections.required',
  'sections.documentation',
  'milestone.missing',
] as const satisfies readonly RuleId[];
export type RemediableRule = (typeof REMEDIABLE_RULES)[number];

export interface RemediationAction {
  rule: RemediableRule;
  kind: 'addLabels' | 'removeLabels' | 'openSections' | 'setMilestone';
  /** What changes, in words. */
  detail: string;
}

export interface ItemRemediation {
  itemId: string;
  version: number;
  actions: RemediationAction[];
  /** The item's fields after all its actions. */
  patch: Partial<Pick<WorkItem, 'labels' | 'description' | 'milestoneId'>>;
  /** Findings of remediable rules it could not fix by itself, with why. */
  manual: { rule: RemediableRule; detail: string }[];
}

const quoteList = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

/**
 * The remediation of `item` for the remediable rules among `rules` (those it has findings of).
 * `milestones` maps lower-cased titles to milestones.
 */
export function planRemediation(
  item: WorkItem,
  rules: ReadonlySet<string>,
  policy: Policy,
  milestones: ReadonlyMap<string, Milestone>,
): ItemRemediation {
  const actions: RemediationAction[] = [];
  const manual: ItemRemediation['manual'] = [];
  let labels = [...item.labels];
  if (rules.has('labels.required')) {
    const have = new Set(labels.map((l) => l.toLowerCase()));
    const add = policy.config.templates[item.type].defaultLabels.filter((l) => !have.has(l.toLowerCase()));
    if (add.length > 0 && labels.length + add.length > LIMITS.labels) {
      manual.push({
        rule: 'labels.required',
        detail: `adding ${quoteList(add)} would pass the ${LIMITS.labels}-label limit: remove a label first`,
      });
    } else if (add.length > 0) {
      labels = [...labels, ...add];
      actions.push({ rule: 'labels.required', kind: 'addLabels', detail: `add ${quoteList(add)}` });
    }
  }
  if (rules.has('labels.mismatch')) {
    const wrong = labels.filter((l) => {
      const lower = l.toLowerCase();
      const type = policy.typeLabels.get(lower);
      const agent = policy.agentLabels.get(lower);
      return (
        (type !== undefined && type !== item.type) ||
        (agent !== undefined && item.agent !== null && agent !== item.agent)
      );
    });
    if (wrong.length > 0) {
      labels = labels.filter((l) => !wrong.includes(l));
      actions.push({ rule: 'labels.mismatch', kind: 'removeLabels', detail: `remove ${quoteList(wrong)}` });
    }
  }
  let description = item.description;
  for (const rule of ['sections.documentation', 'sections.required'] as const) {
    if (!rules.has(rule) || description !== item.description) continue;
    const gaps = sectionGaps(description, requiredSections(policy.config)[item.type]);
    const open = gaps.filter((g) => g.gap !== 'draft').map((g) => g.name);
    if (open.length > 0) {
      description = fillSections(
        description,
        open.map((name) => ({ name, lines: [DRAFT_MARK] })),
      );
      actions.push({ rule, kind: 'openSections', detail: `open draft section(s) ${quoteList(open)}` });
    }
    const drafted = gaps.filter((g) => g.gap === 'draft').map((g) => g.name);
    if (drafted.length > 0) {
      manual.push({
        rule,
        detail: `write the drafted section(s) ${quoteList(drafted)} (enhance_item drafts them)`,
      });
    }
  }
  let milestoneId = item.milestoneId;
  if (rules.has('milestone.missing') && item.type === 'epic' && item.milestoneId === null) {
    const title = milestoneTitleFor(policy, item.title);
    const m = milestones.get(title.toLowerCase());
    if (m && m.state === 'open') {
      milestoneId = m.id;
      actions.push({
        rule: 'milestone.missing',
        kind: 'setMilestone',
        detail: `set milestone ${m.id} "${m.title}"`,
      });
    } else {
      manual.push({
        rule: 'milestone.missing',
        detail: m
          ? `milestone "${title}" (${m.id}) is closed: reopen it with upsert_milestone, then remediate again`
          : `create milestone "${title}" with upsert_milestone (the naming policy's title), then remediate again`,
      });
    }
  }
  const patch: ItemRemediation['patch'] = {};
  if (labels.join('\n') !== item.labels.join('\n')) patch.labels = labels;
  if (description !== item.description) patch.description = description;
  if (milestoneId !== item.milestoneId) patch.milestoneId = milestoneId;
  return { itemId: item.id, version: item.version, actions, patch, manual };
}
