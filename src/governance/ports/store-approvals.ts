/**
 * Approval requests (compliance.approvals): a change held until enough approvers decide. Written
 * under the workspace lock like every other change, so two deciders never both apply it.
 */
import type { ApprovalRequest, ApprovalStatus } from '../model/approval.js';
import type { VersionedUpdate } from './store-results.js';

export interface ApprovalQuery {
  workspace: string;
  /**
   * With `now`, `pending` means pending and not yet past expiry, and `expired` includes pending
   * requests past it (expiry is recorded when someone next decides one).
   */
  status?: ApprovalStatus;
  now: string;
  /** Page: requests with a seq after this one, oldest first. */
  afterSeq?: number;
  limit: number;
}

export interface ApprovalReads {
  approval(workspace: string, id: string): Promise<ApprovalRequest | undefined>;
  listApprovals(query: ApprovalQuery): Promise<ApprovalRequest[]>;
  /** The highest seq used in the workspace (0 for none). */
  lastApprovalSeq(workspace: string): Promise<number>;
}

export interface ApprovalWrites {
  insertApproval(a: ApprovalRequest): Promise<void>;
  /** Stores `a` over `expectedVersion` (a.version must be expectedVersion + 1). */
  updateApproval(a: ApprovalRequest, expectedVersion: number): Promise<VersionedUpdate>;
}
