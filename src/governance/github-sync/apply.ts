/**
 * Carries out a sync plan through an opened tracker session, in the order GitHub needs: labels and
 * milestones first (issues name them), issues parents first (each create names its parent), then
 * reparents and blocked-by links once both ends exist. Every mapped issue is reported through
 * `onMapped` as soon as it exists, so a run that dies resumes without creating it again.
 *
 * A create whose outcome is unknown (GitHub answered 5xx, the request timed out, the response was
 * lost) is never sent again blindly: the newest issues are searched for its marker first.
 */
import { isDomainError } from '../errors.js';
import type { IssueRef, TrackerSession } from '../ports/issue-tracker.js';
import type { DesiredIssue, DesiredState } from './desired.js';
import { matchIssues, type SyncPlan } from './diff.js';
import type { ProjectPlan } from './project.js';

export interface ApplyCallbacks {
  /**
   * An item's issue exists: created, recovered (a create whose answer was lost, found by marker) or
   * adopted (found by marker without a mapping row, before any write). Persist the mapping row now.
   */
  onMapped?: (itemId: string, ref: IssueRef, how: 'created' | 'recovered' | 'adopted') => Promise<void>;
  /** After each write: operations done, of the plan's total. */
  progress?: (done: number, total: number, message: string) => Promise<void>;
  /** Checked before every write: an aborted run stops there, with what it wrote already reported. */
  signal?: AbortSignal;
}

export interface SyncApplied {
  created: { itemId: string; number: number }[];
  /** Creates whose response was lost, found by marker instead of being made twice. */
  recovered: { itemId: string; number: number }[];
  updated: { itemId: string; number: number; fields: string[] }[];
  /** Every item's issue after the run. */
  refs: Map<string, IssueRef>;
}

/** A failure after which GitHub may or may not have applied the write. */
export function outcomeUnknown(err: unknown): boolean {
  return isDomainError(err) ? err.code === 'GITHUB.UNAVAILABLE' : true;
}

export async function applySyncPlan(
  session: TrackerSession,
  desired: DesiredState,
  plan: SyncPlan,
  mapping: ReadonlyMap<string, number>,
  cb: ApplyCallbacks = {},
): Promise<SyncApplied> {
  const total = plan.budget.contentCreating;
  let done = 0;
  const step = async (message: string) => {
    done++;
    await cb.progress?.(done, total, message);
    cb.signal?.throwIfAborted();
  };
  const refs = new Map<string, IssueRef>();
  for (const [itemId, c] of matchIssues(desired, session.state, mapping).matched) {
    refs.set(itemId, { number: c.number, id: c.id, nodeId: c.nodeId });
  }
  const out: SyncApplied = { created: [], recovered: [], updated: [], refs };
  cb.signal?.throwIfAborted();
  for (const a of plan.issues.adopt) await cb.onMapped?.(a.itemId, refs.get(a.itemId)!, 'adopted');

  for (const l of plan.labels.create) await session.saveLabel(l, true).then(() => step(`label ${l.name}`));
  for (const l of plan.labels.update) await session.saveLabel(l, false).then(() => step(`label ${l.name}`));
  for (const m of plan.milestones.create) {
    await session.saveMilestone(m, null);
    await step(`milestone ${m.title}`);
  }
  for (const u of plan.milestones.update) {
    await session.saveMilestone(u.milestone, u.number);
    await step(`milestone ${u.milestone.title}`);
  }

  const titleOf = new Map(desired.milestones.map((m) => [m.id, m.title]));
  const milestoneOf = (d: DesiredIssue) =>
    d.milestoneId === null ? null : (titleOf.get(d.milestoneId) ?? null);
  for (const d of plan.issues.create) {
    const parent = d.parentId === null ? null : (refs.get(d.parentId) ?? null);
    const { ref, recovered } = await createOnce(session, desired.workspace, d, parent, milestoneOf(d));
    refs.set(d.itemId, ref);
    await cb.onMapped?.(d.itemId, ref, recovered ? 'recovered' : 'created');
    (recovered ? out.recovered : out.created).push({ itemId: d.itemId, number: ref.number });
    if (d.state === 'closed')
      await session.close(ref, d.stateReason === 'not_planned' ? 'not_planned' : 'completed');
    await step(`issue #${ref.number} for ${d.itemId}`);
  }
  for (const u of plan.issues.update) {
    await session.updateIssue(refs.get(u.itemId)!, u.desired, u.fields, milestoneOf(u.desired));
    out.updated.push({ itemId: u.itemId, number: u.number, fields: [...u.fields] });
    await step(`issue #${u.number}: ${u.fields.join(', ')}`);
  }

  const byNumber = new Map(session.state.issues.map((i) => [i.number, i]));
  const refOfNumber = (n: number | null): IssueRef | null => {
    const c = n === null ? undefined : byNumber.get(n);
    return c ? { number: c.number, id: c.id, nodeId: c.nodeId } : null;
  };
  for (const p of plan.parents) {
    const child = refs.get(p.itemId)!;
    const parent = p.parentItemId === null ? null : (refs.get(p.parentItemId) ?? null);
    await session.setParent(child, parent, refOfNumber(byNumber.get(p.number)?.parentNumber ?? null));
    await step(`parent of #${p.number}`);
  }
  for (const a of plan.dependencies.add) {
    await session.addBlockedBy(refs.get(a.itemId)!, refs.get(a.blockerItemId)!);
    await step(`${a.blockerItemId} blocks ${a.itemId}`);
  }
  for (const r of plan.dependencies.remove) {
    await session.removeBlockedBy(refOfNumber(r.number)!, refOfNumber(r.blockerNumber)!);
    await step(`#${r.blockerNumber} no longer blocks #${r.number}`);
  }
  if (plan.project) await applyProject(session, plan.project, refs, step);
  return out;
}

/** Puts the issues on the Project, then sets the field values, each item's right after it is added. */
async function applyProject(
  session: TrackerSession,
  p: ProjectPlan,
  refs: ReadonlyMap<string, IssueRef>,
  step: (message: string) => Promise<void>,
): Promise<void> {
  const repo = `${session.owner}/${session.repo}`.toLowerCase();
  const itemOf = new Map(
    (session.state.project?.items ?? [])
      .filter((i) => i.repository.toLowerCase() === repo)
      .map((i) => [i.number, i.id]),
  );
  const changes = new Map<string, ProjectPlan['set']>();
  for (const c of p.set) changes.set(c.itemId, [...(changes.get(c.itemId) ?? []), c]);
  const setAll = async (itemId: string, projectItem: string, ref: IssueRef) => {
    for (const c of changes.get(itemId) ?? []) {
      await session.setProjectField(p.projectId, projectItem, c.fieldId, c.value);
      await step(`Project ${c.field} of #${ref.number}`);
    }
  };
  const added = new Set(p.add);
  for (const itemId of p.add) {
    const ref = refs.get(itemId)!;
    const projectItem = await session.addProjectItem(p.projectId, ref);
    await step(`#${ref.number} on the Project`);
    await setAll(itemId, projectItem, ref);
  }
  for (const itemId of changes.keys()) {
    if (added.has(itemId)) continue;
    const ref = refs.get(itemId)!;
    await setAll(itemId, itemOf.get(ref.number)!, ref);
  }
}

/** Creates the issue; after a failure with an unknown outcome, adopts the one its marker finds, else sends it once more. */
async function createOnce(
  session: TrackerSession,
  workspace: string,
  d: DesiredIssue,
  parent: IssueRef | null,
  milestone: string | null,
): Promise<{ ref: IssueRef; recovered: boolean }> {
  try {
    return { ref: await session.createIssue(d, parent, milestone), recovered: false };
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    const found = await session.findCreated(workspace, d.itemId);
    if (found) return { ref: found, recovered: true };
    return { ref: await session.createIssue(d, parent, milestone), recovered: false };
  }
}
