/**
 * What a repository holds, read in bulk over GraphQL: one request for its labels, milestones and
 * the owner's issue types, then one per 100 issues with everything the sync compares (labels,
 * milestone, parent, blockers, type). A re-sync of an unchanged repository of n issues costs
 * 1 + ceil(n / 100) reads. The node ids the writes need come with it.
 */
import type { CurrentIssue, CurrentState } from '../governance/github-sync/diff.js';
import { fromGitHubError, graphqlNotFound } from './errors.js';
import type { GitHubClient } from './octokit.js';

export interface RepositorySnapshot {
  /** What the sync's diff compares. */
  current: CurrentState;
  repositoryId: string;
  /** Label node ids by lower-cased name. */
  labelIds: Map<string, string>;
  /** Milestone node ids by title. */
  milestoneIds: Map<string, string>;
  /** The owner's enabled issue types (none for a user or an owner without types). */
  issueTypes: { id: string; name: string }[];
  /** GraphQL requests the read took. */
  requests: number;
}

interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

// The connections every page of labels or milestones asks for, first page or next.
const LABELS = (after: string) =>
  `labels(first: 100${after}) { nodes { id name color description } pageInfo { hasNextPage endCursor } }`;
const MILESTONES = (after: string) =>
  `milestones(first: 100${after}, states: [OPEN, CLOSED]) {
      nodes { id number title description dueOn state }
      pageInfo { hasNextPage endCursor }
    }`;

const META = `query RepositoryMeta($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    id
    ${LABELS('')}
    ${MILESTONES('')}
    owner { ... on Organization { issueTypes(first: 50) { nodes { id name isEnabled } } } }
  }
}`;

const MORE_LABELS = `query RepositoryLabels($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) { ${LABELS(', after: $cursor')} }
}`;

const MORE_MILESTONES = `query RepositoryMilestones($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) { ${MILESTONES(', after: $cursor')} }
}`;

const ISSUES = `query RepositoryIssues($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor) {
      nodes {
        id number databaseId title body state stateReason
        labels(first: 100) { nodes { name } }
        milestone { title }
        parent { number }
        blockedBy(first: 50) { nodes { number } }
        issueType { name }
        assignees(first: 20) { nodes { login } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface LabelNode {
  id: string;
  name: string;
  color: string;
  description: string | null;
}
interface MilestoneNode {
  id: string;
  number: number;
  title: string;
  description: string | null;
  dueOn: string | null;
  state: 'OPEN' | 'CLOSED';
}
interface IssueNode {
  id: string;
  number: number;
  databaseId: number;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED';
  stateReason: 'COMPLETED' | 'NOT_PLANNED' | 'REOPENED' | 'DUPLICATE' | null;
  labels: { nodes: { name: string }[] };
  milestone: { title: string } | null;
  parent: { number: number } | null;
  blockedBy: { nodes: { number: number }[] };
  issueType: { name: string } | null;
  assignees: { nodes: { login: string }[] };
}

export async function readRepositoryState(
  octokit: GitHubClient,
  owner: string,
  name: string,
): Promise<RepositorySnapshot> {
  const what = { what: `${owner}/${name}` };
  let requests = 0;
  const query = async <T>(doc: string, vars: Record<string, unknown>): Promise<T> => {
    requests++;
    try {
      return await octokit.graphql<T>(doc, { owner, name, ...vars });
    } catch (err) {
      throw fromGitHubError(err, what);
    }
  };
  type Meta = {
    repository: {
      id: string;
      labels: Page<LabelNode>;
      milestones: Page<MilestoneNode>;
      owner: { issueTypes?: { nodes: { id: string; name: string; isEnabled: boolean }[] } | null };
    } | null;
  };
  const meta = (await query<Meta>(META, {})).repository;
  if (!meta)
    throw fromGitHubError(graphqlNotFound('Repository'), { what: `${owner}/${name}`, access: 'write' });
  const labels = await rest(
    meta.labels,
    async (cursor) =>
      (await query<{ repository: { labels: Page<LabelNode> } }>(MORE_LABELS, { cursor })).repository.labels,
  );
  const milestones = await rest(
    meta.milestones,
    async (cursor) =>
      (await query<{ repository: { milestones: Page<MilestoneNode> } }>(MORE_MILESTONES, { cursor }))
        .repository.milestones,
  );
  const issues = await rest(
    { nodes: [], pageInfo: { hasNextPage: true, endCursor: null } },
    async (cursor) =>
      (await query<{ repository: { issues: Page<IssueNode> } }>(ISSUES, { cursor })).repository.issues,
  );
  return {
    current: {
      labels: labels.map((l) => ({ name: l.name, color: l.color, description: l.description ?? '' })),
      milestones: milestones.map((m) => ({
        number: m.number,
        title: m.title,
        description: m.description ?? '',
        dueOn: m.dueOn ? m.dueOn.slice(0, 10) : null,
        state: m.state === 'OPEN' ? 'open' : 'closed',
      })),
      issues: issues.map(toCurrentIssue),
    },
    repositoryId: meta.id,
    labelIds: new Map(labels.map((l) => [l.name.toLowerCase(), l.id])),
    milestoneIds: new Map(milestones.map((m) => [m.title, m.id])),
    issueTypes: (meta.owner.issueTypes?.nodes ?? [])
      .filter((t) => t.isEnabled)
      .map(({ id, name }) => ({ id, name })),
    requests,
  };
}

/** The first page's nodes and every following page's. */
async function rest<T>(first: Page<T>, next: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const all = [...first.nodes];
  let page = first;
  while (page.pageInfo.hasNextPage) {
    page = await next(page.pageInfo.endCursor);
    all.push(...page.nodes);
  }
  return all;
}

function toCurrentIssue(n: IssueNode): CurrentIssue {
  const reason = n.stateReason === null ? null : (n.stateReason.toLowerCase() as CurrentIssue['stateReason']);
  return {
    number: n.number,
    id: n.databaseId,
    nodeId: n.id,
    title: n.title,
    body: n.body,
    state: n.state === 'OPEN' ? 'open' : 'closed',
    stateReason: n.state === 'OPEN' ? null : reason,
    labels: n.labels.nodes.map((l) => l.name),
    milestoneTitle: n.milestone?.title ?? null,
    parentNumber: n.parent?.number ?? null,
    blockedBy: n.blockedBy.nodes.map((b) => b.number),
    issueType: n.issueType?.name ?? null,
    assignees: n.assignees.nodes.map((a) => a.login),
  };
}
