import { chainRecord } from '../audit/chain.js';
import type { AuditDiff, AuditEntity, AuditRecord } from '../model/audit.js';
import type { DomainEvent, DomainEventType } from '../model/events.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreTx } from '../ports/store.js';

export interface AuditEntry {
  entityType: AuditEntity;
  entityId: string;
  action: string;
  diff: AuditDiff;
  reason?: string | null;
}

/** What a use-case gets inside a write: the transaction, one timestamp, and audit/event helpers. */
export interface WriteScope {
  /** The deps the write was opened with (an external document store, for one). */
  deps: CoreDeps;
  tx: StoreTx;
  workspace: string;
  now: string;
  audit(entry: AuditEntry): Promise<AuditRecord>;
  emit(type: DomainEventType, payload: Record<string, unknown>): Promise<void>;
}

/**
 * Runs a change in one transaction: the change, its audit records and its outbox events
 * commit together or not at all. Events are dispatched to the bus after commit.
 */
export async function runWrite<T>(
  deps: CoreDeps,
  caller: Caller,
  workspace: string,
  fn: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  assertWorkspace(workspace);
  const events: DomainEvent[] = [];
  const result = await deps.store.write(workspace, async (tx) => {
    const now = deps.clock.now();
    let head = await tx.auditHead(workspace);
    const scope: WriteScope = {
      deps,
      tx,
      workspace,
      now,
      audit: async (entry) => {
        const record = chainRecord(
          {
            workspace,
            at: now,
            entityType: entry.entityType,
            entityId: entry.entityId,
            action: entry.action,
            diff: entry.diff,
            actor: caller.actor,
            client: caller.client,
            tool: caller.tool,
            reason: entry.reason ?? null,
            correlationId: caller.correlationId,
          },
          head,
        );
        await tx.appendAudit(record);
        head = { seq: record.seq, hash: record.hash };
        return record;
      },
      emit: async (type, payload) => {
        const event: DomainEvent = { workspace, type, payload, at: now };
        event.id = await tx.addEvent(event);
        events.push(event);
      },
    };
    return fn(scope);
  });
  await publish(deps, events);
  return result;
}

/** Publishes committed events, then marks them dispatched; a failure leaves them pending. */
async function publish(deps: CoreDeps, events: readonly DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (const e of events) await deps.bus.publish(e);
  await deps.store.markDispatched(events.map((e) => e.id!));
}

/** Publishes every event still pending in the outbox (left by a crash or a failed publish). */
export async function dispatchEvents(deps: CoreDeps): Promise<number> {
  const events = await deps.store.pendingEvents();
  await publish(deps, events);
  return events.length;
}

/** Field diff between two versions of an entity, over the given fields. */
export function diffFields<T extends object>(
  before: T | null,
  after: T,
  fields: readonly (keyof T)[],
): AuditDiff {
  const diff: AuditDiff = {};
  for (const f of fields) {
    const o = before ? before[f] : null;
    const n = after[f];
    if (JSON.stringify(o) !== JSON.stringify(n)) diff[f as string] = { old: o ?? null, new: n ?? null };
  }
  return diff;
}
