/**
 * GraphQL objects over the state. Fields that take arguments are methods: graphql-js's default
 * resolver calls them with the arguments, and `__typename` picks the type behind Node or Labelable.
 */
import { GraphQLError } from 'graphql';
import type { Urls } from '../rest/render.js';
import type {
  Entity,
  EntityValues,
  EmulatorState,
  Issue,
  IssueType,
  Label,
  Milestone,
  Owner,
  Repository,
} from '../state.js';

export interface Ctx {
  state: EmulatorState;
  urls: Urls;
}

export const gqlError = (type: string, message: string) =>
  new GraphQLError(message, { extensions: { type } });

interface Page {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const cursor = (i: number) => Buffer.from(`cursor:v2:${i}`).toString('base64');
const offset = (c: string) => Number(Buffer.from(c, 'base64').toString().split(':').pop());

/** A connection with GitHub's rules: `first` or `last` required, at most 100. */
export function connection<T, V>(items: T[], args: Page, view: (t: T) => V, name = 'connection') {
  const size = args.first ?? args.last;
  if (size == null) {
    throw gqlError(
      'MISSING_PAGINATION_BOUNDARIES',
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  if (size > 100 || size < 0) {
    throw gqlError(
      'EXCESSIVE_PAGINATION',
      `Requesting ${size} records on the \`${name}\` connection exceeds the \`${args.first != null ? 'first' : 'last'}\` limit of 100 records.`,
    );
  }
  let start = args.after ? offset(args.after) + 1 : 0;
  let end = args.before ? offset(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  else start = Math.max(start, end - size);
  const slice = items.slice(start, end);
  const edges = slice.map((t, i) => ({ cursor: cursor(start + i), node: view(t) }));
  return {
    totalCount: items.length,
    nodes: edges.map((e) => e.node),
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export const ownerView = (o: Owner, c: Ctx) => ({
  __typename: o.type,
  id: o.nodeId,
  databaseId: o.id,
  login: o.login,
  name: o.login,
  url: `${c.urls.web}/${o.login}`,
  issueTypes: (a: Page) => connection(o.issueTypes, a, issueTypeView, 'issueTypes'),
  ...entityExtensions.owner?.(c, o.login),
});

export const issueTypeView = (t: IssueType) => ({
  __typename: 'IssueType',
  id: t.nodeId,
  name: t.name,
  description: t.description,
  color: (t.color ?? 'gray').toUpperCase(),
  isEnabled: t.isEnabled,
});

export const labelView = (l: Label, c: Ctx) => ({
  __typename: 'Label',
  id: l.nodeId,
  name: l.name,
  color: l.color,
  description: l.description,
  isDefault: l.isDefault,
  url: `${c.urls.web}/${l.repo.owner.login}/${l.repo.name}/labels/${encodeURIComponent(l.name)}`,
});

export const milestoneView = (m: Milestone, c: Ctx) => ({
  __typename: 'Milestone',
  id: m.nodeId,
  number: m.number,
  title: m.title,
  description: m.description,
  state: m.state.toUpperCase(),
  closed: m.state === 'closed',
  dueOn: m.dueOn,
  url: `${c.urls.web}/${m.repo.owner.login}/${m.repo.name}/milestone/${m.number}`,
});

interface IssueArgs extends Page {
  states?: string[] | null;
  labels?: string[] | null;
  filterBy?: { states?: string[]; labels?: string[]; assignee?: string; milestoneNumber?: string } | null;
}

function filterIssues(issues: Issue[], a: IssueArgs): Issue[] {
  const states = a.states ?? a.filterBy?.states;
  const labels = a.labels ?? a.filterBy?.labels;
  const assignee = a.filterBy?.assignee;
  const milestone = a.filterBy?.milestoneNumber;
  return issues.filter(
    (i) =>
      (!states?.length || states.includes(i.state.toUpperCase())) &&
      (!labels?.length || i.labels.some((l) => labels.includes(l.name))) &&
      (!assignee || i.assignees.some((u) => u.login === assignee)) &&
      (milestone == null || String(i.milestone?.number) === milestone),
  );
}

export function issueView(i: Issue, c: Ctx): Record<string, unknown> {
  const issues = (list: Issue[], name: string) => (a: Page) =>
    connection(list, a, (x) => issueView(x, c), name);
  const blocking = c.state.blocking(i);
  const done = i.subIssues.filter((s) => s.state === 'closed').length;
  return {
    __typename: 'Issue',
    id: i.nodeId,
    databaseId: i.id,
    fullDatabaseId: String(i.id),
    number: i.number,
    title: i.title,
    body: i.body ?? '',
    bodyText: i.body ?? '',
    state: i.state.toUpperCase(),
    stateReason: i.stateReason?.toUpperCase() ?? null,
    closed: i.state === 'closed',
    closedAt: i.closedAt,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    url: `${c.urls.web}/${i.repo.owner.login}/${i.repo.name}/issues/${i.number}`,
    author: ownerView(i.author, c),
    repository: () => repositoryView(i.repo, c),
    milestone: i.milestone && milestoneView(i.milestone, c),
    issueType: i.type && issueTypeView(i.type),
    parent: i.parent && issueView(i.parent, c),
    labels: (a: Page) => connection(i.labels, a, (l) => labelView(l, c), 'labels'),
    assignees: (a: Page) => connection(i.assignees, a, (u) => ownerView(u, c), 'assignees'),
    subIssues: issues(i.subIssues, 'subIssues'),
    blockedBy: issues(i.blockedBy, 'blockedBy'),
    blocking: issues(blocking, 'blocking'),
    subIssuesSummary: {
      total: i.subIssues.length,
      completed: done,
      percentCompleted: i.subIssues.length ? Math.floor((done * 100) / i.subIssues.length) : 0,
    },
    issueDependenciesSummary: {
      blockedBy: i.blockedBy.filter((b) => b.state === 'open').length,
      totalBlockedBy: i.blockedBy.length,
      blocking: blocking.filter((b) => b.state === 'open').length,
      totalBlocking: blocking.length,
    },
  };
}

export function repositoryView(r: Repository, c: Ctx) {
  return {
    __typename: 'Repository',
    id: r.nodeId,
    databaseId: r.id,
    name: r.name,
    nameWithOwner: `${r.owner.login}/${r.name}`,
    isPrivate: r.private,
    url: `${c.urls.web}/${r.owner.login}/${r.name}`,
    owner: ownerView(r.owner, c),
    issues: (a: IssueArgs) => connection(filterIssues(r.issues, a), a, (i) => issueView(i, c), 'issues'),
    issue: (a: { number: number }) => {
      const i = r.issues.find((x) => x.number === a.number);
      return i ? issueView(i, c) : null;
    },
    labels: (a: Page) => connection(r.labels, a, (l) => labelView(l, c), 'labels'),
    label: (a: { name: string }) => {
      const l = r.labels.find((x) => x.name.toLowerCase() === a.name.toLowerCase());
      return l ? labelView(l, c) : null;
    },
    milestones: (a: Page) => connection(r.milestones, a, (m) => milestoneView(m, c), 'milestones'),
    milestone: (a: { number: number }) => {
      const m = r.milestones.find((x) => x.number === a.number);
      return m ? milestoneView(m, c) : null;
    },
    issueTypes: (a: Page) => connection(r.owner.issueTypes, a, issueTypeView, 'issueTypes'),
  };
}

/** Set by projects.ts: views for the Projects v2 kinds (kept there to keep this file small). */
export const entityExtensions: {
  view?: (e: Entity, c: Ctx) => unknown;
  owner?: (c: Ctx, login: string) => Record<string, unknown>;
} = {};

export function entityView(e: Entity, c: Ctx): unknown {
  switch (e.kind) {
    case 'Issue':
      return issueView(e.value, c);
    case 'Label':
      return labelView(e.value, c);
    case 'Milestone':
      return milestoneView(e.value, c);
    case 'Repository':
      return repositoryView(e.value, c);
    case 'IssueType':
      return issueTypeView(e.value);
    case 'User':
    case 'Organization':
      return ownerView(e.value, c);
    default:
      return entityExtensions.view?.(e, c);
  }
}

/** The entity behind a global id, of the kind expected, or GitHub's NOT_FOUND. */
export function resolveId<K extends keyof EntityValues>(c: Ctx, id: string, kind: K): EntityValues[K] {
  const e = c.state.node(id);
  if (!e) throw gqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
  if (e.kind !== kind)
    throw gqlError('NOT_FOUND', `Could not resolve to ${kind} node with the global id of '${id}'`);
  return e.value as EntityValues[K];
}
