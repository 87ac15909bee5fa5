import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.js';
import type { AuditRecord } from '../model/audit.js';
import type { WorkItem } from '../model/work-item.js';

/**
 * The item fields an audit trail determines: every field its diffs carry, and the version (each
 * change of an item writes one record and adds one to its version; a created item is version 1).
 * Positions (path, depth) and timestamps are derived or not recorded, so they are not replayed.
 */
export const REPLAYED_FIELDS = [
  'type',
  'title',
  'description',
  'status',
  'statusReason',
  'priority',
  'agent',
  'estimateDays',
  'milestoneId',
  'labels',
  'parentId',
  'progress',
  'sourceRef',
] as const satisfies readonly (keyof WorkItem)[];

type Field = (typeof REPLAYED_FIELDS)[number] | 'version';
const REPLAYED = new Set<string>(REPLAYED_FIELDS);

/** Long values are kept as a digest: a workspace's replayed state stays small. */
const LONG = 512;
function fingerprint(value: unknown): string {
  const json = canonicalJson(value ?? null);
  return json.length <= LONG ? json : `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

/** A fingerprint or stored value as shown in a report: short values as they are, long ones clipped. */
function shown(value: unknown, fp?: string): unknown {
  if (fp !== undefined) return fp.startsWith('sha256:') ? `(long value, ${fp})` : JSON.parse(fp);
  return typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}...` : (value ?? null);
}

export type StateMismatch =
  | { kind: 'field'; itemId: string; field: Field; stored: unknown; replayed: unknown }
  /** A stored item the trail never created. */
  | { kind: 'unrecorded'; itemId: string }
  /** An item the trail created that the store no longer has. */
  | { kind: 'missing'; itemId: string };

/** Items as the audit trail says they should be, built record by record, oldest first. */
export class ItemReplay {
  private readonly items = new Map<string, Map<Field, string>>();
  apply(r: AuditRecord): void {
    // A drift record notes what GitHub changed; the item's own record next to it carries the change.
    if (r.entityType !== 'item' || r.action === 'github.drift') return;
    let state = this.items.get(r.entityId);
    if (r.action === 'item.created') {
      state = new Map<Field, string>(
        REPLAYED_FIELDS.map((f) => [f, fingerprint(f === 'progress' ? 0 : null)]),
      );
      state.set('version', fingerprint(0));
      this.items.set(r.entityId, state);
    }
    // A change with no item.created before it: compare() reports the item as unrecorded.
    if (!state) return;
    state.set('version', fingerprint(Number(JSON.parse(state.get('version')!)) + 1));
    for (const [field, change] of Object.entries(r.diff)) {
      if (REPLAYED.has(field)) state.set(field as Field, fingerprint(change.new));
    }
  }

  /** How `item` (as stored) differs from its replayed state; [] when the trail explains it. */
  compare(item: WorkItem): StateMismatch[] {
    const state = this.items.get(item.id);
    if (!state) return [{ kind: 'unrecorded', itemId: item.id }];
    const out: StateMismatch[] = [];
    for (const field of [...REPLAYED_FIELDS, 'version'] as const) {
      const fp = state.get(field)!;
      if (fingerprint(item[field]) !== fp) {
        out.push({
          kind: 'field',
          itemId: item.id,
          field,
          stored: shown(item[field]),
          replayed: shown(null, fp),
        });
      }
    }
    return out;
  }

  /** Every item the trail created, for finding those the store lost. */
  ids(): IterableIterator<string> {
    return this.items.keys();
  }
}
