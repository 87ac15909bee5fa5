import { isPreviewId } from '../decompose/ids.js';
import { DomainError } from '../errors.js';
import type { Milestone } from '../model/milestone.js';
import type { WorkItem } from '../model/work-item.js';
import type { ItemReads } from '../ports/store-items.js';
import type { MilestoneReads } from '../ports/store-milestones.js';
import type { WorkspaceReads } from '../ports/store-workspaces.js';
import { requireWorkspace } from './workspaces.js';

/**
 * The stored item, or why there is none: a plan's preview id (ITEM.PREVIEW_ID), a workspace nothing
 * was written to (WORKSPACE.NOT_FOUND), else ITEM.NOT_FOUND. The checks run only on a miss.
 */
export async function requireItem(
  r: ItemReads & WorkspaceReads,
  workspace: string,
  id: string,
): Promise<WorkItem> {
  const item = await r.getItem(workspace, id);
  if (!item) {
    if (isPreviewId(id)) {
      throw new DomainError(
        'ITEM.PREVIEW_ID',
        `${id} is a preview id from decompose_spec, not a stored item`,
        'Preview ids exist only in a plan: apply_spec with the same text and dryRun: false writes it, ' +
          'and its created[] pairs each planId with the stored id (e.g. T-12); get_item_tree lists stored items.',
        { id },
      );
    }
    await requireWorkspace(r, workspace);
    throw new DomainError(
      'ITEM.NOT_FOUND',
      `No item ${id.slice(0, 60)} in ${workspace}`,
      'Check the id (e.g. "T-12") and workspace; get_item_tree lists the items.',
      { id },
    );
  }
  return item;
}

export async function requireMilestone(r: MilestoneReads, workspace: string, id: string): Promise<Milestone> {
  const m = await r.getMilestone(workspace, id);
  if (!m) {
    throw new DomainError(
      'MILESTONE.NOT_FOUND',
      `No milestone ${id.slice(0, 60)} in ${workspace}`,
      'list_milestones shows the ids; upsert_milestone creates one.',
      { id },
    );
  }
  return m;
}
