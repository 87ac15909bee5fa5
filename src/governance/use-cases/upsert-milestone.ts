import { DomainError } from '../errors.js';
import type { Milestone, MilestoneState } from '../model/milestone.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { requireMilestone } from './lookups.js';
import { insertMilestoneTitled, updateMilestoneAt } from './store-writes.js';
import { diffFields, runWrite } from './write-scope.js';

export interface UpsertMilestoneCommand {
  workspace: string;
  /** Update this milestone; without it, the milestone with `title` is updated or created. */
  id?: string;
  title: string;
  description?: string;
  dueOn?: string | null;
  state?: MilestoneState;
  expectedVersion?: number;
}

const FIELDS = ['title', 'description', 'dueOn', 'state'] as const;

export async function upsertMilestone(
  deps: CoreDeps,
  caller: Caller,
  cmd: UpsertMilestoneCommand,
): Promise<{ milestone: Milestone; created: boolean; changed: string[] }> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const before = cmd.id
      ? await requireMilestone(s.tx, s.workspace, cmd.id)
      : await s.tx.findMilestoneByTitle(s.workspace, cmd.title);
    if (!before && cmd.expectedVersion !== undefined) {
      throw new DomainError(
        'MILESTONE.NOT_FOUND',
        `No milestone titled "${cmd.title}" in ${s.workspace} to update at version ${cmd.expectedVersion}`,
        'It may have been renamed: list_milestones, then pass its id.',
      );
    }
    if (before && cmd.expectedVersion !== undefined && before.version !== cmd.expectedVersion) {
      throw new DomainError(
        'MILESTONE.VERSION_CONFLICT',
        `${before.id} is at version ${before.version}, not ${cmd.expectedVersion}`,
        'list_milestones again and retry with the current version.',
      );
    }
    const clash =
      before && before.title !== cmd.title
        ? await s.tx.findMilestoneByTitle(s.workspace, cmd.title)
        : undefined;
    if (clash) {
      throw new DomainError(
        'MILESTONE.TITLE_TAKEN',
        `${clash.id} already has the title "${cmd.title}"`,
        'Choose another title.',
      );
    }
    const id = before?.id ?? `M-${await s.tx.nextSeq(s.workspace, 'milestone')}`;
    const m: Milestone = {
      workspace: s.workspace,
      id,
      title: cmd.title,
      description: cmd.description ?? before?.description ?? '',
      dueOn: cmd.dueOn !== undefined ? cmd.dueOn : (before?.dueOn ?? null),
      state: cmd.state ?? before?.state ?? 'open',
      createdAt: before?.createdAt ?? s.now,
      updatedAt: s.now,
      version: (before?.version ?? 0) + 1,
    };
    const diff = diffFields(before ?? null, m, FIELDS);
    const changed = Object.keys(diff);
    if (before && changed.length === 0) return { milestone: before, created: false, changed };
    if (before) await updateMilestoneAt(s.tx, m, before.version);
    else await insertMilestoneTitled(s.tx, m);
    await s.audit({
      entityType: 'milestone',
      entityId: id,
      action: before ? 'milestone.updated' : 'milestone.created',
      diff,
    });
    await s.emit('milestone.upserted', { id, created: !before });
    return { milestone: m, created: !before, changed };
  });
}
