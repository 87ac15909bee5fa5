import type { Caller } from './caller.js';
import type { DesiredIssue, DesiredLabel, DesiredMilestone } from '../github-sync/desired.js';
import type { CurrentState, IssueField } from '../github-sync/diff.js';

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
}

export interface IssueTracker {
  /** `caller`: whose GitHub access to use, where the deployment gives callers their own tokens. */
  open(owner: string, repo: string, caller?: Caller): Promise<TrackerSession>;
}
