/** Structure figures a plan review quotes: children per item and the parents over their limit. */
import type { ItemType, WorkItem } from '../model/work-item.js';

export interface ChildLimits {
  maxFeaturesPerEpic: number;
  maxTasksPerFeature: number;
}

export interface OverLimit {
  id: string;
  children: number;
  max: number;
}

/** Children of each item among `items`: exact for untruncated data, a lower bound otherwise. */
export function childCounts(items: readonly WorkItem[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const i of items) if (i.parentId) n.set(i.parentId, (n.get(i.parentId) ?? 0) + 1);
  return n;
}

/** Epics and features with more children than the rules allow, in the order of `items`. */
export function overLimit(
  items: readonly WorkItem[],
  children: ReadonlyMap<string, number>,
  limits: ChildLimits,
): OverLimit[] {
  const limitOf: Record<ItemType, number> = {
    epic: limits.maxFeaturesPerEpic,
    feature: limits.maxTasksPerFeature,
    task: 0,
  };
  return items
    .filter((i) => i.type !== 'task' && (children.get(i.id) ?? 0) > limitOf[i.type])
    .map((i) => ({ id: i.id, children: children.get(i.id) ?? 0, max: limitOf[i.type] }));
}
