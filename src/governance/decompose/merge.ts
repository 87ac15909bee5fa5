/**
 * Re-applying a spec merges three ways per field: `base` is what the last applied version of the
 * spec said, `current` is the stored item (people and agents edit it), `spec` is what the new
 * version says. The spec only overwrites what nobody touched; what both changed is a conflict.
 */

/**
 * - `same`: nothing to do (all three agree, or the item already has the spec's new value);
 * - `updated`: the spec changed the field and nobody edited it, so it takes the spec's value;
 * - `kept`: someone edited the field and the spec did not change it, so the edit stays;
 * - `conflict`: both changed it; the item keeps its value (`onConflict: "keep"`);
 * - `taken`: both changed it; the item takes the spec's value (`onConflict: "spec"`);
 * - `reset`: no base is known (a version stored before bases were kept), so the spec's value wins.
 */
export type FieldDecision = 'same' | 'updated' | 'kept' | 'conflict' | 'taken' | 'reset';
export type OnConflict = 'keep' | 'spec';

/** Decisions that write the spec's value into the item. */
export const WRITES: ReadonlySet<FieldDecision> = new Set(['updated', 'taken', 'reset']);

const eq = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function decideField(
  base: { value: unknown } | undefined,
  current: unknown,
  spec: unknown,
  onConflict: OnConflict,
): FieldDecision {
  if (eq(current, spec)) return 'same';
  if (!base) return 'reset';
  const specChanged = !eq(base.value, spec);
  const edited = !eq(base.value, current);
  if (!specChanged) return 'kept';
  if (!edited) return 'updated';
  return onConflict === 'spec' ? 'taken' : 'conflict';
}

export interface FieldMerge<T> {
  /** The item's new values: the spec's where the decision writes, the current ones elsewhere. */
  merged: T;
  decisions: { [K in keyof T]?: FieldDecision };
}

/** Merges every field in `fields`; a field missing from `base` (absent base) counts as unknown. */
export function mergeFields<T extends object, K extends keyof T>(
  fields: readonly K[],
  base: Pick<T, K> | undefined,
  current: T,
  spec: Pick<T, K>,
  onConflict: OnConflict,
): FieldMerge<T> {
  const merged = { ...current };
  const decisions: { [F in keyof T]?: FieldDecision } = {};
  for (const f of fields) {
    const d = decideField(base && { value: base[f] }, current[f], spec[f], onConflict);
    decisions[f] = d;
    if (WRITES.has(d)) merged[f] = spec[f];
  }
  return { merged, decisions };
}

/** One sentence for the audit record: what each field's merge decided, and why. */
export function mergeReason(decisions: Partial<Record<string, FieldDecision>>, origin: string): string {
  const by = (d: FieldDecision) =>
    Object.entries(decisions)
      .filter(([, x]) => x === d)
      .map(([f]) => f);
  const parts = [
    [by('updated'), 'updated (not edited since the last applied version)'],
    [by('taken'), 'conflict, set to the plan\'s value (onConflict: "spec")'],
    [by('reset'), "set to the plan's value (no earlier applied version to merge against)"],
    [by('kept'), 'kept as edited (unchanged in the plan)'],
    [by('conflict'), 'conflict, left as edited (onConflict: "spec" takes the plan\'s value)'],
  ] as const;
  const said = parts.filter(([fs]) => fs.length).map(([fs, why]) => `${fs.join(', ')} ${why}`);
  return `changed in the ${origin} plan: ${said.length ? said.join('; ') : 're-keyed'}`;
}
