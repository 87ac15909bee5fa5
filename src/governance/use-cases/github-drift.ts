/**
 * Changes made on GitHub outside this server, applied to the local model inside an open write
 * (a webhook delivery's or a reconcile's): through the same transitions, moves and links the item
 * tools use, so rules and roll-ups apply. A fact equal to the local state is no change (this
 * server's own writes echoing back). Neither is a fact equal to what this server last wrote to
 * GitHub while the field has changed here since (the echo of that write arriving late, or GitHub
 * not yet told of the newer value): the newer local value is the next sync's to push. Every other
 * difference is audited as `github.drift` and raises `compliance.drift`.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError } from '../errors.js';
import { descriptionOf, issueBody } from '../github-sync/marker.js';
import type { AuditEntity, AuditRecord } from '../model/audit.js';
import { isOpen, STATUSES, type Priority, type Status, type WorkItem } from '../model/work-item.js';
import { assertParent, childPath } from '../rules/hierarchy.js';
import { findCycle } from '../rules/links.js';
import { NEEDS_REASON, TRANSITIONS } from '../rules/status.js';
import { hierarchyPolicy } from './config-effective.js';
import { AUDITED_ITEM_FIELDS } from './create-item.js';
import { checkDependencies } from './dependency-rule.js';
import { addLink } from './links.js';
import { requireItem } from './lookups.js';
import { rollUp } from './rollup.js';
import { transitionItem } from './set-item-status.js';
import { updateItemAt } from './store-writes.js';
import { diffFields, type WriteScope } from './write-scope.js';

/** Where a drift was seen, for its audit record and event. */
export interface DriftContext {
  source: 'webhook' | 'reconcile';
  deliveryId: string | null;
  /** The GitHub login (webhook) or the caller's actor id (reconcile). */
  actor: string;
  /** What GitHub reported, e.g. `issues.closed`, for the audit reason. */
  what: string;
}

export interface DriftChange {
  entityType: 'item' | 'link' | 'milestone';
  entityId: string;
  field: string;
  old: unknown;
  new: unknown;
}

/** What GitHub holds for one mapped issue; absent fields are not reported by the event. */
export interface IssueFacts {
  state?: { state: 'open' | 'closed'; reason: string | null };
  title?: string;
  description?: string;
  /** Every label name on the issue. */
  labels?: readonly string[];
  milestoneTitle?: string | null;
  assignees?: readonly string[];
}

export type LabelsConfig = Pick<GovernanceConfig, 'labels'>;

const reasonOf = (ctx: DriftContext): string =>
  `${ctx.what} on GitHub (${ctx.source}${ctx.deliveryId ? ` delivery ${ctx.deliveryId}` : ''})`;

/** Where an entity's fields stand against what this server last wrote to GitHub. */
export interface WrittenValues {
  /** The field's value at the last sync, when it has changed here since (undefined: unchanged). */
  changed(field: string): { value: unknown } | undefined;
  /** Whether `value` is what the last sync wrote for `field` while the field has changed here since. */
  isEcho(field: string, value: unknown): boolean;
}

const PAGE = 100;

/** A description as an issue body holds it (trailing white space is not kept). */
const heldDescription = (description: string, ref: { workspace: string; itemId: string }): string =>
  descriptionOf(issueBody(description, ref));

/** Compared as GitHub holds them: a link by presence, label lists without order or case. */
function canonical(field: string, v: unknown): string {
  if (field === 'blocks') return String(v !== null && v !== undefined && v !== false);
  if (field === 'description' && typeof v === 'string') return JSON.stringify(v.replace(/\s+$/, ''));
  if (Array.isArray(v)) return JSON.stringify(v.map((x) => String(x).toLowerCase()).sort());
  return JSON.stringify(v ?? null);
}

/**
 * What the latest sync left on GitHub for one entity's fields, read back from the audit trail.
 * The sync point is the newest `github.synced` record (for an item, its own issue's create or
 * link when newer); a field no record changed after it still holds that value here, so only the
 * fields changed since are returned. A drift applied since moves GitHub's value with it.
 */
export async function writtenValues(
  s: WriteScope,
  entityType: DriftChange['entityType'],
  entityId: string,
): Promise<WrittenValues> {
  const [synced] = await s.tx.queryAudit(s.workspace, { action: 'github.synced', limit: 1 });
  const [issue] =
    entityType === 'item'
      ? await s.tx.queryAudit(s.workspace, { entityType: 'github', entityId, limit: 1 })
      : [];
  const since = Math.max(synced?.seq ?? 0, issue?.seq ?? 0);
  const written = new Map<string, unknown>();
  if (since > 0) {
    const later: AuditRecord[] = [];
    for (let before: number | undefined; ;) {
      const page = await s.tx.queryAudit(s.workspace, {
        entityType,
        entityId,
        limit: PAGE,
        ...(before !== undefined && { beforeSeq: before }),
      });
      const newer = page.filter((r) => r.seq > since);
      later.push(...newer);
      if (page.length < PAGE || newer.length < page.length) break;
      before = page.at(-1)!.seq;
    }
    for (const r of later.sort((a, b) => a.seq - b.seq)) {
      for (const [field, d] of Object.entries(r.diff)) {
        if (r.action === 'github.drift') written.set(field, d.new);
        else if (!written.has(field)) written.set(field, d.old);
      }
    }
  }
  return {
    changed: (field) => (written.has(field) ? { value: written.get(field) } : undefined),
    isEcho: (field, value) =>
      written.has(field) && canonical(field, written.get(field)) === canonical(field, value),
  };
}

/** An issue's state as GitHub shows a status, or as an event reports it. */
const issueStateOf = (status: unknown): string =>
  status === 'done' ? 'closed:completed' : status === 'cancelled' ? 'closed:not_planned' : 'open';
const reportedState = (st: NonNullable<IssueFacts['state']>): string =>
  st.state === 'open' ? 'open' : st.reason === 'not_planned' ? 'closed:not_planned' : 'closed:completed';

/** The drift's own audit record and event: who changed what on GitHub, and what it was here. */
export async function recordDrift(
  s: WriteScope,
  ctx: DriftContext,
  change: DriftChange,
  note?: string,
): Promise<void> {
  await s.audit({
    entityType: change.entityType satisfies AuditEntity,
    entityId: change.entityId,
    action: 'github.drift',
    diff: { [change.field]: { old: change.old, new: change.new } },
    reason: note ? `${reasonOf(ctx)}: ${note}` : reasonOf(ctx),
  });
  await s.emit('compliance.drift', {
    entityType: change.entityType,
    entityId: change.entityId,
    field: change.field,
    source: ctx.source,
    deliveryId: ctx.deliveryId,
    actor: ctx.actor,
  });
}

/** Applies the facts that differ from `item`; returns the changes made (recorded as drift). */
export async function applyIssueFacts(
  s: WriteScope,
  ctx: DriftContext,
  itemId: string,
  facts: IssueFacts,
  config: LabelsConfig,
): Promise<DriftChange[]> {
  const changes: DriftChange[] = [];
  let item = await requireItem(s.tx, s.workspace, itemId);
  const written = await writtenValues(s, 'item', itemId);
  const patch: Partial<WorkItem> = {};
  if (facts.title !== undefined && facts.title !== item.title) patch.title = facts.title;
  if (
    facts.description !== undefined &&
    facts.description !== heldDescription(item.description, { workspace: s.workspace, itemId })
  )
    patch.description = facts.description;
  if (facts.labels) Object.assign(patch, labelPatch(item, facts.labels, config));
  if (facts.milestoneTitle !== undefined) {
    const m =
      facts.milestoneTitle === null
        ? null
        : await s.tx.findMilestoneByTitle(s.workspace, facts.milestoneTitle);
    // A milestone this workspace does not have is not ours to create from a webhook: left alone.
    if (m !== undefined && (m?.id ?? null) !== item.milestoneId) patch.milestoneId = m?.id ?? null;
  }
  // Our own earlier write, overtaken by a change here: kept for the next sync to push.
  for (const [field, value] of Object.entries(patch))
    if (written.isEcho(field, value)) delete patch[field as keyof WorkItem];
  const next = { ...item, ...patch };
  const diff = diffFields(item, next, AUDITED_ITEM_FIELDS);
  if (Object.keys(diff).length > 0) {
    const stored = { ...next, updatedAt: s.now, version: item.version + 1 };
    await updateItemAt(s.tx, stored, item.version);
    await s.audit({
      entityType: 'item',
      entityId: item.id,
      action: 'item.updated',
      diff,
      reason: reasonOf(ctx),
    });
    await s.emit('issue.updated', { id: item.id, changed: Object.keys(diff) });
    await s.emit('hierarchy.updated', { ids: [item.id] });
    for (const [field, d] of Object.entries(diff))
      changes.push({ entityType: 'item', entityId: item.id, field, old: d.old, new: d.new });
    item = stored;
  }
  const wasStatus = written.changed('status');
  const stateEcho =
    facts.state !== undefined &&
    wasStatus !== undefined &&
    issueStateOf(wasStatus.value) === reportedState(facts.state);
  if (facts.state && !stateEcho) {
    const target = await statusFor(s, item, facts.state);
    if (target !== item.status) {
      const from = item.status;
      await moveStatus(s, ctx, item, target);
      changes.push({ entityType: 'item', entityId: item.id, field: 'status', old: from, new: target });
    }
  }
  // Assignees have no local counterpart: the change is only recorded.
  if (facts.assignees)
    changes.push({
      entityType: 'item',
      entityId: item.id,
      field: 'assignees',
      old: null,
      new: [...facts.assignees],
    });
  for (const c of changes) await recordDrift(s, ctx, c);
  return changes;
}

/** Labels, priority and agent as the GitHub label names say; the type label carries nothing. */
function labelPatch(item: WorkItem, names: readonly string[], config: LabelsConfig): Partial<WorkItem> {
  const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
  const has = (name: string) => lower.has(name.toLowerCase());
  const { type, priority, agent } = config.labels;
  const policy = new Set(
    [...Object.values(type), ...Object.values(priority), ...Object.values(agent)].map((l) =>
      l.name.toLowerCase(),
    ),
  );
  const plain = [...lower].filter(([k]) => !policy.has(k)).map(([, n]) => n);
  const out: Partial<WorkItem> = {};
  const known = new Set(item.labels.map((l) => l.toLowerCase()));
  if (plain.length !== known.size || plain.some((n) => !known.has(n.toLowerCase())))
    out.labels = plain.sort();
  const priorities = (Object.entries(priority) as [Priority, { name: string }][]).filter(([, l]) =>
    has(l.name),
  );
  if (priorities.length === 1 && priorities[0]![0] !== item.priority) out.priority = priorities[0]![0];
  const agents = Object.entries(agent).filter(([, l]) => has(l.name));
  const mine = item.agent ? agent[item.agent] : undefined;
  if (agents.length === 1 && agents[0]![0] !== item.agent) out.agent = agents[0]![0];
  else if (agents.length === 0 && mine) out.agent = null;
  return out;
}

/** Closed: done, or cancelled when not planned. Reopened: the open status it had before, else planning. */
async function statusFor(
  s: WriteScope,
  item: WorkItem,
  st: NonNullable<IssueFacts['state']>,
): Promise<Status> {
  if (st.state === 'closed') return st.reason === 'not_planned' ? 'cancelled' : 'done';
  if (isOpen(item.status)) return item.status;
  const [last] = await s.tx.queryAudit(s.workspace, {
    entityType: 'item',
    entityId: item.id,
    action: 'item.status_changed',
    limit: 1,
  });
  const before = last?.diff.status?.old;
  const prev = STATUSES.find((x) => x === before);
  return prev && isOpen(prev) && !NEEDS_REASON.includes(prev) ? prev : 'planning';
}

/** The shortest legal way from one status to another through open statuses that need no reason. */
export function statusPath(from: Status, to: Status): Status[] | null {
  const seen = new Map<Status, Status[]>([[from, []]]);
  const queue: Status[] = [from];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    for (const n of TRANSITIONS[at]) {
      if (seen.has(n)) continue;
      const path = [...seen.get(at)!, n];
      if (n === to) return path;
      seen.set(n, path);
      if (isOpen(n) && !NEEDS_REASON.includes(n)) queue.push(n);
    }
  }
  return null;
}

async function moveStatus(s: WriteScope, ctx: DriftContext, item: WorkItem, to: Status): Promise<void> {
  const path = statusPath(item.status, to);
  if (!path) {
    throw new DomainError(
      'STATUS.INVALID_TRANSITION',
      `${item.id} cannot go from ${item.status} to ${to}`,
      'Change the item with set_item_status, then sync.',
    );
  }
  const reason = `${ctx.what} by @${ctx.actor} on GitHub`;
  if (to === 'done') await checkDependencies(s, item);
  let at = item;
  for (const step of path) at = (await transitionItem(s, at, step, reason)).item;
}

/** Reparents the item under `parentId` (null: the root), as move_item does; false when it is there. */
export async function applyParent(
  s: WriteScope,
  ctx: DriftContext,
  itemId: string,
  parentId: string | null,
): Promise<DriftChange[]> {
  const item = await requireItem(s.tx, s.workspace, itemId);
  if (item.parentId === parentId) return [];
  if ((await writtenValues(s, 'item', itemId)).isEcho('parentId', parentId)) return [];
  const parent = parentId ? await requireItem(s.tx, s.workspace, parentId) : undefined;
  assertParent(item.type, parent, await hierarchyPolicy(s.tx, s.workspace, s.deps), {
    childOpen: isOpen(item.status),
  });
  // The same steps as moveItem (move-item.ts), inside this write.
  const path = childPath(parent, item.seq);
  const depth = parent ? parent.depth + 1 : 0;
  const next: WorkItem = { ...item, parentId, path, depth, updatedAt: s.now, version: item.version + 1 };
  await updateItemAt(s.tx, next, item.version);
  for (const d of await s.tx.listDescendants(s.workspace, item.path)) {
    await updateItemAt(
      s.tx,
      { ...d, path: path + d.path.slice(item.path.length), depth: d.depth - item.depth + depth },
      d.version,
    );
  }
  await s.audit({
    entityType: 'item',
    entityId: item.id,
    action: 'item.moved',
    diff: { parentId: { old: item.parentId, new: parentId } },
    reason: reasonOf(ctx),
  });
  await s.emit('issue.moved', { id: item.id, from: item.parentId, to: parentId });
  await rollUp(s, [item.parentId, parentId], `${item.id} moved`);
  await s.emit('hierarchy.updated', { ids: [item.id] });
  const change: DriftChange = {
    entityType: 'item',
    entityId: item.id,
    field: 'parentId',
    old: item.parentId,
    new: parentId,
  };
  await recordDrift(s, ctx, change);
  return [change];
}

/** Adds or removes `blockerId blocks blockedId`, as link_items and unlink_items do. */
export async function applyBlockedBy(
  s: WriteScope,
  ctx: DriftContext,
  edge: { blockerId: string; blockedId: string },
  present: boolean,
): Promise<DriftChange[]> {
  const { blockerId, blockedId } = edge;
  const links = await s.tx.listLinks(s.workspace);
  const exists = links.some((l) => l.blockerId === blockerId && l.blockedId === blockedId);
  if (exists === present) return [];
  const id = `${blockerId}>${blockedId}`;
  if ((await writtenValues(s, 'link', id)).isEcho('blocks', present)) return [];
  if (present) {
    const cycle = findCycle(links, blockerId, blockedId);
    if (cycle) {
      throw new DomainError(
        'LINK.CYCLE',
        `Linking would create a dependency cycle: ${cycle.join(' blocks ')}`,
        'Remove one of the links in the cycle on GitHub or here (unlink_items).',
        { cycle },
      );
    }
    await addLink(s, blockerId, blockedId, reasonOf(ctx));
  } else {
    await s.tx.deleteLink(s.workspace, blockerId, blockedId);
    await s.audit({
      entityType: 'link',
      entityId: id,
      action: 'link.deleted',
      diff: { blocks: { old: { blocker: blockerId, blocked: blockedId }, new: null } },
      reason: reasonOf(ctx),
    });
    await s.emit('issue.unlinked', { blockerId, blockedId });
    await s.emit('hierarchy.updated', { ids: [blockerId, blockedId] });
  }
  const change: DriftChange = {
    entityType: 'link',
    entityId: id,
    field: 'blocks',
    old: !present,
    new: present,
  };
  await recordDrift(s, ctx, change);
  return [change];
}
