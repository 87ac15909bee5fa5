import type { ItemType, Priority, WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { assertParent, placement } from '../rules/hierarchy.js';
import { assertKnownAgent } from './agents.js';
import { hierarchyPolicy } from './config-effective.js';
import { requireItem, requireMilestone } from './lookups.js';
import { rollUp } from './rollup.js';
import { diffFields, runWrite } from './write-scope.js';

export interface CreateItemCommand {
  workspace: string;
  type: ItemType;
  title: string;
  description?: string;
  parentId?: string | null;
  priority?: Priority;
  agent?: string | null;
  estimateDays?: number | null;
  milestoneId?: string | null;
  labels?: string[];
}

/** Fields recorded in the audit diff of a created or updated item. */
export const AUDITED_ITEM_FIELDS = [
  'type',
  'title',
  'description',
  'status',
  'statusReason',
  'priority',
  'agent',
  'estimateDays',
  'milestoneId',
  'labels',
  'parentId',
] as const satisfies readonly (keyof WorkItem)[];

export async function createItem(deps: CoreDeps, caller: Caller, cmd: CreateItemCommand): Promise<WorkItem> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const parent = cmd.parentId ? await requireItem(s.tx, s.workspace, cmd.parentId) : undefined;
    assertParent(cmd.type, parent, await hierarchyPolicy(s.tx, s.workspace, deps), { childOpen: true });
    if (cmd.milestoneId) await requireMilestone(s.tx, s.workspace, cmd.milestoneId);
    await assertKnownAgent(s.tx, s.workspace, deps, cmd.agent);
    const seq = await s.tx.nextSeq(s.workspace, 'item');
    const item: WorkItem = {
      workspace: s.workspace,
      ...placement(cmd.type, parent, seq, s.now),
      type: cmd.type,
      title: cmd.title,
      description: cmd.description ?? '',
      status: 'planning',
      statusReason: null,
      priority: cmd.priority ?? 'medium',
      agent: cmd.agent ?? null,
      estimateDays: cmd.estimateDays ?? null,
      milestoneId: cmd.milestoneId ?? null,
      labels: [...new Set(cmd.labels ?? [])],
      progress: 0,
      startedAt: null,
      completedAt: null,
      version: 1,
    };
    await s.tx.insertItem(item);
    await s.audit({
      entityType: 'item',
      entityId: item.id,
      action: 'item.created',
      diff: diffFields(null, item, AUDITED_ITEM_FIELDS),
    });
    await s.emit('issue.created', { id: item.id, type: item.type, parentId: item.parentId });
    await rollUp(s, item.parentId, `${item.id} created`);
    await s.emit('hierarchy.updated', { ids: [item.id] });
    return item;
  });
}
