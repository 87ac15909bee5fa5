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

/** The GitHub Project (v2) a workspace's issues are placed on, with their Status, Priority, Estimate and Agent. */
export interface ProjectLink {
  workspace: string;
  /** The login of the organization or user that owns the project. */
  owner: string;
  number: number;
  /** GraphQL node id of the project. */
  nodeId: string;
  title: string;
  url: string;
  linkedAt: string;
}

export interface IssueMapReads {
  /** Every mapping row of the workspace, by item id. */
  issueMappings(workspace: string): Promise<Map<string, IssueMapping>>;
  /** The project the workspace's issues are placed on, if one was set up. */
  projectLink(workspace: string): Promise<ProjectLink | undefined>;
}

export interface IssueMapWrites {
  /** Inserts or replaces the item's row (an item maps to one issue). */
  putIssueMapping(row: IssueMapping): Promise<void>;
  /** Inserts or replaces the workspace's project (a workspace has at most one). */
  putProjectLink(link: ProjectLink): Promise<void>;
}
