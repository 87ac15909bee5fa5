/**
 * The changes that bring GitHub to the desired state, and what they cost. An item maps to an
 * issue through its mapping row, else through the marker in an issue body (a create whose response
 * was lost, or a mapping lost with its store); only then is an issue created. Issues without a
 * marker are not this server's and are never touched. A desired state with problems plans nothing.
 */
import type { DesiredIssue, DesiredLabel, DesiredMilestone, DesiredState, StateReason } from './desired.js';
import { parseMarker } from './marker.js';
import { diffProject, type CurrentProject, type ProjectPlan } from './project.js';

export interface CurrentIssue {
  number: number;
  /** REST `id` (what the sub-issue calls take). */
  id: number;
  /** GraphQL `node_id`. */
  nodeId: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: StateReason | 'reopened' | 'duplicate';
  labels: string[];
  milestoneTitle: string | null;
  parentNumber: number | null;
  blockedBy: number[];
  issueType: string | null;
  /** Logins. */
  assignees: string[];
}

export interface CurrentState {
  labels: DesiredLabel[];
  milestones: (Omit<DesiredMilestone, 'id'> & { number: number })[];
  issues: CurrentIssue[];
  /** The workspace's Project, when one is set up. */
  project?: CurrentProject | null;
}

export type IssueField = 'title' | 'body' | 'state' | 'labels' | 'milestone' | 'issueType' | 'assignees';

export interface SyncPlan {
  labels: { create: DesiredLabel[]; update: DesiredLabel[] };
  milestones: {
    create: DesiredMilestone[];
    update: { number: number; milestone: DesiredMilestone; fields: string[] }[];
  };
  issues: {
    /** Parents before children: each create carries its parent, labels, milestone and type. */
    create: DesiredIssue[];
    update: { itemId: string; number: number; fields: IssueField[]; desired: DesiredIssue }[];
    /** Found by marker without a mapping row: recorded, not created again. */
    adopt: { itemId: string; number: number }[];
  };
  /** Existing issues whose parent on GitHub is not the desired one (null: detach). */
  parents: { itemId: string; number: number; parentItemId: string | null }[];
  dependencies: {
    add: { itemId: string; blockerItemId: string }[];
    remove: { number: number; blockerNumber: number }[];
  };
  /** Issues GitHub holds that this server did not make (no marker of this workspace). */
  unmanaged: number;
  /** Items to put on the workspace's Project and field values to set there; null without a Project. */
  project: ProjectPlan | null;
  budget: SyncBudget;
}

export interface SyncBudget {
  /** Requests GitHub's secondary limit counts (every write, the Project's included). */
  contentCreating: number;
  /** Of those, the writes to the Project (items added, field values set or cleared). */
  projectWrites: number;
  /** The least time the limit of 80 content-creating requests a minute (and 500 an hour) imposes. */
  floorSeconds: number;
}

const PER_MINUTE = 80;
const PER_HOUR = 500;

export function floorSeconds(writes: number): number {
  if (writes === 0) return 0;
  const byMinute = ((writes - 1) * 60) / PER_MINUTE;
  const byHour = Math.floor((writes - 1) / PER_HOUR) * 3600;
  return Math.ceil(Math.max(byMinute, byHour));
}

const same = (a: readonly string[], b: readonly string[]) => {
  const x = a.map((s) => s.toLowerCase()).sort();
  const y = b.map((s) => s.toLowerCase()).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/**
 * The issue GitHub holds for each item: its mapping row's issue, else the issue whose marker names it.
 * `unmanaged` counts the issues without this workspace's marker.
 */
export function matchIssues(
  desired: Pick<DesiredState, 'workspace' | 'issues'>,
  current: Pick<CurrentState, 'issues'>,
  mapping: ReadonlyMap<string, number>,
): { matched: Map<string, CurrentIssue>; unmanaged: number } {
  const byNumber = new Map(current.issues.map((i) => [i.number, i]));
  const byMarker = new Map<string, CurrentIssue>();
  let unmanaged = 0;
  for (const i of current.issues) {
    const ref = parseMarker(i.body);
    if (ref && ref.workspace.toLowerCase() === desired.workspace.toLowerCase()) byMarker.set(ref.itemId, i);
    else unmanaged++;
  }
  const matched = new Map<string, CurrentIssue>();
  for (const d of desired.issues) {
    const mapped = mapping.get(d.itemId);
    const found = (mapped !== undefined ? byNumber.get(mapped) : undefined) ?? byMarker.get(d.itemId);
    if (found) matched.set(d.itemId, found);
  }
  return { matched, unmanaged };
}

export function diffSync(
  desired: DesiredState,
  current: CurrentState,
  mapping: ReadonlyMap<string, number>,
): SyncPlan {
  const byNumber = new Map(current.issues.map((i) => [i.number, i]));
  const { matched, unmanaged } = matchIssues(desired, current, mapping);
  const milestoneTitle = new Map(desired.milestones.map((m) => [m.id, m.title]));
  const plan: SyncPlan = {
    labels: diffLabels(desired.labels, current.labels),
    milestones: diffMilestones(desired.milestones, current.milestones),
    issues: { create: [], update: [], adopt: [] },
    parents: [],
    dependencies: { add: [], remove: [] },
    unmanaged,
    project: null,
    budget: { contentCreating: 0, projectWrites: 0, floorSeconds: 0 },
  };
  if (desired.problems.length > 0) return plan;

  const numberOf = new Map<string, number>();
  for (const d of desired.issues) {
    const mapped = mapping.get(d.itemId);
    const found = matched.get(d.itemId);
    if (!found) {
      plan.issues.create.push(d);
      continue;
    }
    numberOf.set(d.itemId, found.number);
    if (mapped !== found.number) plan.issues.adopt.push({ itemId: d.itemId, number: found.number });
    const fields = issueChanges(d, found, milestoneTitle, desired.managedAssignees);
    if (fields.length > 0) {
      // Assignees the policy does not map (people assigned on GitHub) stay as they are.
      const assignees = fields.includes('assignees')
        ? mergeAssignees(found.assignees, d.assignees, desired.managedAssignees)
        : d.assignees;
      plan.issues.update.push({
        itemId: d.itemId,
        number: found.number,
        fields,
        desired: { ...d, assignees },
      });
    }
  }
  const itemOf = new Map([...numberOf].map(([item, n]) => [n, item]));
  for (const d of desired.issues) {
    const n = numberOf.get(d.itemId);
    const cur = n === undefined ? undefined : byNumber.get(n);
    if (!cur) {
      // A new issue gets its parent at creation; its blockers are linked once both exist.
      for (const b of d.blockedBy) plan.dependencies.add.push({ itemId: d.itemId, blockerItemId: b });
      continue;
    }
    const curParent =
      cur.parentNumber === null ? null : (itemOf.get(cur.parentNumber) ?? `#${cur.parentNumber}`);
    if (curParent !== d.parentId)
      plan.parents.push({ itemId: d.itemId, number: cur.number, parentItemId: d.parentId });
    const have = new Set(cur.blockedBy.map((b) => itemOf.get(b) ?? `#${b}`));
    for (const b of d.blockedBy)
      if (!have.has(b)) plan.dependencies.add.push({ itemId: d.itemId, blockerItemId: b });
    const want = new Set(d.blockedBy);
    for (const b of cur.blockedBy) {
      const item = itemOf.get(b);
      // Only links between managed issues are ours to remove.
      if (item !== undefined && !want.has(item))
        plan.dependencies.remove.push({ number: cur.number, blockerNumber: b });
    }
  }
  if (current.project) {
    plan.project = diffProject(desired.issues, current.project, (itemId) => numberOf.get(itemId));
  }
  const projectWrites = plan.project?.writes ?? 0;
  const writes =
    projectWrites +
    plan.labels.create.length +
    plan.labels.update.length +
    plan.milestones.create.length +
    plan.milestones.update.length +
    plan.issues.create.length +
    plan.issues.update.length +
    plan.parents.length +
    plan.dependencies.add.length +
    plan.dependencies.remove.length;
  plan.budget = { contentCreating: writes, projectWrites, floorSeconds: floorSeconds(writes) };
  return plan;
}

/** The logins an issue keeps: those the policy does not manage, plus the desired ones. */
export function mergeAssignees(
  current: readonly string[],
  want: readonly string[],
  managed: readonly string[],
) {
  const m = new Set(managed.map((l) => l.toLowerCase()));
  const kept = current.filter((l) => !m.has(l.toLowerCase()));
  return [...kept, ...want.filter((l) => !kept.some((k) => k.toLowerCase() === l.toLowerCase()))];
}

function issueChanges(
  d: DesiredIssue,
  c: CurrentIssue,
  titles: ReadonlyMap<string, string>,
  managed: readonly string[],
): IssueField[] {
  const fields: IssueField[] = [];
  if (d.title !== c.title) fields.push('title');
  if (d.body !== c.body) fields.push('body');
  const reason =
    c.state === 'closed' ? (c.stateReason === 'not_planned' ? 'not_planned' : 'completed') : null;
  if (d.state !== c.state || d.stateReason !== reason) fields.push('state');
  if (!same(d.labels, c.labels)) fields.push('labels');
  const title = d.milestoneId === null ? null : (titles.get(d.milestoneId) ?? null);
  if (title !== c.milestoneTitle) fields.push('milestone');
  if (d.issueType !== null && d.issueType.toLowerCase() !== (c.issueType ?? '').toLowerCase()) {
    fields.push('issueType');
  }
  const m = new Set(managed);
  if (
    !same(
      d.assignees,
      c.assignees.filter((l) => m.has(l.toLowerCase())),
    )
  )
    fields.push('assignees');
  return fields;
}

function diffLabels(want: readonly DesiredLabel[], have: readonly DesiredLabel[]): SyncPlan['labels'] {
  const byName = new Map(have.map((l) => [l.name.toLowerCase(), l]));
  const out: SyncPlan['labels'] = { create: [], update: [] };
  for (const l of want) {
    const cur = byName.get(l.name.toLowerCase());
    if (!cur) out.create.push(l);
    else if (cur.color.toLowerCase() !== l.color.toLowerCase() || cur.description !== l.description) {
      out.update.push(l);
    }
  }
  return out;
}

function diffMilestones(
  want: readonly DesiredMilestone[],
  have: CurrentState['milestones'],
): SyncPlan['milestones'] {
  const byTitle = new Map(have.map((m) => [m.title, m]));
  const out: SyncPlan['milestones'] = { create: [], update: [] };
  for (const m of want) {
    const cur = byTitle.get(m.title);
    if (!cur) {
      out.create.push(m);
      continue;
    }
    const fields = (['description', 'dueOn', 'state'] as const).filter((f) => m[f] !== cur[f]);
    if (fields.length > 0) out.update.push({ number: cur.number, milestone: m, fields: [...fields] });
  }
  return out;
}
