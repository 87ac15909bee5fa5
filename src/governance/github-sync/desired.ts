/**
 * What GitHub should hold for a workspace: the local hierarchy under its effective policy, as
 * issues (title, body with the marker, state and reason, labels, milestone, parent, blocked-by,
 * issue type), labels with the policy's colours and descriptions, and milestones. Pure: the sync
 * compares it with what GitHub holds (diff.ts). GitHub's limits are checked here, before any write.
 */
import type { GovernanceConfig, LabelConfig } from '../config/schema.js';
import type { Milestone } from '../model/milestone.js';
import type { ItemLink, ItemType, Priority, Status, WorkItem } from '../model/work-item.js';
import { issueBody } from './marker.js';

/** GitHub's limits that a plan must respect before it writes anything. */
export const GITHUB_LIMITS = {
  body: 65_536,
  title: 256,
  labelName: 50,
  subIssuesPerParent: 100,
  subIssueDepth: 8,
  dependenciesPerType: 50,
} as const;

/** The colour of a label the policy does not describe (GitHub's default grey). */
export const PLAIN_LABEL_COLOR = 'ededed';

export interface DesiredLabel {
  name: string;
  color: string;
  description: string;
}

export interface DesiredMilestone {
  id: string;
  title: string;
  description: string;
  dueOn: string | null;
  state: 'open' | 'closed';
}

export type IssueState = 'open' | 'closed';
export type StateReason = 'completed' | 'not_planned' | null;

export interface DesiredIssue {
  itemId: string;
  type: ItemType;
  title: string;
  body: string;
  state: IssueState;
  /** Why it is closed: `completed` for done, `not_planned` for cancelled; null while open. */
  stateReason: StateReason;
  /** Sorted, without duplicates (GitHub compares label names case-insensitively). */
  labels: string[];
  milestoneId: string | null;
  parentId: string | null;
  /** Item ids of the blockers, sorted. */
  blockedBy: string[];
  /** The organisation's issue type for this item type, or null (its type label stands in). */
  issueType: string | null;
  /** GitHub logins: the one the policy maps the item's agent service to (`githubAssignee`), and the item's human fallback (`assignee`). */
  assignees: string[];
  /** What the workspace's Project shows for the issue (Status, Priority, Estimate, Agent). */
  project: { status: Status; priority: Priority; estimateDays: number | null; agent: string | null };
}

export interface SyncProblem {
  itemId: string | null;
  limit: keyof typeof GITHUB_LIMITS;
  message: string;
}

export interface DesiredState {
  workspace: string;
  /** Every login the policy maps an agent service to: the only assignees the sync adds or removes. */
  managedAssignees: string[];
  labels: DesiredLabel[];
  milestones: DesiredMilestone[];
  /** Parents before their children, in tree order: a create can name its parent. */
  issues: DesiredIssue[];
  /** Limits the hierarchy breaks on GitHub; a plan with problems writes nothing. */
  problems: SyncProblem[];
}

export interface DesiredInput {
  workspace: string;
  /** Every item of the workspace. */
  items: readonly WorkItem[];
  links: readonly ItemLink[];
  milestones: readonly Milestone[];
  config: Pick<GovernanceConfig, 'labels'> & Partial<Pick<GovernanceConfig, 'agents'>>;
  /** The organisation's issue type names (empty for a user-owned repository or an owner without types). */
  issueTypes: readonly string[];
}

export function desiredState(input: DesiredInput): DesiredState {
  const { workspace, config } = input;
  const known = knownLabels(config.labels);
  const typeOf = (t: ItemType) =>
    input.issueTypes.find((name) => name.toLowerCase() === t.toLowerCase()) ?? null;
  const blockers = new Map<string, string[]>();
  for (const l of input.links) blockers.set(l.blockedId, [...(blockers.get(l.blockedId) ?? []), l.blockerId]);

  const assigneeOf = (agent: string | null) =>
    agent === null ? undefined : config.agents?.[agent]?.githubAssignee;
  const used = new Map<string, DesiredLabel>();
  const issues = [...input.items]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((item): DesiredIssue => {
      const issueType = typeOf(item.type);
      const names = new Set(item.labels);
      names.add(config.labels.priority[item.priority].name);
      const agentLabel = item.agent ? config.labels.agent[item.agent] : undefined;
      if (agentLabel) names.add(agentLabel.name);
      // With the organisation's issue type the type label is redundant, unless the item carries it.
      if (!issueType) names.add(config.labels.type[item.type].name);
      for (const n of names) used.set(n.toLowerCase(), known.get(n.toLowerCase()) ?? plain(n));
      return {
        itemId: item.id,
        type: item.type,
        title: item.title,
        body: issueBody(item.description, { workspace, itemId: item.id }),
        state: item.status === 'done' || item.status === 'cancelled' ? 'closed' : 'open',
        stateReason:
          item.status === 'done' ? 'completed' : item.status === 'cancelled' ? 'not_planned' : null,
        labels: uniqueSorted([...names]),
        milestoneId: item.milestoneId,
        parentId: item.parentId,
        blockedBy: uniqueSorted(blockers.get(item.id) ?? []),
        issueType,
        assignees: uniqueSorted([
          ...(assigneeOf(item.agent) ? [assigneeOf(item.agent)!] : []),
          ...(item.assignee ? [item.assignee] : []),
        ]),
        project: {
          status: item.status,
          priority: item.priority,
          estimateDays: item.estimateDays,
          agent: item.agent,
        },
      };
    });

  return {
    workspace,
    managedAssignees: managedAssignees(
      config,
      input.items.flatMap((i) => (i.assignee ? [i.assignee] : [])),
    ),
    labels: [...used.values()].sort((a, b) => a.name.localeCompare(b.name)),
    milestones: input.milestones.map((m) => ({
      id: m.id,
      title: m.title,
      description: m.description,
      dueOn: m.dueOn,
      state: m.state,
    })),
    issues,
    problems: limitProblems(issues, [...used.values()]),
  };
}

/**
 * The logins the policy's agent services map to, their human fallbacks and `extra` (the items'
 * fallback assignees), lower-cased and sorted.
 */
export function managedAssignees(
  config: Partial<Pick<GovernanceConfig, 'agents' | 'rules'>>,
  extra: readonly string[] = [],
): string[] {
  const logins = [
    ...Object.values(config.agents ?? {}).flatMap((a) => [
      ...(a.githubAssignee ? [a.githubAssignee] : []),
      ...(a.fallbackAssignee ? [a.fallbackAssignee] : []),
    ]),
    ...(config.rules?.fallbackAssignee ? [config.rules.fallbackAssignee] : []),
    ...extra,
  ];
  return [...new Set(logins.map((l) => l.toLowerCase()))].sort();
}

function knownLabels(labels: GovernanceConfig['labels']): Map<string, DesiredLabel> {
  const all: LabelConfig[] = [
    ...Object.values(labels.type),
    ...Object.values(labels.priority),
    ...Object.values(labels.agent),
  ];
  return new Map(
    all.map((l) => [
      l.name.toLowerCase(),
      { name: l.name, color: l.color, description: l.description ?? '' },
    ]),
  );
}

const plain = (name: string): DesiredLabel => ({ name, color: PLAIN_LABEL_COLOR, description: '' });

function uniqueSorted(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) if (!seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

function limitProblems(issues: readonly DesiredIssue[], labels: readonly DesiredLabel[]): SyncProblem[] {
  const problems: SyncProblem[] = [];
  const children = new Map<string, number>();
  for (const i of issues) {
    if (i.parentId) children.set(i.parentId, (children.get(i.parentId) ?? 0) + 1);
    if (i.body.length > GITHUB_LIMITS.body) {
      problems.push({
        itemId: i.itemId,
        limit: 'body',
        message: `${i.itemId}'s description makes a body of ${i.body.length} characters; GitHub takes at most ${GITHUB_LIMITS.body}`,
      });
    }
    if (i.title.length > GITHUB_LIMITS.title) {
      problems.push({
        itemId: i.itemId,
        limit: 'title',
        message: `${i.itemId}'s title has ${i.title.length} characters; GitHub takes at most ${GITHUB_LIMITS.title}`,
      });
    }
    if (i.blockedBy.length > GITHUB_LIMITS.dependenciesPerType) {
      problems.push({
        itemId: i.itemId,
        limit: 'dependenciesPerType',
        message: `${i.itemId} is blocked by ${i.blockedBy.length} items; GitHub keeps at most ${GITHUB_LIMITS.dependenciesPerType}`,
      });
    }
  }
  for (const [parent, n] of children) {
    if (n > GITHUB_LIMITS.subIssuesPerParent) {
      problems.push({
        itemId: parent,
        limit: 'subIssuesPerParent',
        message: `${parent} has ${n} children; GitHub allows at most ${GITHUB_LIMITS.subIssuesPerParent} sub-issues per issue`,
      });
    }
  }
  for (const l of labels) {
    if (l.name.length > GITHUB_LIMITS.labelName) {
      problems.push({
        itemId: null,
        limit: 'labelName',
        message: `label "${l.name.slice(0, 60)}" is over GitHub's ${GITHUB_LIMITS.labelName} characters`,
      });
    }
  }
  return problems;
}
