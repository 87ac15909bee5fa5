/** What an edit to a spec changes in its rule-based plan, and whether the two texts are one spec at all. */
import { decomposeSpec, diffPlans, type PlanDiff } from '../decompose/index.js';
import { RELATED_MIN, specSimilarity } from '../model/spec-identity.js';

export interface SpecEdit {
  diff: PlanDiff;
  /** 0..1, to three decimals. */
  similarity: number;
  /** Under RELATED_MIN: apply_spec refuses such an edit under a default spec id (SPEC.UNRELATED). */
  unrelated: boolean;
}

export function diffSpecTexts(before: string, after: string, now: string): SpecEdit {
  const diff = diffPlans(decomposeSpec(before, { now }), decomposeSpec(after, { now }));
  // Rounded first, so the flag agrees with the figure the caller sees.
  const similarity = Math.round(specSimilarity(before, after) * 1000) / 1000;
  return { diff, similarity, unrelated: similarity < RELATED_MIN };
}
