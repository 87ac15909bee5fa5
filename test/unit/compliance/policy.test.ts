import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTitlePattern, quote } from '../../../src/governance/compliance/policy.js';

describe('policy text helpers', () => {
  it('quotes any string as JSON.stringify does, cut at 80 characters', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\u2028', '\ud83d', '\ude00', 'é') }),
    );
    fc.assert(
      fc.property(text, (s) => {
        expect(quote(s)).toBe(JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts the name in every {name} of a title pattern', () => {
    const part = fc.string({ unit: fc.constantFrom('a', '{', '}', ' ', ':', '{name}') });
    fc.assert(
      fc.property(part, fc.string(), (pattern, name) => {
        expect(applyTitlePattern(pattern, name)).toBe(pattern.replaceAll('{name}', () => name));
      }),
    );
  });
});
