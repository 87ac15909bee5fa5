import { chainRecord } from '../audit/chain.js';
import type { AuditAction, AuditDiff, AuditEntity, AuditRecord } from '../model/audit.js';
import type { DomainEvent, DomainEventType, EventOf, EventPayloads } from '../model/events.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreTx } from '../ports/store.js';
import { enforceRules, WrittenItems } from './enforce-rules.js';
import { createOutboxRelay } from './outbox-relay.js';

export interface AuditEntry {
  entityType: AuditEntity;
  entityId: string;
  action: AuditAction;
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
  emit<K extends DomainEventType>(type: K, payload: EventPayloads[K]): Promise<void>;
}

/**
 * Runs a change in one transaction: the change, its audit records and its outbox events
 * commit together or not at all. The items it changed are checked against the enforcing
 * compliance rules before the commit (enforce-rules.ts). After the commit the outbox relay publishes the events to the
 * bus; one that fails stays in the outbox and is retried, and the write still succeeds.
 */
export async function runWrite<T>(
  deps: CoreDeps,
  caller: Caller,
  workspace: string,
  fn: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  assertWorkspace(workspace);
  const events: DomainEvent[] = [];
  const result = await deps.store.write(workspace, async (raw) => {
    const now = deps.clock.now();
    const written = new WrittenItems();
    const tx = trackWrites(raw, written);
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
        if (entry.entityType === 'item') written.record(entry.entityId, entry.action, entry.diff);
        return record;
      },
      emit: async <K extends DomainEventType>(type: K, payload: EventPayloads[K]) => {
        const event = { workspace, type, payload, at: now } as EventOf<K> as DomainEvent;
        event.id = await tx.addEvent(event);
        events.push(event);
      },
    };
    const out = await fn(scope);
    // Before the commit: a write that breaks an enforcing compliance rule rolls back whole.
    await enforceRules(deps, tx, workspace, now, written);
    return out;
  });
  // Awaited: a subscriber (resource notifications) hears of the change before the caller does.
  if (events.length > 0) await createOutboxRelay(deps, { pollMs: 0 }).publish(events.map((e) => e.id!));
  return result;
}

/**
 * The transaction as the use-case sees it: the items it stores are remembered (the enforcing
 * rules check them without reading them back), and a configuration document read twice in one
 * write is read once (hierarchyPolicy, the agent check and the rules all read it), until one is put.
 */
function trackWrites(tx: StoreTx, written: WrittenItems): StoreTx {
  const docs = new Map<string, ReturnType<StoreTx['getConfigDoc']>>();
  const own: Partial<StoreTx> = {
    insertItem: async (item) => {
      await tx.insertItem(item);
      written.stored(item);
    },
    updateItem: async (item, expectedVersion) => {
      const r = await tx.updateItem(item, expectedVersion);
      if (r.ok) written.stored(item);
      return r;
    },
    getConfigDoc: (scope, key) => {
      const k = `${scope}\u0000${key}`;
      let doc = docs.get(k);
      if (!doc) {
        doc = tx.getConfigDoc(scope, key);
        docs.set(k, doc);
        doc.catch(() => docs.delete(k));
      }
      return doc;
    },
    putConfigDoc: (...args) => {
      docs.clear();
      return tx.putConfigDoc(...args);
    },
  };
  return new Proxy(tx, {
    get(target, key, receiver) {
      if (Object.hasOwn(own, key)) return own[key as keyof StoreTx];
      const v: unknown = Reflect.get(target, key, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
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
