/** The shapes the emulator's state holds (REST and GraphQL render them in their own forms). */
import type { Permissions, SeedPullRequest } from './seed.js';

export interface Owner {
  id: number;
  nodeId: string;
  login: string;
  type: 'User' | 'Organization';
  issueTypes: IssueType[];
}

export interface IssueType {
  id: number;
  nodeId: string;
  name: string;
  description: string | null;
  color: string | null;
  isEnabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Label {
  id: number;
  nodeId: string;
  name: string;
  color: string;
  description: string | null;
  isDefault: boolean;
  repo: Repository;
}

export interface Milestone {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  description: string | null;
  state: 'open' | 'closed';
  dueOn: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  repo: Repository;
}

export type StateReason = 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;

/** What issues and pull requests share: the repository's number sequence and their text. */
interface Numbered {
  id: number;
  nodeId: string;
  number: number;
  repo: Repository;
  title: string;
  body: string | null;
  /** A merged pull request is closed. */
  state: 'open' | 'closed';
}

export interface Issue extends Numbered {
  stateReason: StateReason;
  labels: Label[];
  milestone: Milestone | null;
  assignees: Owner[];
  type: IssueType | null;
  author: Owner;
  parent: Issue | null;
  subIssues: Issue[];
  blockedBy: Issue[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** A branch end of a pull request: the branch name and the commit it points at. */
export interface PullRequestRef {
  ref: string;
  sha: string;
}

/**
 * A pull request. It takes its number from the repository's issue sequence, as on GitHub, so no
 * issue and no pull request of one repository share a number.
 */
export interface PullRequest extends Numbered {
  merged: boolean;
  draft: boolean;
  head: PullRequestRef;
  base: PullRequestRef;
  author: Owner;
  mergedBy: Owner | null;
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface Repository {
  id: number;
  nodeId: string;
  owner: Owner;
  name: string;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
  issues: Issue[];
  pullRequests: PullRequest[];
  labels: Label[];
  milestones: Milestone[];
}

export interface Token {
  token: string;
  user: Owner;
  permissions: Permissions;
  /** Epoch milliseconds; installation tokens expire. */
  expiresAt?: number;
}

export type Entity =
  | { kind: 'Issue'; value: Issue }
  | { kind: 'PullRequest'; value: PullRequest }
  | { kind: 'Label'; value: Label }
  | { kind: 'Milestone'; value: Milestone }
  | { kind: 'Repository'; value: Repository }
  | { kind: 'IssueType'; value: IssueType }
  | { kind: 'User'; value: Owner }
  | { kind: 'Organization'; value: Owner }
  | { kind: 'ProjectV2'; value: Project }
  | { kind: 'ProjectV2Item'; value: ProjectItem }
  | { kind: 'ProjectV2Field'; value: ProjectField };

/** The value behind each kind of global id. */
export interface EntityValues {
  Issue: Issue;
  PullRequest: PullRequest;
  Label: Label;
  Milestone: Milestone;
  Repository: Repository;
  IssueType: IssueType;
  User: Owner;
  Organization: Owner;
  ProjectV2: Project;
  ProjectV2Item: ProjectItem;
  ProjectV2Field: ProjectField;
}

export type ProjectFieldType = 'TITLE' | 'TEXT' | 'NUMBER' | 'DATE' | 'SINGLE_SELECT';

export interface ProjectField {
  id: number;
  nodeId: string;
  name: string;
  dataType: ProjectFieldType;
  options: { id: string; name: string; color: string; description: string }[];
}

export type ProjectValue = { text: string } | { number: number } | { date: string } | { optionId: string };

export interface ProjectItem {
  id: number;
  nodeId: string;
  project: Project;
  content: Issue;
  /** Field node id -> value. */
  values: Map<string, ProjectValue>;
}

export interface Project {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  owner: Owner;
  fields: ProjectField[];
  items: ProjectItem[];
}

export interface IssueInput {
  title: string;
  body?: string | null;
  labels?: string[];
  milestone?: number | null;
  assignees?: string[];
  type?: string | null;
}

/**
 * A pull request to create: the seed's form (`user` defaults to the acting user when a request
 * creates it, else `octocat`).
 */
export type PullRequestInput = SeedPullRequest;

/** What a pull request may be changed to: `merged: true` merges (and closes) it. */
export interface PullRequestChanges {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  merged?: true;
  draft?: boolean;
}

export interface IssueEvent {
  action: 'opened' | 'edited' | 'closed' | 'reopened';
  issue: Issue;
  sender: Owner;
}

/** A label or milestone edited: GitHub's `label` / `milestone` events; `payload` holds its fields. */
export interface RepoEvent {
  event: 'label' | 'milestone';
  action: string;
  repo: Repository;
  payload: object;
  sender: Owner;
}

/** A sub-issue or blocked-by link made or removed: GitHub's `sub_issues` / `issue_dependencies` events. */
export interface RelationEvent {
  event: 'sub_issues' | 'issue_dependencies';
  action: 'sub_issue_added' | 'sub_issue_removed' | 'blocked_by_added' | 'blocked_by_removed';
  /** The parent, or the blocked issue. */
  issue: Issue;
  /** The sub-issue, or the blocking issue. */
  other: Issue;
  sender: Owner;
}

export interface IssueChanges extends Partial<IssueInput> {
  state?: 'open' | 'closed';
  stateReason?: StateReason;
}
