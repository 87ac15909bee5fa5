/**
 * Coverage of a spec by a plan. A requirement line is any line that is not blank, not a heading
 * (headings are titles), not a setext underline, thematic break or fence delimiter; lines inside
 * fenced code count. A line belongs to the deepest item whose source range holds it; the check is
 * that ranges nest (a child inside its parent) and siblings do not overlap, so that deepest item is
 * unique, that every requirement line has one, and that its text is in that item's title,
 * description or acceptance criteria.
 */
import { isRequirementLine, scanLines } from './scan.js';
import { AC_LEAD_RE } from './signals.js';
import type { PlanItem, SpecPlan } from './types.js';

export interface CoverageReport {
  requirementLines: number;
  covered: number;
  /** covered / requirementLines (1 for a spec with none). */
  ratio: number;
  /** 1-based lines no item holds. */
  uncovered: number[];
  /** 1-based lines held by two items of the same depth. */
  overlapping: number[];
  /** Ids of items whose range is not inside their parent's. */
  outsideParent: string[];
  /** 1-based lines whose text is not in the item holding them. */
  missingText: number[];
}

const NORM_RE = /[^\p{L}\p{N}]+/gu;
const norm = (s: string): string => s.toLowerCase().replace(NORM_RE, ' ').trim();
const DEPTH = { epic: 0, feature: 1, task: 2 } as const;

export function coverage(text: string, plan: Pick<SpecPlan, 'items'>): CoverageReport {
  const { raw, lines } = scanLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const owner = new Int32Array(lines.length).fill(-1);
  const overlapping = new Set<number>();
  const outsideParent: string[] = [];
  const byId = new Map(plan.items.map((it) => [it.id, it]));
  for (const depth of [0, 1, 2]) {
    const layer = new Uint8Array(lines.length);
    plan.items.forEach((it, idx) => {
      if (DEPTH[it.type] !== depth) return;
      const parent = it.parentId === null ? undefined : byId.get(it.parentId);
      if (
        parent &&
        (it.source.startLine < parent.source.startLine || it.source.endLine > parent.source.endLine)
      ) {
        outsideParent.push(it.id);
      }
      for (let l = it.source.startLine - 1; l < it.source.endLine && l < lines.length; l++) {
        if (layer[l]) overlapping.add(l + 1);
        layer[l] = 1;
        owner[l] = idx;
      }
    });
  }
  const blobs = new Map<number, string>();
  const blob = (idx: number): string => {
    let b = blobs.get(idx);
    if (b === undefined) {
      const it: PlanItem = plan.items[idx]!;
      b = norm([it.title, it.description, ...it.acceptanceCriteria].join('\n'));
      blobs.set(idx, b);
    }
    return b;
  };
  const uncovered: number[] = [];
  const missingText: number[] = [];
  let requirementLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!isRequirementLine(l, raw[i]!)) continue;
    requirementLines++;
    const idx = owner[i]!;
    if (idx < 0) {
      uncovered.push(i + 1);
      continue;
    }
    const content = norm(l.kind === 'list' ? l.text : (AC_LEAD_RE.exec(l.text)?.[1] ?? l.text));
    if (content !== '' && !blob(idx).includes(content)) missingText.push(i + 1);
  }
  const covered = requirementLines - uncovered.length;
  return {
    requirementLines,
    covered,
    ratio: requirementLines === 0 ? 1 : covered / requirementLines,
    uncovered,
    overlapping: [...overlapping],
    outsideParent,
    missingText,
  };
}
