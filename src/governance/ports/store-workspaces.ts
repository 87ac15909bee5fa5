import type { WorkspacePolicy, WorkspaceSummary } from '../model/workspace.js';

/** A page of known workspaces. */
export interface WorkspaceQuery {
  limit: number;
  /** Exclusive lower bound on the workspace id: the last id of the previous page. */
  after?: string;
  owner?: string;
}

export interface WorkspaceReads {
  getPolicy(workspace: string): Promise<WorkspacePolicy>;
  /** Known workspaces in id order; only `owner/...` ones when `owner` is given. */
  listWorkspaces(limit: number, owner?: string): Promise<string[]>;
  /** Whether anything was ever written to the workspace (see WorkspaceSummary). */
  hasWorkspace(workspace: string): Promise<boolean>;
  /** Known workspaces in id order after `after` (only `owner/...` ones when `owner` is given), with counts. */
  workspaceSummaries(query: WorkspaceQuery): Promise<WorkspaceSummary[]>;
}

export interface WorkspaceWrites {
  /** Next value of a per-workspace counter, starting at 1. Creates the workspace row if needed. */
  nextSeq(workspace: string, counter: 'item' | 'milestone'): Promise<number>;
  setPolicy(workspace: string, policy: WorkspacePolicy): Promise<void>;
}
