/**
 * A version conflict that says what moved the item on: the latest audit record of the item names
 * the actor and the action, and a roll-up (a child's status change moving its ancestors) is told
 * apart from a direct change by another actor.
 */
import { DomainError } from '../errors.js';
import type { AuditRecord } from '../model/audit.js';
import type { WorkItem } from '../model/work-item.js';
import type { AuditReads } from '../ports/store-audit.js';
import { ROLLUP_ACTION, ROLLUP_REASON } from './rollup.js';

export interface LastChange {
  action: string;
  actor: string;
  at: string;
  /** True when the change was a roll-up from a child (its cause in `reason`). */
  rollup: boolean;
  reason: string | null;
}

function lastChangeOf(r: AuditRecord): LastChange {
  return {
    action: r.action,
    actor: r.actor.id,
    at: r.at,
    rollup: r.action === ROLLUP_ACTION,
    reason: r.reason,
  };
}

function describe(id: string, c: LastChange | undefined): string {
  if (!c) return `${id} changed since you read it`;
  if (c.rollup) {
    const cause = c.reason?.startsWith(ROLLUP_REASON) ? c.reason.slice(ROLLUP_REASON.length) : c.reason;
    return `${id} was last changed by a roll-up from a child's change (${cause ?? 'unknown'}) made by ${c.actor} at ${c.at}`;
  }
  return `${id} was last changed by ${c.actor} (${c.action}) at ${c.at}`;
}

/** ITEM.VERSION_CONFLICT unless `expected` is absent or the item's version. */
export async function assertItemVersion(
  r: AuditReads,
  item: WorkItem,
  expected: number | undefined,
): Promise<void> {
  if (expected === undefined || item.version === expected) return;
  const [last] = await r.queryAudit(item.workspace, { entityType: 'item', entityId: item.id, limit: 1 });
  const lastChange = last && lastChangeOf(last);
  throw new DomainError(
    'ITEM.VERSION_CONFLICT',
    `${item.id} is at version ${item.version}, not ${expected}`,
    `${describe(item.id, lastChange)}: get_item again, re-apply your change, pass version ${item.version}.`,
    { id: item.id, currentVersion: item.version, ...(lastChange && { lastChange }) },
  );
}
