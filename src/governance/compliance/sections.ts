/**
 * Named sections of a markdown description: `## Name` headings, and the `**Name**` or `Name:` lines
 * people write instead. A section counts only when it has content, so a description made from a
 * template whose headings were never filled in does not pass as documented.
 */
import { scanLines } from '../decompose/scan.js';

export interface Section {
  /** Normalized name (lower case, single spaces, no trailing colon). */
  key: string;
  /** Line index of the marker. */
  line: number;
  /** Heading level; 7 for a bold or lead-in marker (it ends at any marker). */
  level: number;
  /** Line index after the section's last line. */
  end: number;
  hasContent: boolean;
  /** Its body holds a `(draft)` line a person must still replace. */
  drafted: boolean;
}

const HEADING_RE = /^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$/;
const BOLD_RE = /^\s*\*\*([^*]{1,80}?):?\*\*:?\s*$/;
const LEAD_RE = /^\s*([A-Za-z][A-Za-z0-9 /&-]{0,60}):\s*$/;
/** Bodies that only say the section is still to be written (as does any line with DRAFT_MARK). */
const PLACEHOLDER_RE = /^[\s>*_-]*(?:tbd|todo|tba|n\/a|none yet|\.\.\.|…)?[\s.!*_-]*$/i;

/** Marks a drafted line a person must still write; such lines do not make a section documented. */
export const DRAFT_MARK = '(draft)';

export const sectionKey = (name: string): string =>
  name.trim().replace(/:$/, '').replace(/\s+/g, ' ').toLowerCase();

function marker(line: string): { name: string; level: number } | undefined {
  const h = HEADING_RE.exec(line);
  if (h) return { name: h[2]!, level: h[1]!.length };
  const b = BOLD_RE.exec(line) ?? LEAD_RE.exec(line);
  return b ? { name: b[1]!, level: 7 } : undefined;
}

/** The decomposer's line scanner knows fenced code (matching fence character and length). */
const scanOf = (lines: readonly string[]) => scanLines(lines.join('\n'));

/** scan.ts's fence rules, the only part of its scan parseSections needs. */
const FENCE_RE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const BLANK_RE = /^[ \t]*$/;

/**
 * For each line, true when it is a fence delimiter or inside fenced code, as scanLines classifies
 * it. Only for lines split at `\n` or `\r\n` holding no other `\r` (scanLines splits there too).
 */
function fencedLines(lines: readonly string[]): boolean[] | undefined {
  let out: boolean[] | undefined;
  let fenceChar = '';
  let fenceLen = 0;
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i]!;
    if (fenceLen > 0) {
      (out ??= new Array<boolean>(lines.length).fill(false))[i] = true;
      const f = FENCE_RE.exec(s);
      if (f && f[2]![0] === fenceChar && f[2]!.length >= fenceLen && BLANK_RE.test(f[3]!)) fenceLen = 0;
      continue;
    }
    const f = FENCE_RE.exec(s);
    if (f && !(f[2]![0] === '`' && f[3]!.includes('`'))) {
      fenceChar = f[2]![0]!;
      fenceLen = f[2]!.length;
      (out ??= new Array<boolean>(lines.length).fill(false))[i] = true;
    }
  }
  return out;
}

/** Whether each line is a fence or fenced code; scanLines itself for text with a lone `\r`. */
function codeLines(markdown: string, lines: readonly string[]): readonly boolean[] | undefined {
  if (!markdown.includes('\r') || !lines.some((l) => l.includes('\r'))) return fencedLines(lines);
  const scanned = scanOf(lines).lines;
  return lines.map((_, i) => {
    const kind = scanned[i]?.kind;
    return kind === 'fence' || kind === 'code';
  });
}

export function parseSections(markdown: string): Section[] {
  const lines = markdown.split(/\r?\n/);
  const code = codeLines(markdown, lines);
  const found: { key: string; line: number; level: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (code?.[i]) continue;
    const m = marker(lines[i]!);
    if (m) found.push({ key: sectionKey(m.name), line: i, level: m.level });
  }
  const out: Section[] = [];
  for (let idx = 0; idx < found.length; idx++) {
    const s = found[idx]!;
    // A heading's section runs to the next heading of its level or above; a bold or lead-in
    // marker's to the next marker of any kind. Markers inside it are not its content.
    let next = idx + 1;
    while (next < found.length && s.level !== 7 && found[next]!.level > s.level) next++;
    const end = next < found.length ? found[next]!.line : lines.length;
    let hasContent = false;
    let drafted = false;
    let inner = idx + 1;
    for (let i = s.line + 1; i < end; i++) {
      if (inner < found.length && found[inner]!.line === i) {
        inner++;
        continue;
      }
      const l = lines[i]!;
      if (l.includes(DRAFT_MARK)) drafted = true;
      else if (!hasContent && !PLACEHOLDER_RE.test(l)) hasContent = true;
      if (hasContent && drafted) break;
    }
    out.push({ key: s.key, line: s.line, level: s.level, end, hasContent, drafted });
  }
  return out;
}

/** Why a required section does not count as documented. */
export type SectionGap = 'draft' | 'empty' | 'absent';

/**
 * Required section names whose section is absent or empty, in the given order, each once, with why:
 * `draft` when its only content is a `(draft)` line (as plans write them), `empty` when its marker
 * has no content, `absent` when there is no marker.
 */
export function sectionGaps(
  markdown: string,
  required: readonly string[],
): { name: string; gap: SectionGap }[] {
  return keyedSectionGaps(markdown, requiredSectionKeys(required));
}

/** A required section name with its sectionKey. */
export interface RequiredSection {
  name: string;
  key: string;
}

/** Required section names with their keys, the first of each key only (as sectionGaps lists them). */
export function requiredSectionKeys(required: readonly string[]): RequiredSection[] {
  const seen = new Set<string>();
  const out: RequiredSection[] = [];
  for (const name of required) {
    const key = sectionKey(name);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name, key });
  }
  return out;
}

/** sectionGaps for names already keyed by requiredSectionKeys. */
export function keyedSectionGaps(
  markdown: string,
  required: readonly RequiredSection[],
): { name: string; gap: SectionGap }[] {
  const sections = parseSections(markdown);
  const out: { name: string; gap: SectionGap }[] = [];
  for (const { name, key } of required) {
    let found = false;
    let content = false;
    let drafted = false;
    for (const s of sections) {
      if (s.key !== key) continue;
      found = true;
      if (s.hasContent) content = true;
      if (s.drafted) drafted = true;
    }
    if (content) continue;
    out.push({ name, gap: !found ? 'absent' : drafted ? 'draft' : 'empty' });
  }
  return out;
}

/** Required section names whose section is absent or empty, in the given order, each once. */
export function missingSections(markdown: string, required: readonly string[]): string[] {
  return sectionGaps(markdown, required).map((g) => g.name);
}

export interface SectionFill {
  name: string;
  /** Markdown lines to put in the section. */
  lines: readonly string[];
}

/**
 * Puts content into each named section that is absent or empty: under its existing marker, or as a
 * new `## Name` section at the end. Existing text is never removed or reordered.
 */
export function fillSections(markdown: string, fills: readonly SectionFill[]): string {
  const lines = markdown.replace(/\s+$/, '').split(/\r?\n/);
  if (lines.length === 1 && lines[0] === '') lines.length = 0;
  const inserts: { at: number; lines: string[] }[] = [];
  const appended: string[] = [];
  const sections = parseSections(lines.join('\n'));
  const done = new Set<string>();
  for (const fill of fills) {
    const key = sectionKey(fill.name);
    if (done.has(key) || fill.lines.length === 0) continue;
    done.add(key);
    const existing = sections.filter((s) => s.key === key);
    if (existing.some((s) => s.hasContent)) continue;
    const first = existing[0];
    if (first) inserts.push({ at: first.line + 1, lines: ['', ...fill.lines] });
    else appended.push('', `## ${fill.name}`, '', ...fill.lines);
  }
  // From the bottom up, so earlier insertion points stay valid.
  for (const ins of inserts.sort((a, b) => b.at - a.at)) lines.splice(ins.at, 0, ...ins.lines);
  // A fence left open would swallow the new sections.
  const open = scanOf(lines).unclosedFence;
  if (open >= 0 && appended.length > 0) lines.push(/`{3,}|~{3,}/.exec(lines[open]!)?.[0] ?? '```');
  // An empty description gets no blank line before its first new section.
  const out = lines.length === 0 ? appended.slice(1) : [...lines, ...appended];
  return `${out.join('\n')}\n`;
}

/** The list items of a section (`- x`, `* x`, `1. x`, `- [ ] x`), text only. */
export function sectionItems(markdown: string, name: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const key = sectionKey(name);
  const s = parseSections(markdown).find((x) => x.key === key && x.hasContent);
  if (!s) return [];
  return lines
    .slice(s.line + 1, s.end)
    .map((l) => /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.+?)\s*$/.exec(l)?.[1])
    .filter((t): t is string => t !== undefined && t.length > 0);
}
