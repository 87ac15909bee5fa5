import type { Milestone, MilestoneCompletion, MilestoneState } from '../model/milestone.js';
import type { VersionedUpdate } from './store-results.js';

export interface MilestoneReads {
  getMilestone(workspace: string, id: string): Promise<Milestone | undefined>;
  findMilestoneByTitle(workspace: string, title: string): Promise<Milestone | undefined>;
  listMilestones(workspace: string, state?: MilestoneState): Promise<Milestone[]>;
  /**
   * Completion for each milestone id given, over the leaves under the items attached to it
   * (cancelled ones left out); ids with no items get total 0.
   */
  milestoneCompletion(workspace: string, ids: readonly string[]): Promise<Map<string, MilestoneCompletion>>;
}

/** Titles are unique per workspace: a write that would repeat one stores nothing and names the holder. */
export type TitleTaken = { ok: false; titleTakenBy: string };

export interface MilestoneWrites {
  insertMilestone(m: Milestone): Promise<{ ok: true } | TitleTaken>;
  updateMilestone(m: Milestone, expectedVersion: number): Promise<VersionedUpdate | TitleTaken>;
}
