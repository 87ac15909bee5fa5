import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideField,
  mergeFields,
  WRITES,
  type FieldDecision,
} from '../../../src/governance/decompose/merge.js';

type Fields = { title: string; agent: string | null; labels: string[] };
const FIELDS = ['title', 'agent', 'labels'] as const;

const value = {
  title: fc.constantFrom('A', 'B', 'C'),
  agent: fc.constantFrom<string | null>(null, 'agent:a', 'agent:b'),
  labels: fc.constantFrom<string[]>([], ['x'], ['x', 'y']),
};
const fields = fc.record(value);
/** An edit replaces some fields with random values (possibly the same ones). */
const edit = (f: Fields) => fc.record(value, { requiredKeys: [] }).map((p) => ({ ...f, ...p }));
const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The merge table, written out case by case. */
function expected(
  base: unknown,
  current: unknown,
  spec: unknown,
  onConflict: 'keep' | 'spec',
): FieldDecision {
  const edited = !eq(base, current);
  const specChanged = !eq(base, spec);
  if (!edited && !specChanged) return 'same';
  if (!edited && specChanged) return 'updated';
  if (edited && !specChanged) return 'kept';
  if (eq(current, spec)) return 'same';
  return onConflict === 'spec' ? 'taken' : 'conflict';
}

describe('three-way merge of plan fields', () => {
  it('decides every field as the table says, and writes only what it decides to', () => {
    fc.assert(
      fc.property(
        fields.chain((base) => fc.tuple(fc.constant(base), edit(base), edit(base))),
        fc.constantFrom<'keep' | 'spec'>('keep', 'spec'),
        ([base, current, spec], onConflict) => {
          const m = mergeFields(FIELDS, base, current, spec, onConflict);
          for (const f of FIELDS) {
            const d = expected(base[f], current[f], spec[f], onConflict);
            expect(m.decisions[f]).toBe(d);
            expect(m.merged[f]).toEqual(WRITES.has(d) ? spec[f] : current[f]);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('changes nothing when the same spec is applied again', () => {
    fc.assert(
      fc.property(
        fields.chain((base) => fc.tuple(fc.constant(base), edit(base), edit(base))),
        fc.constantFrom<'keep' | 'spec'>('keep', 'spec'),
        ([base, current, spec], onConflict) => {
          const once = mergeFields(FIELDS, base, current, spec, onConflict).merged;
          // After an apply, the spec just applied is the base.
          const twice = mergeFields(FIELDS, spec, once, spec, onConflict);
          expect(twice.merged).toEqual(once);
          expect(Object.values(twice.decisions).every((d) => d === 'same' || d === 'kept')).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each<[unknown, unknown, unknown, 'keep' | 'spec', FieldDecision]>([
    ['a', 'a', 'a', 'keep', 'same'],
    ['a', 'a', 'b', 'keep', 'updated'],
    ['a', 'b', 'a', 'keep', 'kept'],
    ['a', 'b', 'c', 'keep', 'conflict'],
    ['a', 'b', 'c', 'spec', 'taken'],
    ['a', 'b', 'b', 'keep', 'same'],
  ])('base %j, current %j, spec %j (%s): %s', (base, current, spec, onConflict, d) => {
    expect(decideField({ value: base }, current, spec, onConflict)).toBe(d);
  });

  it('without a base, the spec value wins (imports, versions stored before bases were kept)', () => {
    expect(decideField(undefined, 'edited', 'plan', 'keep')).toBe('reset');
    expect(decideField(undefined, 'plan', 'plan', 'keep')).toBe('same');
  });
});
