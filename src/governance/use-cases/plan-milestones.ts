/**
 * Epic milestones a plan names: with `milestones.autoCreate` on, applying the plan creates each
 * named milestone that does not exist yet (due `milestones.defaultDurationDays` from now) and
 * attaches it to its epic when the epic has none. Off, nothing happens (validation reports the
 * missing milestone). Every write is audited in the apply's transaction.
 */
import type { SpecPlan } from '../decompose/types.js';
import type { GovernanceConfig } from '../config/schema.js';
import { isDomainError } from '../errors.js';
import type { Milestone } from '../model/milestone.js';
import { LIMITS, type WorkItem } from '../model/work-item.js';
import type { ConfigDocReads } from '../ports/store-config-docs.js';
import type { ItemReads } from '../ports/store-items.js';
import type { StoreReader } from '../ports/store.js';
import type { DocumentDeps } from './config-documents.js';
import { documentReader } from './config-documents.js';
import { mergeDocs, readConfigDocs } from './config-effective.js';
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { insertMilestoneTitled, updateItemAt } from './store-writes.js';
import type { WriteScope } from './write-scope.js';

export interface PlanMilestones {
  /** Milestones created (on a dry run: to create, with a null id). */
  created: { id: string | null; title: string }[];
  /**
   * Epics given a milestone (on a dry run: would be, an epic still to create named by its plan id;
   * the milestone id is null when still to create).
   */
  attached: { itemId: string; milestoneId: string | null; title: string }[];
}

/** The configured milestone policy, read through `r` (the write's transaction inside a write). */
async function milestonePolicy(
  r: ConfigDocReads,
  workspace: string,
  deps: DocumentDeps,
): Promise<GovernanceConfig['milestones']> {
  const docs = await readConfigDocs(documentReader(deps, r), workspace);
  if (!docs.org && !docs.repo) return DEFAULT_CONFIG.milestones;
  try {
    return mergeDocs(docs).config.milestones;
  } catch (err) {
    if (!isDomainError(err) || err.code !== 'CONFIG.INVALID') throw err;
    return DEFAULT_CONFIG.milestones;
  }
}

interface Want {
  planId: string;
  title: string;
  epic: WorkItem | undefined;
}

/** Named milestones of the plan's epics, with the stored epic when there is one. */
async function wanted(r: ItemReads, workspace: string, plan: SpecPlan, origin: string): Promise<Want[]> {
  const epics = plan.items.filter((p) => p.type === 'epic' && p.milestone?.trim());
  const stored = await r.findItemsBySourceRefs(
    workspace,
    epics.map((p) => `${origin}:${p.id}`),
  );
  const byRef = new Map(stored.map((i) => [i.sourceRef, i]));
  return epics.map((p) => ({
    planId: p.id,
    title: p.milestone!.trim().slice(0, LIMITS.title),
    epic: byRef.get(`${origin}:${p.id}`),
  }));
}

/** What applying would do, from reads only. */
export async function previewMilestones(
  deps: DocumentDeps,
  r: StoreReader,
  workspace: string,
  plan: SpecPlan,
  origin: string,
): Promise<PlanMilestones> {
  const out: PlanMilestones = { created: [], attached: [] };
  if (!(await milestonePolicy(r, workspace, deps)).autoCreate) return out;
  const seen = new Map<string, Milestone | undefined>();
  for (const w of await wanted(r, workspace, plan, origin)) {
    if (!seen.has(w.title)) {
      const m = await r.findMilestoneByTitle(workspace, w.title);
      seen.set(w.title, m);
      if (!m) out.created.push({ id: null, title: w.title });
    }
    if (!w.epic || w.epic.milestoneId === null) {
      out.attached.push({
        itemId: w.epic?.id ?? w.planId,
        milestoneId: seen.get(w.title)?.id ?? null,
        title: w.title,
      });
    }
  }
  return out;
}

/** Inside the write, after the plan's items exist. */
export async function applyMilestones(
  s: WriteScope,
  plan: SpecPlan,
  origin: string,
): Promise<PlanMilestones> {
  const out: PlanMilestones = { created: [], attached: [] };
  const policy = await milestonePolicy(s.tx, s.workspace, s.deps);
  if (!policy.autoCreate) return out;
  for (const w of await wanted(s.tx, s.workspace, plan, origin)) {
    if (!w.epic) continue;
    let m = await s.tx.findMilestoneByTitle(s.workspace, w.title);
    if (!m) {
      m = await createMilestone(s, w.title, policy.defaultDurationDays, w.epic.id, origin);
      out.created.push({ id: m.id, title: m.title });
    }
    // Re-read: roll-ups earlier in the apply may have moved the epic on.
    const epic = (await s.tx.getItem(s.workspace, w.epic.id))!;
    if (epic.milestoneId !== null) continue;
    const next: WorkItem = { ...epic, milestoneId: m.id, updatedAt: s.now, version: epic.version + 1 };
    await updateItemAt(s.tx, next, epic.version);
    await s.audit({
      entityType: 'item',
      entityId: epic.id,
      action: 'item.updated',
      diff: { milestoneId: { old: null, new: m.id } },
      reason: `milestone named by the ${origin} plan (milestones.autoCreate)`,
    });
    await s.emit('issue.updated', { id: epic.id, changed: ['milestoneId'] });
    out.attached.push({ itemId: epic.id, milestoneId: m.id, title: m.title });
  }
  return out;
}

async function createMilestone(
  s: WriteScope,
  title: string,
  days: number,
  epicId: string,
  origin: string,
): Promise<Milestone> {
  const due = new Date(Date.parse(s.now) + days * 86_400_000).toISOString().slice(0, 10);
  const m: Milestone = {
    workspace: s.workspace,
    id: `M-${await s.tx.nextSeq(s.workspace, 'milestone')}`,
    title,
    description: '',
    dueOn: due,
    state: 'open',
    createdAt: s.now,
    updatedAt: s.now,
    version: 1,
  };
  await insertMilestoneTitled(s.tx, m);
  await s.audit({
    entityType: 'milestone',
    entityId: m.id,
    action: 'milestone.created',
    diff: {
      title: { old: null, new: m.title },
      description: { old: null, new: m.description },
      dueOn: { old: null, new: m.dueOn },
      state: { old: null, new: m.state },
    },
    reason: `named by epic ${epicId} of the ${origin} plan (milestones.autoCreate)`,
  });
  await s.emit('milestone.upserted', { id: m.id, created: true });
  return m;
}
