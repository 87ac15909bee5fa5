import type { WorkItem } from '../../../src/governance/model/work-item.js';

let seq = 0;

/** A stored-looking work item; ids and tree order follow the order of the calls. */
export function workItem(id: string, extra: Partial<WorkItem> = {}): WorkItem {
  seq += 1;
  return {
    workspace: 'a/b',
    id,
    seq,
    type: 'task',
    title: id,
    description: '',
    status: 'planning',
    statusReason: null,
    priority: 'medium',
    agent: null,
    estimateDays: null,
    milestoneId: null,
    labels: [],
    parentId: null,
    path: String(seq).padStart(8, '0'),
    depth: 0,
    progress: 0,
    createdAt: '2027-01-01T00:00:00.000Z',
    updatedAt: '2027-01-01T00:00:00.000Z',
    startedAt: null,
    completedAt: null,
    version: 1,
    ...extra,
  };
}
