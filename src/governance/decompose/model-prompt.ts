/**
 * What a model is told when it decomposes a spec: the hierarchy rules, the JSON shape, the agents
 * it may name, the numbered spec lines and the rule-based draft to improve on. The shape it must
 * answer with is model-schema.ts; this file only writes the words.
 */
import { utf8SizeWithin } from '../../shared/utf8-size.js';
import type { SpecPlan } from './types.js';

/**
 * Largest spec (UTF-8 bytes) sent to a model. About 16k tokens of spec plus the draft and the answer
 * fit the context of today's common models; above it the rule-based plan is used and says why.
 */
export const MAX_MODEL_SPEC_BYTES = 64 * 1024;
/** Draft lines shown to the model; a longer draft is cut (the spec itself is never cut). */
const MAX_DRAFT_ITEMS = 300;
/** The answer for a spec at the byte limit with descriptions and criteria fits in this. */
export const MODEL_PLAN_MAX_TOKENS = 16_384;

export function specTooLarge(text: string): string | null {
  const { bytes } = utf8SizeWithin(text, MAX_MODEL_SPEC_BYTES);
  return bytes > MAX_MODEL_SPEC_BYTES
    ? `spec too large for the model (over ${MAX_MODEL_SPEC_BYTES} bytes): the rule-based plan is used`
    : null;
}

export function planSystemPrompt(agents: readonly string[]): string {
  return [
    'You turn a software specification into a work hierarchy: epics contain features, features contain tasks.',
    'Answer with ONE JSON object and nothing else (no prose, no code fence), of this shape:',
    '{"confidence": number 0..1 (how sure you are the hierarchy is right),',
    ' "epics": [{ITEM, "features": [{ITEM, "tasks": [ITEM, ...]}, ...]}, ...]}',
    'where ITEM is:',
    '{"ref": short unique name other items use in dependsOn (optional),',
    ' "title": string, at most 256 characters,',
    ' "description": markdown string,',
    ' "acceptanceCriteria": [string, ...],',
    ' "priority": "critical" | "high" | "medium" | "low",',
    ' "estimateDays": number from 0.5 to 365,',
    ` "agent": one of ${agents.length > 0 ? agents.map((a) => JSON.stringify(a)).join(', ') : '(none configured)'} or null,`,
    ' "lines": [firstLine, lastLine] (1-based, inclusive: the spec lines the item comes from),',
    ' "dependsOn": [ref, ...] (items that must be done first)}',
    'Rules:',
    '- Every epic has at least one feature and every feature at least one task.',
    '- "lines" must lie within the numbered spec; an epic or feature spans the lines of its children.',
    "- Keep the spec's own headings and list items as titles where they fit: ids derive from titles,",
    '  so unchanged titles keep the same items when the spec is decomposed again.',
    '- dependsOn names refs of other items, never the item itself, its parent or its children, and',
    '  never forms a cycle.',
    '- Take priorities, estimates and acceptance criteria from the spec when it states them.',
  ].join('\n');
}

/** The user message: numbered spec lines, then the rule-based draft as an outline. */
export function planUserPrompt(text: string, draft: SpecPlan): string {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const width = String(lines.length).length;
  const numbered = lines.map((l, i) => `${String(i + 1).padStart(width)}| ${l}`).join('\n');
  const depth = { epic: 0, feature: 1, task: 2 } as const;
  const shown = draft.items.slice(0, MAX_DRAFT_ITEMS);
  const outline = shown
    .map(
      (it) =>
        `${'  '.repeat(depth[it.type])}${it.type} "${it.title}" lines ${it.source.startLine}-${it.source.endLine}`,
    )
    .join('\n');
  const cut =
    draft.items.length > shown.length ? `\n(${draft.items.length - shown.length} more items not shown)` : '';
  return (
    `The specification (${lines.length} lines, numbered):\n\n${numbered}\n\n` +
    `A rule-based draft of the hierarchy, to improve on (merge, split, rename, add descriptions, ` +
    `criteria, estimates and dependencies):\n\n${outline}${cut}\n\nAnswer with the JSON object only.`
  );
}
