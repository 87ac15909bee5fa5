/** Stored work items and plan items as validator nodes. */
import type { PlanItem } from '../decompose/types.js';
import type { Milestone } from '../model/milestone.js';
import type { ItemOutline } from '../model/work-item.js';
import type { HierarchyNode, MilestoneRef } from './types.js';

export const milestoneRef = (m: Milestone): MilestoneRef => ({
  id: m.id,
  title: m.title,
  dueOn: m.dueOn,
  state: m.state,
});

/** `milestones` resolves the item's milestoneId; an id it does not know counts as no milestone. */
export function nodeFromItem(i: ItemOutline, milestones: ReadonlyMap<string, MilestoneRef>): HierarchyNode {
  return {
    id: i.id,
    type: i.type,
    title: i.title,
    parentId: i.parentId,
    description: i.description,
    labels: i.labels,
    estimateDays: i.estimateDays,
    agent: i.agent,
    status: i.status,
    milestone: i.milestoneId ? (milestones.get(i.milestoneId) ?? null) : null,
  };
}

/** A plan item as it would be written: planning, its milestone only named (no due date yet). */
export function nodeFromPlanItem(i: PlanItem): HierarchyNode {
  return {
    id: i.id,
    type: i.type,
    title: i.title,
    parentId: i.parentId,
    description: i.description,
    labels: i.labels,
    estimateDays: i.estimateDays,
    agent: i.agent,
    status: 'planning',
    milestone: i.milestone ? { id: null, title: i.milestone, dueOn: null, state: 'open' } : null,
  };
}
