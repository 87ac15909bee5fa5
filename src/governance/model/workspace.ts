import { DomainError } from '../errors.js';

/** A workspace is a GitHub repository, written `owner/repo`. */
const WORKSPACE_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const WORKSPACE_PATTERN = WORKSPACE_RE.source;

export function assertWorkspace(ws: string): string {
  if (!WORKSPACE_RE.test(ws) || ws.endsWith('/.') || ws.endsWith('/..')) {
    throw new DomainError(
      'WORKSPACE.INVALID',
      `"${ws.slice(0, 120)}" is not a workspace`,
      'Use the GitHub repository as owner/repo, e.g. "acme/web".',
    );
  }
  return ws;
}

export interface WorkspacePolicy {
  /** Allow tasks without a parent feature. */
  allowUnparentedTasks: boolean;
}

export const DEFAULT_POLICY: WorkspacePolicy = { allowUnparentedTasks: false };

/**
 * A workspace the store knows, with what list_workspaces shows. A workspace is known once anything
 * was written to it (an item, milestone, link, spec, configuration override or any audit record):
 * every write appends an audit record, which registers the workspace in the same transaction.
 */
export interface WorkspaceSummary {
  id: string;
  items: number;
  milestones: number;
  specs: number;
  auditRecords: number;
  /** Time of the last audited change; null when nothing was audited. */
  lastChangeAt: string | null;
}
