/**
 * Which GitHub issue holds each item of a workspace: the sync's mapping rows. Written in the same
 * transaction as the audit record of the create (or adoption) that made them.
 */
export interface IssueMapping {
  workspace: string;
  itemId: string;
  /** The repository the issue is in (`owner/repo`, as GitHub spells it). */
  repository: string;
  number: number;
  /** REST `id`. */
  issueId: number;
  /** GraphQL `node_id`. */
  nodeId: string;
  syncedAt: string;
}

export interface IssueMapReads {
  /** Every mapping row of the workspace, by item id. */
  issueMappings(workspace: string): Promise<Map<string, IssueMapping>>;
}

export interface IssueMapWrites {
  /** Inserts or replaces the item's row (an item maps to one issue). */
  putIssueMapping(row: IssueMapping): Promise<void>;
}
