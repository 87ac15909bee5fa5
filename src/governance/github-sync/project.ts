/**
 * The workspace's GitHub Project (v2): every managed issue is an item of it, and four fields show
 * what the hierarchy knows: Status and Priority (single selects), Estimate (a number of days) and
 * Agent (text, or a single select whose options are agent ids). Fields are found by name and options
 * by name, with the usual synonyms (Todo for planning, P1 for high...), so a Project made by hand
 * works too. What the Project lacks is reported, never guessed, and no other field is touched.
 * Pure: the adapter reads the Project and carries the plan out.
 */
import type { Priority, Status } from '../model/work-item.js';
import type { DesiredIssue } from './desired.js';

export const PROJECT_FIELDS = {
  status: 'Status',
  priority: 'Priority',
  estimate: 'Estimate',
  agent: 'Agent',
} as const;

export type ProjectFieldKey = keyof typeof PROJECT_FIELDS;

/** The Status options a Project set up by the server has, one per status, in workflow order. */
export const STATUS_OPTIONS: Record<Status, string> = {
  planning: 'Planning',
  in_progress: 'In progress',
  review: 'Review',
  blocked: 'Blocked',
  done: 'Done',
  cancelled: 'Cancelled',
};

export const PRIORITY_OPTIONS: Record<Priority, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** Option names that stand for a value, best first, compared without case, spaces or punctuation. */
const STATUS_SYNONYMS: Record<Status, string[]> = {
  planning: ['planning', 'todo', 'backlog', 'new', 'ready', 'triage'],
  in_progress: ['inprogress', 'doing', 'started', 'active', 'wip'],
  review: ['review', 'inreview', 'qa', 'testing', 'verify'],
  blocked: ['blocked', 'onhold', 'waiting'],
  done: ['done', 'complete', 'completed', 'closed', 'shipped'],
  cancelled: ['cancelled', 'canceled', 'wontdo', 'wontfix', 'notplanned', 'dropped', 'done'],
};

const PRIORITY_SYNONYMS: Record<Priority, string[]> = {
  critical: ['critical', 'p0', 'urgent', 'blocker'],
  high: ['high', 'p1'],
  medium: ['medium', 'p2', 'normal'],
  low: ['low', 'p3', 'p4', 'minor'],
};

/** GitHub's ProjectV2FieldType: SINGLE_SELECT, NUMBER, TEXT, DATE, ITERATION, TITLE... */
export type ProjectDataType = string;

export interface ProjectFieldState {
  id: string;
  name: string;
  dataType: ProjectDataType;
  options: { id: string; name: string }[];
}

export type ProjectValue = { optionId: string } | { number: number } | { text: string };

export interface CurrentProjectItem {
  /** The Project item's node id. */
  id: string;
  /** `owner/repo` of the issue. */
  repository: string;
  number: number;
  /** By field id. */
  values: Map<string, ProjectValue>;
}

export interface CurrentProject {
  id: string;
  number: number;
  title: string;
  url: string;
  /** `owner/repo` whose issues the sync places (items of other repositories are left alone). */
  repository: string;
  fields: ProjectFieldState[];
  items: CurrentProjectItem[];
}

export interface ProjectChange {
  /** The work item. */
  itemId: string;
  field: ProjectFieldKey;
  fieldId: string;
  /** null: clear the value (the item no longer has an estimate or an agent). */
  value: ProjectValue | null;
}

export interface ProjectPlan {
  projectId: string;
  /** Work items whose issue is not on the Project yet. */
  add: string[];
  /** Field values to set or clear, for items on the Project and for those being added. */
  set: ProjectChange[];
  /** What the Project lacks to show everything (a field, an option), once each. */
  gaps: string[];
  writes: number;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export function findField(project: Pick<CurrentProject, 'fields'>, key: ProjectFieldKey) {
  return project.fields.find((f) => norm(f.name) === norm(PROJECT_FIELDS[key]));
}

function option(field: ProjectFieldState, names: readonly string[]): string | undefined {
  for (const n of names) {
    const hit = field.options.find((o) => norm(o.name) === norm(n));
    if (hit) return hit.id;
  }
  return undefined;
}

const sameValue = (a: ProjectValue | undefined, b: ProjectValue | null) => {
  if (!a || !b) return !a && !b;
  if ('optionId' in a) return 'optionId' in b && a.optionId === b.optionId;
  if ('number' in a) return 'number' in b && a.number === b.number;
  return 'text' in b && a.text === b.text;
};

/**
 * The value a desired issue should show in each field the Project has. `undefined`: the Project cannot
 * show it (no such field, no matching option): a gap, and nothing is written to that field.
 */
function wanted(
  d: DesiredIssue,
  key: ProjectFieldKey,
  field: ProjectFieldState,
  gap: (msg: string) => undefined,
): ProjectValue | null | undefined {
  const p = d.project;
  const select = (value: string, names: readonly string[]) => {
    const id = option(field, names);
    if (id === undefined) {
      gap(
        `the ${field.name} field has no option for "${value}" (looked for ${names.slice(0, 4).join(', ')})`,
      );
      return undefined;
    }
    return { optionId: id };
  };
  if (key === 'status') {
    if (field.dataType !== 'SINGLE_SELECT') return gap(`the ${field.name} field is not a single select`);
    return select(p.status, [STATUS_OPTIONS[p.status], ...STATUS_SYNONYMS[p.status]]);
  }
  if (key === 'priority') {
    if (field.dataType === 'TEXT') return { text: PRIORITY_OPTIONS[p.priority] };
    if (field.dataType !== 'SINGLE_SELECT')
      return gap(`the ${field.name} field is neither a single select nor text`);
    return select(p.priority, [PRIORITY_OPTIONS[p.priority], ...PRIORITY_SYNONYMS[p.priority]]);
  }
  if (key === 'estimate') {
    if (field.dataType !== 'NUMBER') return gap(`the ${field.name} field is not a number`);
    return p.estimateDays === null ? null : { number: p.estimateDays };
  }
  if (p.agent === null) return null;
  if (field.dataType === 'TEXT') return { text: p.agent };
  if (field.dataType !== 'SINGLE_SELECT')
    return gap(`the ${field.name} field is neither text nor a single select`);
  return select(p.agent, [p.agent, p.agent.replace(/^agent:/, '')]);
}

/**
 * What the Project needs for the desired issues: items to add (for issues that exist or are being
 * created) and field values that differ. `numberOf` names the issue of each item that has one.
 */
export function diffProject(
  desired: readonly DesiredIssue[],
  project: CurrentProject,
  numberOf: (itemId: string) => number | undefined,
): ProjectPlan {
  const gaps = new Set<string>();
  const gap = (msg: string): undefined => void gaps.add(msg);
  const fields = (Object.keys(PROJECT_FIELDS) as ProjectFieldKey[]).flatMap((key) => {
    const field = findField(project, key);
    if (!field) gap(`the Project has no ${PROJECT_FIELDS[key]} field (setup_github_project adds it)`);
    return field ? [{ key, field }] : [];
  });
  const repo = project.repository.toLowerCase();
  const onProject = new Map(
    project.items.filter((i) => i.repository.toLowerCase() === repo).map((i) => [i.number, i]),
  );
  const plan: ProjectPlan = { projectId: project.id, add: [], set: [], gaps: [], writes: 0 };
  for (const d of desired) {
    const n = numberOf(d.itemId);
    const item = n === undefined ? undefined : onProject.get(n);
    if (!item) plan.add.push(d.itemId);
    for (const { key, field } of fields) {
      const want = wanted(d, key, field, gap);
      if (want === undefined) continue;
      const have = item?.values.get(field.id);
      // A new item has no values: clearing one would be a wasted write.
      if (!item && want === null) continue;
      if (!sameValue(have, want))
        plan.set.push({ itemId: d.itemId, field: key, fieldId: field.id, value: want });
    }
  }
  plan.gaps = [...gaps];
  plan.writes = plan.add.length + plan.set.length;
  return plan;
}
