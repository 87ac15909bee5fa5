import { DomainError } from '../errors.js';
import type { Milestone } from '../model/milestone.js';
import type { WorkItem } from '../model/work-item.js';
import type { StoreReader } from '../ports/store.js';

export async function requireItem(r: StoreReader, workspace: string, id: string): Promise<WorkItem> {
  const item = await r.getItem(workspace, id);
  if (!item) {
    throw new DomainError(
      'ITEM.NOT_FOUND',
      `No item ${id.slice(0, 60)} in ${workspace}`,
      'Check the id (e.g. "T-12") and workspace; get_item_tree lists the items.',
      { id },
    );
  }
  return item;
}

export async function requireMilestone(r: StoreReader, workspace: string, id: string): Promise<Milestone> {
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
