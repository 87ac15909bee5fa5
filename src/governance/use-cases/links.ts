import { DomainError } from '../errors.js';
import type { ItemLink } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import { findCycle } from '../rules/links.js';
import { requireItem } from './lookups.js';
import { insertNewLink } from './store-writes.js';
import { runWrite, type WriteScope } from './write-scope.js';

export const LINK_KINDS = ['blocks', 'depends_on'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface LinkCommand {
  workspace: string;
  /** `fromId blocks toId`, or `fromId depends_on toId`. */
  fromId: string;
  kind: LinkKind;
  toId: string;
  reason?: string;
}

export interface LinkResult {
  link: ItemLink;
  changed: boolean;
}

/** Both kinds are one edge, stored as blocker -> blocked. */
export function normalize(cmd: Pick<LinkCommand, 'fromId' | 'kind' | 'toId'>): {
  blockerId: string;
  blockedId: string;
} {
  return cmd.kind === 'blocks'
    ? { blockerId: cmd.fromId, blockedId: cmd.toId }
    : { blockerId: cmd.toId, blockedId: cmd.fromId };
}

const linkId = (l: { blockerId: string; blockedId: string }) => `${l.blockerId}>${l.blockedId}`;

export async function linkItems(deps: CoreDeps, caller: Caller, cmd: LinkCommand): Promise<LinkResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const { blockerId, blockedId } = normalize(cmd);
    if (blockerId === blockedId) {
      throw new DomainError('LINK.SELF', `${blockerId} cannot depend on itself`, 'Link two different items.');
    }
    await requireItem(s.tx, s.workspace, blockerId);
    await requireItem(s.tx, s.workspace, blockedId);
    const links = await s.tx.listLinks(s.workspace);
    const existing = links.find((l) => l.blockerId === blockerId && l.blockedId === blockedId);
    if (existing) return { link: existing, changed: false };
    const cycle = findCycle(links, blockerId, blockedId);
    if (cycle) {
      throw new DomainError(
        'LINK.CYCLE',
        `Linking would create a dependency cycle: ${cycle.join(' blocks ')}`,
        'Remove one of the existing links in the cycle first (unlink_items), or link the other way.',
        { cycle },
      );
    }
    const link = await addLink(s, blockerId, blockedId, cmd.reason ?? null);
    return { link, changed: true };
  });
}

/** Stores `blockerId blocks blockedId` inside an open write and audits it; the caller checked for cycles. */
export async function addLink(
  s: WriteScope,
  blockerId: string,
  blockedId: string,
  reason: string | null,
): Promise<ItemLink> {
  const link: ItemLink = { workspace: s.workspace, blockerId, blockedId, createdAt: s.now };
  await insertNewLink(s.tx, link);
  await s.audit({
    entityType: 'link',
    entityId: linkId(link),
    action: 'link.created',
    diff: { blocks: { old: null, new: { blocker: blockerId, blocked: blockedId } } },
    reason,
  });
  await s.emit('issue.linked', { blockerId, blockedId });
  await s.emit('hierarchy.updated', { ids: [blockerId, blockedId] });
  return link;
}

export async function unlinkItems(
  deps: CoreDeps,
  caller: Caller,
  cmd: LinkCommand,
): Promise<{ removed: true }> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const edge = normalize(cmd);
    if (!(await s.tx.deleteLink(s.workspace, edge.blockerId, edge.blockedId))) {
      throw new DomainError(
        'LINK.NOT_FOUND',
        `No link: ${edge.blockerId} blocks ${edge.blockedId}`,
        "get_item shows an item's blocks and dependsOn lists.",
      );
    }
    await s.audit({
      entityType: 'link',
      entityId: linkId(edge),
      action: 'link.deleted',
      diff: { blocks: { old: { blocker: edge.blockerId, blocked: edge.blockedId }, new: null } },
      reason: cmd.reason ?? null,
    });
    await s.emit('issue.unlinked', { ...edge });
    await s.emit('hierarchy.updated', { ids: [edge.blockerId, edge.blockedId] });
    return { removed: true };
  });
}
