/**
 * Line scanner: one pass, precompiled regexes, one record per line. Knows just enough markdown
 * for decomposition: ATX and setext headings, fenced code (never parsed for structure), thematic
 * breaks, bullet / numbered / checkbox list items; everything else is text.
 */

export type LineKind =
  | 'blank'
  | 'heading'
  | 'list'
  | 'text'
  /** A code fence delimiter (opening or closing). */
  | 'fence'
  /** A line inside fenced code (blank ones included). */
  | 'code'
  /** Thematic break or an empty ATX heading: decoration. */
  | 'rule'
  /** The underline of a setext heading (the heading is the previous line). */
  | 'underline';

export interface ScannedLine {
  kind: LineKind;
  /** Columns of leading whitespace (a tab advances to the next multiple of 4). */
  indent: number;
  /** Heading level 1..6 (headings only). */
  level: number;
  /** Heading text, list item text (marker and checkbox removed), else the trimmed line. */
  text: string;
  /** List items: true for `[x]`, false for `[ ]`, null without a checkbox. */
  checked: boolean | null;
  /** List items: column where the item text starts. Fences: true when opening. */
  contentIndent: number;
  opens: boolean;
}

export interface ScanResult {
  raw: string[];
  lines: ScannedLine[];
  /** 0-based line of a fence never closed, else -1. */
  unclosedFence: number;
}

const LINE_SPLIT_RE = /\r\n|\r|\n/;
const FENCE_RE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const ATX_RE = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_RE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const RULE_RE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_RE = /^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+|$)(?:\[([ xX])\](?:[ \t]+|$))?(.*)$/;
const BLANK_RE = /^[ \t]*$/;

function indentOf(s: string): number {
  let col = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) col++;
    else if (c === 9) col += 4 - (col % 4);
    else break;
  }
  return col;
}

function line(kind: LineKind, indent: number, text: string): ScannedLine {
  return { kind, indent, level: 0, text, checked: null, contentIndent: 0, opens: false };
}

/** Kinds after which a one-line paragraph followed by `===`/`---` is a setext heading. */
const BEFORE_SETEXT = new Set<LineKind>(['blank', 'heading', 'rule', 'underline', 'fence']);

export function scanLines(text: string): ScanResult {
  const raw = text.split(LINE_SPLIT_RE);
  const lines: ScannedLine[] = new Array<ScannedLine>(raw.length);
  let fenceChar = '';
  let fenceLen = 0;
  let unclosedFence = -1;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i] ?? '';
    if (fenceLen > 0) {
      const f = FENCE_RE.exec(s);
      if (f && f[2]![0] === fenceChar && f[2]!.length >= fenceLen && BLANK_RE.test(f[3]!)) {
        lines[i] = line('fence', indentOf(s), s.trim());
        fenceLen = 0;
        unclosedFence = -1;
      } else lines[i] = line('code', indentOf(s), s.trim());
      continue;
    }
    if (BLANK_RE.test(s)) {
      lines[i] = line('blank', 0, '');
      continue;
    }
    const indent = indentOf(s);
    const f = FENCE_RE.exec(s);
    if (f && !(f[2]![0] === '`' && f[3]!.includes('`'))) {
      fenceChar = f[2]![0]!;
      fenceLen = f[2]!.length;
      unclosedFence = i;
      const l = line('fence', indent, s.trim());
      l.opens = true;
      lines[i] = l;
      continue;
    }
    const h = ATX_RE.exec(s);
    if (h) {
      const title = (h[2] ?? '').trim();
      const l = line(title === '' ? 'rule' : 'heading', indent, title);
      l.level = h[1]!.length;
      lines[i] = l;
      continue;
    }
    const prev = i > 0 ? lines[i - 1] : undefined;
    if (SETEXT_RE.test(s) && prev?.kind === 'text' && prev.indent < 4) {
      const before = i > 1 ? lines[i - 2]!.kind : 'blank';
      if (BEFORE_SETEXT.has(before)) {
        prev.kind = 'heading';
        prev.level = s.trim().startsWith('=') ? 1 : 2;
        lines[i] = line('underline', indent, s.trim());
        continue;
      }
    }
    if (RULE_RE.test(s)) {
      lines[i] = line('rule', indent, s.trim());
      continue;
    }
    const m = LIST_RE.exec(s);
    if (m) {
      const l = line('list', indent, m[4]!.trim());
      l.checked = m[3] === undefined ? null : m[3] !== ' ';
      l.contentIndent = indent + m[2]!.length + 1;
      lines[i] = l;
      continue;
    }
    lines[i] = line('text', indent, s.trim());
  }
  return { raw, lines, unclosedFence };
}

/** Lines that must land in an item: everything but blanks, headings, decorations and fences. */
export function isRequirementLine(l: ScannedLine, raw: string): boolean {
  return l.kind === 'text' || l.kind === 'list' || (l.kind === 'code' && !BLANK_RE.test(raw));
}
