import type { Caller } from './caller.js';
import type { DesiredIssue, DesiredLabel, DesiredMilestone } from '../github-sync/desired.js';
import type { CurrentState, IssueField } from '../github-sync/diff.js';
import type { CurrentProject, ProjectFieldState, ProjectValue } from '../github-sync/project.js';
import type { ProjectLink } from './store-github.js';

/** GitHub's three identifiers of one issue: `number`, REST `id`, GraphQL `node_id`. */
export interface IssueRef {
  number: number;
  id: number;
  nodeId: string;
}

/**
 * One repository, opened for a sync run: what it held when opened, and the writes the sync makes.
 * Label, milestone and issue-type ids are the adapter's business; the sync speaks in names.
 */
export interface TrackerSession {
  readonly owner: string;
  readonly repo: string;
  readonly state: CurrentState;
  /** The owner's enabled issue type names (empty without types). */
  readonly issueTypes: readonly string[];
  /** Requests the adapter sent in this session, reads and writes. */
  readonly requests: { reads: number; writes: number };
  saveLabel(label: DesiredLabel, create: boolean): Promise<void>;
  /** Creates (number null) or updates the milestone; returns its number. */
  saveMilestone(m: DesiredMilestone, number: number | null): Promise<number>;
  /** One content-creating request: parent, labels, milestone and type travel with the create. */
  createIssue(issue: DesiredIssue, parent: IssueRef | null, milestoneTitle: string | null): Promise<IssueRef>;
  /** Closes an issue just created for an item that is already done or cancelled. */
  close(ref: IssueRef, reason: 'completed' | 'not_planned'): Promise<void>;
  updateIssue(
    ref: IssueRef,
    issue: DesiredIssue,
    fields: readonly IssueField[],
    milestoneTitle: string | null,
  ): Promise<void>;
  /** Moves `child` under `parent` (replacing its parent), or detaches it from `current` when parent is null. */
  setParent(child: IssueRef, parent: IssueRef | null, current: IssueRef | null): Promise<void>;
  addBlockedBy(issue: IssueRef, blocker: IssueRef): Promise<void>;
  removeBlockedBy(issue: IssueRef, blocker: IssueRef): Promise<void>;
  /**
   * The issue a create made for `itemId`, found by its marker among the newest issues: after a
   * create whose outcome is unknown (5xx, timeout, lost response), before it is sent again.
   */
  findCreated(workspace: string, itemId: string): Promise<IssueRef | undefined>;
  /** Puts the issue on the Project; GitHub answers the existing item for an issue already there. Returns the item id. */
  addProjectItem(projectId: string, issue: IssueRef): Promise<string>;
  /** Sets (or, with null, clears) one field of a Project item. */
  setProjectField(
    projectId: string,
    projectItemId: string,
    fieldId: string,
    value: ProjectValue | null,
  ): Promise<void>;
}

export interface OpenOptions {
  /** The workspace's Project: read with the repository (its fields and the items of this repository). */
  project?: ProjectLink;
  /** Logins the sync may assign: resolved once, so a create carries its assignees. */
  assignees?: readonly string[];
}

/** A Project as found or made by the setup: without its items. */
export type ProjectMeta = Omit<CurrentProject, 'items' | 'repository'> & { owner: string };

export type FieldOption = { name: string; color: string; description: string };

/** What setting up a repository's Project and issue types takes. */
export interface ProjectSetup {
  /** The repository's owner: `Organization` or `User`. */
  readonly ownerType: 'Organization' | 'User';
  /** The owner's issue type names (none for a user). */
  readonly issueTypes: readonly string[];
  readonly requests: { reads: number; writes: number };
  findProject(owner: string, number: number): Promise<ProjectMeta | undefined>;
  /** The repository's owner's login. */
  readonly owner: string;
  /** Creates a Project owned by the repository's owner and linked to the repository. */
  createProject(title: string): Promise<ProjectMeta>;
  createField(
    projectId: string,
    name: string,
    dataType: 'SINGLE_SELECT' | 'NUMBER' | 'TEXT',
    options?: readonly FieldOption[],
  ): Promise<ProjectFieldState>;
  /** Replaces a single select's options (values set to a replaced option are lost). */
  replaceOptions(fieldId: string, options: readonly FieldOption[]): Promise<ProjectFieldState>;
  createIssueType(name: string, description: string, color: string): Promise<void>;
}

/** A pull request as a completion gate sees it. */
export interface PullRequestState {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
}

export interface IssueTracker {
  /** `caller`: whose GitHub access to use, where the deployment gives callers their own tokens. */
  open(owner: string, repo: string, caller?: Caller, opts?: OpenOptions): Promise<TrackerSession>;
  setup(owner: string, repo: string, caller?: Caller): Promise<ProjectSetup>;
  /**
   * The pull request; undefined when the repository has none with that number (or the token cannot
   * see it); 'forbidden' when the token may not read pull requests at all.
   */
  pullRequest(
    owner: string,
    repo: string,
    number: number,
    caller?: Caller,
  ): Promise<PullRequestState | 'forbidden' | undefined>;
}
