import { describe, expect, it } from 'vitest';
import { RELATED_MIN } from '../../../src/governance/model/spec-identity.js';
import { diffSpecTexts } from '../../../src/governance/use-cases/diff-spec.js';

const BEFORE = '# Checkout\n\n## Cart\n\n- Add items\n- Remove items\n\n## Payment\n\n- Pay by card\n';

describe('diffSpecTexts', () => {
  it('an edit of one spec: what changed, and related', () => {
    const after = BEFORE.replace('- Pay by card\n', '- Pay by card\n- Pay by invoice\n');
    const edit = diffSpecTexts(BEFORE, after, '2027-02-10');
    expect(edit.diff.added.map((i) => i.title)).toEqual(['Pay by invoice']);
    expect(edit.diff.removed).toEqual([]);
    expect(edit.similarity).toBeGreaterThanOrEqual(RELATED_MIN);
    expect(edit.unrelated).toBe(false);
  });

  it('the same title over another text: unrelated, similarity to three decimals', () => {
    const other = '# Checkout\n\n## Reports\n\n- Monthly revenue chart\n- Export as CSV\n';
    const edit = diffSpecTexts(BEFORE, other, '2027-02-10');
    expect(edit.unrelated).toBe(true);
    expect(edit.similarity).toBeLessThan(RELATED_MIN);
    expect(Math.round(edit.similarity * 1000)).toBe(edit.similarity * 1000);
  });

  it('the same text: nothing changes, similarity 1', () => {
    const edit = diffSpecTexts(BEFORE, BEFORE, '2027-02-10');
    expect([edit.diff.added, edit.diff.removed, edit.diff.changed, edit.diff.moved]).toEqual([
      [],
      [],
      [],
      [],
    ]);
    expect(edit).toMatchObject({ similarity: 1, unrelated: false });
  });
});
