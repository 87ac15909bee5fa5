import type { Milestone, MilestoneCompletion, MilestoneState } from '../model/milestone.js';
import { assertWorkspace } from '../model/workspace.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { requireWorkspace } from './workspaces.js';

export interface MilestoneView extends Milestone {
  completion: MilestoneCompletion;
  overdue: boolean;
}

export async function listMilestones(
  deps: CoreDeps,
  workspace: string,
  state?: MilestoneState,
): Promise<MilestoneView[]> {
  assertWorkspace(workspace);
  const list = await deps.store.reader.listMilestones(workspace, state);
  if (list.length === 0) await requireWorkspace(deps.store.reader, workspace);
  const completion = await deps.store.reader.milestoneCompletion(
    workspace,
    list.map((m) => m.id),
  );
  const today = deps.clock.now().slice(0, 10);
  return list.map((m) => ({
    ...m,
    completion: completion.get(m.id) ?? { total: 0, done: 0, percent: 0 },
    overdue: m.state === 'open' && m.dueOn !== null && m.dueOn < today,
  }));
}
