export const MILESTONE_STATES = ['open', 'closed'] as const;
export type MilestoneState = (typeof MILESTONE_STATES)[number];

export interface Milestone {
  workspace: string;
  /** Per-workspace id, e.g. `M-3`. */
  id: string;
  title: string;
  description: string;
  /** ISO date `YYYY-MM-DD`, or null. */
  dueOn: string | null;
  state: MilestoneState;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Over the leaves under the milestone's items (their tasks), cancelled ones left out. */
export interface MilestoneCompletion {
  total: number;
  done: number;
  /** 0..100 with one decimal, 100 only when all are done; 0 when the milestone has no items. */
  percent: number;
}
