/**
 * Applying a spec and keeping it: the plan is written into the hierarchy and the spec stored as a
 * new version (text, generation metadata, items, stage statuses) in the same transaction, with an
 * audit record and a `spec.applied` event. Re-applying what the latest version already holds
 * stores nothing; a dry run stores nothing either.
 */
import { createHash } from 'node:crypto';
import type { OnConflict } from '../decompose/merge.js';
import { scanLines } from '../decompose/scan.js';
import type { SpecPlan } from '../decompose/types.js';
import type { AuditDiff } from '../model/audit.js';
import {
  specStatus,
  stageStates,
  stageStatus,
  type SpecItemRef,
  type SpecStatus,
  type SpecVersion,
  type StageUpdate,
} from '../model/spec.js';
import { RELATED_MIN, specSimilarity, specUnrelated } from '../model/spec-identity.js';
import { resolveSpecId } from './spec-id.js';
import { LIMITS } from '../model/work-item.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreReader } from '../ports/store.js';
import { applyPlan, writePlan, type ApplyReport } from './apply-plan.js';
import type { OrphanPolicy } from './plan-orphans.js';
import type { GenerationMeta } from './model-json.js';
import { planFields, type MergeBase } from './plan-steps.js';
import { putSpecAt } from './store-writes.js';
import { runWrite, type WriteScope } from './write-scope.js';

/**
 * Items a spec wrote carry `spec:<specId>:<planId>` as their source ref: a spec only ever matches,
 * updates or re-pairs (after a title edit) items of its own, never those of another spec.
 */
export const specOrigin = (specId: string): string => `spec:${specId}`;

/** What the validation seam gets: the write (the plan is in it already) and what it wrote. */
export interface ValidationContext {
  report: ApplyReport;
  items: readonly SpecItemRef[];
}

export interface ApplySpecCommand {
  workspace: string;
  /**
   * Default: the first heading, slugified in any script, with a content hash when it is generic
   * (`PRD`, `Spec`, none). A default id whose stored text is unrelated is refused (SPEC.UNRELATED);
   * an explicit one replaces it on purpose.
   */
  specId?: string;
  /** Fields both edited in the hierarchy and changed by the spec: `keep` (default) or take the `spec`'s. */
  onConflict?: OnConflict;
  /** Items of this spec whose section is gone from the text: `keep` (default) or `cancel` them. */
  orphans?: OrphanPolicy;
  text: string;
  plan: SpecPlan;
  generation: GenerationMeta;
  dryRun: boolean;
  /**
   * The validation stage of a new version, run inside the write after the plan was written.
   * Report findings as state `failed`; throwing rolls the whole apply back. Absent: pending.
   */
  validate?: (s: WriteScope, ctx: ValidationContext) => Promise<StageUpdate>;
}

export interface SpecApplied {
  specId: string;
  /** The version stored (or, on a dry run, the one that would be). */
  version: number;
  /** True when the call stores (or on a dry run would store) a new version. */
  newVersion: boolean;
  /** Null on a dry run. */
  status: SpecStatus | null;
}

export interface ApplySpecResult {
  report: ApplyReport;
  spec: SpecApplied;
}

function firstHeading(text: string): string | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return scanLines(body)
    .lines.find((l) => l.kind === 'heading' && l.text.trim() !== '')
    ?.text.trim();
}

interface Draft {
  specId: string;
  title: string;
  textHash: string;
  bytes: number;
  lines: number;
  planIds: string[];
}

/** Bytes and lines come from the plan: both kinds of plan carry the decomposer's text stats. */
async function draftOf(r: StoreReader, workspace: string, cmd: ApplySpecCommand): Promise<Draft> {
  const heading = firstHeading(cmd.text);
  const specId = await resolveSpecId(r, workspace, cmd, heading);
  const title = heading ?? cmd.plan.items[0]?.title ?? specId;
  return {
    specId,
    title: title.slice(0, LIMITS.title),
    textHash: createHash('sha256').update(cmd.text, 'utf8').digest('hex'),
    bytes: cmd.plan.stats.bytes,
    lines: cmd.plan.stats.lines,
    planIds: cmd.plan.items.map((i) => i.id),
  };
}

/** Same text, same way of generating, same plan: nothing new to keep. */
function sameAsStored(prev: SpecVersion, d: Draft, g: GenerationMeta): boolean {
  return (
    prev.textHash === d.textHash &&
    prev.generation.method === g.method &&
    prev.generation.model === g.model &&
    prev.items.length === d.planIds.length &&
    prev.items.every((i, k) => i.planId === d.planIds[k])
  );
}

export async function applySpec(
  deps: CoreDeps,
  caller: Caller,
  cmd: ApplySpecCommand,
): Promise<ApplySpecResult> {
  const workspace = assertWorkspace(cmd.workspace);
  const onConflict = cmd.onConflict ?? 'keep';
  if (cmd.dryRun) {
    const draft = await draftOf(deps.store.reader, workspace, cmd);
    const prev = await deps.store.reader.getSpec(workspace, draft.specId);
    await assertRelated(deps.store.reader, workspace, prev, draft, cmd);
    const report = await applyPlan(deps, caller, {
      workspace,
      plan: cmd.plan,
      origin: specOrigin(draft.specId),
      dryRun: true,
      merge: mergeBase(prev, onConflict),
      ...(cmd.orphans && { orphans: cmd.orphans }),
    });
    const same = prev !== undefined && sameAsStored(prev, draft, cmd.generation);
    const version = same ? prev.version : (prev?.version ?? 0) + 1;
    return { report, spec: { specId: draft.specId, version, newVersion: !same, status: null } };
  }
  return runWrite(deps, caller, workspace, async (s) => {
    // Inside the write: the stored specs a default id is matched against cannot change meanwhile.
    const draft = await draftOf(s.tx, workspace, cmd);
    const prev = await s.tx.getSpec(workspace, draft.specId);
    await assertRelated(s.tx, workspace, prev, draft, cmd);
    const origin = specOrigin(draft.specId);
    const report = await writePlan(s, cmd.plan, origin, mergeBase(prev, onConflict), cmd.orphans);
    return { report, spec: await storeVersion(s, caller.actor.id, draft, cmd, report) };
  });
}

/** A default id names the stored spec only if the text is a version of it; an explicit one always does. */
async function assertRelated(
  r: StoreReader,
  workspace: string,
  prev: SpecVersion | undefined,
  d: Draft,
  cmd: ApplySpecCommand,
): Promise<void> {
  if (cmd.specId !== undefined || !prev || prev.textHash === d.textHash) return;
  const stored = await r.getSpecText(workspace, d.specId, prev.version);
  if (stored === undefined) return;
  const similarity = specSimilarity(stored, cmd.text);
  if (similarity < RELATED_MIN) throw specUnrelated(d.specId, prev.version, similarity);
}

/** The plan values the latest version wrote, by item id: the base of the three-way merge. */
function mergeBase(prev: SpecVersion | undefined, onConflict: OnConflict): MergeBase {
  const byItemId = new Map(prev?.items.flatMap((i) => (i.applied ? [[i.id, i.applied] as const] : [])));
  return { byItemId, onConflict };
}

async function storeVersion(
  s: WriteScope,
  actorId: string,
  d: Draft,
  cmd: ApplySpecCommand,
  report: ApplyReport,
): Promise<SpecApplied> {
  const prev = await s.tx.getSpec(s.workspace, d.specId);
  if (prev && sameAsStored(prev, d, cmd.generation)) {
    return { specId: d.specId, version: prev.version, newVersion: false, status: prev.status };
  }
  const items = await itemRefs(s, d.specId, cmd.plan);
  const g = cmd.generation;
  const { epics, features, tasks, warnings } = cmd.plan.stats;
  const by = g.method === 'heuristic' ? 'Decomposed heuristically' : `Planned by ${g.model ?? g.method}`;
  const status = specStatus(
    {
      analysis: {
        state: 'done',
        detail:
          `${by}: ${epics} epic(s), ${features} feature(s), ${tasks} task(s), ` +
          `${warnings} warning(s).${g.fallback ? ` The model's answer was not used: ${g.fallback}.` : ''}`,
        counts: {
          epics,
          features,
          tasks,
          links: cmd.plan.links.length,
          warnings,
        },
      },
      specification: {
        state: 'done',
        detail:
          `Written to the hierarchy: ${report.created.length} created, ${report.updated.length} updated, ` +
          `${report.unchanged} unchanged.`,
        counts: {
          created: report.created.length,
          updated: report.updated.length,
          unchanged: report.unchanged,
          linksAdded: report.links.added,
          linksSkipped: report.links.skipped.length,
        },
      },
      validation: { state: 'pending', detail: 'The hierarchy has not been validated yet.' },
      github_generation: {
        state: 'pending',
        detail: 'GitHub sync is not available yet: the items live in the governance store only.',
      },
    },
    s.now,
  );
  if (cmd.validate) status.validation = stageStatus(await cmd.validate(s, { report, items }), s.now);

  const stored = await putSpecAt(
    s.tx,
    {
      workspace: s.workspace,
      specId: d.specId,
      title: d.title,
      text: cmd.text,
      textHash: d.textHash,
      bytes: d.bytes,
      lines: d.lines,
      status,
      generation: g,
      items,
      createdAt: s.now,
      createdBy: actorId,
      updatedAt: s.now,
      updatedBy: actorId,
    },
    prev?.version ?? 0,
  );
  await s.audit({
    entityType: 'spec',
    entityId: d.specId,
    action: 'spec.applied',
    diff: versionDiff(prev, stored),
    reason: prev ? `the spec changed since version ${prev.version}` : 'first version of the spec',
  });
  await s.emit('spec.applied', {
    specId: d.specId,
    version: stored.version,
    previousVersion: prev?.version ?? null,
  });
  return { specId: d.specId, version: stored.version, newVersion: true, status };
}

/** The items the plan now has in the hierarchy (every one, after a successful write), in plan order. */
async function itemRefs(s: WriteScope, specId: string, plan: SpecPlan): Promise<SpecItemRef[]> {
  const refOf = (planId: string) => `${specOrigin(specId)}:${planId}`;
  const stored = await s.tx.findItemsBySourceRefs(
    s.workspace,
    plan.items.map((p) => refOf(p.id)),
  );
  const byRef = new Map(stored.map((i) => [i.sourceRef, i]));
  return plan.items.flatMap((p) => {
    const item = byRef.get(refOf(p.id));
    if (!item) return [];
    const { startLine, endLine } = p.source;
    const ref = { planId: p.id, id: item.id, type: item.type, title: item.title, startLine, endLine };
    return [{ ...ref, applied: planFields(p) }];
  });
}

/** Every field of the version against the previous one, so each record names method and model. */
function versionDiff(prev: SpecVersion | undefined, next: SpecVersion): AuditDiff {
  const g = next.generation;
  const pg = prev?.generation;
  const pair = (old: unknown, now: unknown) => ({ old: old ?? null, new: now });
  return {
    version: pair(prev?.version, next.version),
    title: pair(prev?.title, next.title),
    textHash: pair(prev?.textHash, next.textHash),
    bytes: pair(prev?.bytes, next.bytes),
    items: pair(prev?.items.length, next.items.length),
    method: pair(pg?.method, g.method),
    requested: pair(pg?.requested, g.requested),
    model: pair(pg?.model, g.model),
    latencyMs: pair(pg?.latencyMs, g.latencyMs),
    confidence: pair(pg?.confidence, g.confidence),
    attempts: pair(pg?.attempts, g.attempts),
    fallback: pair(pg?.fallback, g.fallback),
    status: pair(prev && stageStates(prev.status), stageStates(next.status)),
  };
}
