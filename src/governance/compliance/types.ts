/**
 * What the hierarchy validator checks and reports. The rule ids are a closed set and part of the
 * API (clients filter and count by them); a new rule gets a new id, an existing id keeps its meaning.
 */
import type { ItemType, Status } from '../model/work-item.js';

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Every rule, in the order violations of one item are reported. */
export const RULES = {
  'structure.parent':
    'The item sits under the type of parent its type needs (and tasks may be roots only if allowed).',
  'structure.emptyEpic': 'An open epic has at least one feature.',
  'structure.emptyFeature':
    'An open feature has at least one task (a warning when generation.autoTaskBreakdown).',
  'structure.requiredFeature': 'An epic has every feature of templates.epic.requiredChildFeatures.',
  'limits.maxFeaturesPerEpic': 'An epic has at most generation.maxFeaturesPerEpic features.',
  'limits.maxTasksPerFeature': 'A feature has at most generation.maxTasksPerFeature tasks.',
  'title.pattern': "The title follows its template's titlePattern.",
  'sections.required':
    'The description has every requiredSections entry of its template, with content (a (draft) line is not); one finding per item lists them all.',
  'sections.documentation':
    'The description has the compliance.requiredDocumentation sections (an error once the item is done); it also lists the template sections the item lacks.',
  'estimate.missing': 'Tasks, and features without tasks, have an estimate.',
  'estimate.tier': 'An estimate falls in one of the generation.estimation tiers.',
  'labels.required': "The item carries its template's defaultLabels.",
  'labels.unknown':
    'Every label is one the configuration defines or the server writes itself (spec:*, moscow:*, size:*, import and spec-kit/Task Master labels).',
  'labels.mismatch': 'Type and agent labels agree with the item type and its assigned agent.',
  'agent.unknown': 'The assigned agent is one of the configured agents.',
  'agent.missing': 'An open task has an agent.',
  'milestone.missing':
    'An epic has a milestone, and one a plan names exists or is created by apply (milestones.autoCreate); one finding per milestone (a warning when milestones.autoCreate).',
  'milestone.naming': 'An epic milestone title follows milestones.namingPattern; one finding per milestone.',
  'milestone.overdue': 'An open item is not in an open milestone whose due date has passed.',
  'milestone.closed': 'An open item is not in a closed milestone.',
  'dependencies.open':
    'A done item has no open blocker (check_compliance; an error when rules.dependencies is enforce).',
  'approvals.missing':
    'An epic was created with an approval while compliance.approvals.epicCreation requires one (check_compliance).',
  'github.drift':
    'The item was not changed on GitHub outside this server since the last sync (check_compliance).',
} as const;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export interface Violation {
  severity: Severity;
  rule: RuleId;
  itemId: string;
  message: string;
  /** One concrete action that removes the violation. */
  fix: string;
}

export interface MilestoneRef {
  /** Null for a milestone a plan only names. */
  id: string | null;
  title: string;
  dueOn: string | null;
  state: 'open' | 'closed';
}

/** An item as the validator sees it, from a stored work item or a plan item. */
export interface HierarchyNode {
  id: string;
  type: ItemType;
  title: string;
  parentId: string | null;
  description: string;
  labels: readonly string[];
  estimateDays: number | null;
  agent: string | null;
  status: Status;
  milestone: MilestoneRef | null;
}

const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** True when `s` is at least as severe as `min`. */
export const atLeast = (s: Severity, min: Severity): boolean => severityRank(s) <= severityRank(min);
