import { nearest } from '../../shared/nearest.js';
import { DomainError } from '../errors.js';
import { assertWorkspace, type WorkspaceSummary } from '../model/workspace.js';
import type { WorkspaceReads } from '../ports/store-workspaces.js';

/** Candidates compared for the nearest names: the first ones in id order beyond this are not. */
const MAX_CANDIDATES = 10_000;
const NEAREST = 3;

/**
 * WORKSPACE.NOT_FOUND, naming the nearest known workspaces, unless something was ever written to
 * `workspace`. Reads call it only when their answer is empty (or an id is not found), so a read of
 * a workspace with data pays nothing for it.
 */
export async function requireWorkspace(r: WorkspaceReads, workspace: string): Promise<void> {
  assertWorkspace(workspace);
  if (await r.hasWorkspace(workspace)) return;
  const near = nearest(workspace, await r.listWorkspaces(MAX_CANDIDATES), NEAREST);
  throw new DomainError(
    'WORKSPACE.NOT_FOUND',
    `No workspace ${workspace} in this server's store: nothing was ever written to it`,
    near.length
      ? `Did you mean ${near.map((w) => `"${w}"`).join(', ')}? list_workspaces lists every known workspace.`
      : 'The store holds no workspace yet: create_item, apply_spec or import_tasks start one.',
    { workspace, nearest: near },
  );
}

export interface WorkspacePage {
  workspaces: WorkspaceSummary[];
  nextCursor: string | null;
}

/** Known workspaces in id order; the cursor is the last id of the previous page. */
export async function listWorkspaces(
  r: WorkspaceReads,
  q: { limit: number; cursor?: string; owner?: string },
): Promise<WorkspacePage> {
  const rows = await r.workspaceSummaries({
    limit: q.limit + 1,
    ...(q.cursor !== undefined && { after: q.cursor }),
    ...(q.owner !== undefined && { owner: q.owner }),
  });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return { workspaces: page, nextCursor: more ? page[page.length - 1]!.id : null };
}
