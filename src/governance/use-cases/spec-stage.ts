/**
 * The seam for stages that run apart from apply_spec (validation re-runs, GitHub generation): moves
 * one stage of a stored spec version, audited and announced like any other change.
 */
import { DomainError } from '../errors.js';
import {
  assertSpecId,
  specNotFound,
  stageStatus,
  type SpecStage,
  type SpecVersion,
  type StageUpdate,
} from '../model/spec.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { runWrite, type WriteScope } from './write-scope.js';

export interface SpecStageCommand {
  workspace: string;
  specId: string;
  /** Default: the latest version. */
  version?: number;
  stage: SpecStage;
  update: StageUpdate;
  reason?: string;
}

/**
 * Moves one stage of a stored version (validation, GitHub generation...) inside an open write,
 * audited as `spec.stage_updated`. Reporting the same state, detail and counts again is a no-op.
 */
export async function setSpecStage(
  s: WriteScope,
  caller: Caller,
  cmd: SpecStageCommand,
): Promise<SpecVersion> {
  const spec = await s.tx.getSpec(s.workspace, assertSpecId(cmd.specId), cmd.version);
  if (!spec) throw specNotFound(cmd.specId, cmd.version);
  const before = spec.status[cmd.stage];
  const after = stageStatus(cmd.update, s.now, before);
  const same = (['state', 'detail', 'counts'] as const).every(
    (k) => JSON.stringify(before[k]) === JSON.stringify(after[k]),
  );
  if (same) return spec;
  const status = { ...spec.status, [cmd.stage]: after };
  const change = { updatedAt: s.now, updatedBy: caller.actor.id };
  if (!(await s.tx.updateSpecStatus(s.workspace, spec.specId, spec.version, status, change))) {
    throw new DomainError(
      'SPEC.NOT_FOUND',
      `Spec ${spec.specId} has no version ${spec.version}`,
      'Read the spec resource (governance://owner/repo/specs/<specId>) for its latest version.',
      { specId: spec.specId, version: spec.version },
    );
  }
  await s.audit({
    entityType: 'spec',
    entityId: spec.specId,
    action: 'spec.stage_updated',
    diff: { version: { old: spec.version, new: spec.version }, [cmd.stage]: { old: before, new: after } },
    reason: cmd.reason ?? null,
  });
  await s.emit('spec.status_changed', {
    specId: spec.specId,
    version: spec.version,
    stage: cmd.stage,
    state: after.state,
  });
  return { ...spec, status, updatedAt: s.now, updatedBy: caller.actor.id };
}

/** setSpecStage in a write of its own, for stages that run after apply_spec returned. */
export function updateSpecStage(deps: CoreDeps, caller: Caller, cmd: SpecStageCommand): Promise<SpecVersion> {
  return runWrite(deps, caller, cmd.workspace, (s) => setSpecStage(s, caller, cmd));
}
