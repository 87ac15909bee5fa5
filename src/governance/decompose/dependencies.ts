/**
 * Dependency phrases read from a line of text, and the parts of a title they are matched against.
 *
 * A phrase is a dependency word (`depends on`, `dependent on`, `blocked by`, `builds on`, `built
 * on`, `requires`, `after`, `follows`, `once`, `prerequisites:`) or a `Dependencies:` field line,
 * with the rest of the line after it: links.ts reads item titles off that text, so prose such as
 * `after lunch` names nothing and makes no link. Table rows are returned as cells: a table whose
 * header has a `Depends on` column is read row by row in links.ts.
 */
import { normalizeTitle } from './ids.js';

export interface DependencyPhrase {
  /** The rest of the line after the dependency word, markdown links replaced by their text. */
  text: string;
  /** The sentence before the dependency word: `Telemetry Ingest depends on Devices` is about
   * `Telemetry Ingest` wherever it is written. */
  before: string;
  /** The first clause of `text` split on commas, `and` and `&`: the targets tried one by one. */
  targets: string[];
  /** `depends on`, `blocked by`, `Dependencies:` are meant as links (reported when they name
   * nothing); `requires`, `after`, `follows`, `builds on`, `once`, prerequisites often are not. */
  strong: boolean;
  /** `once X is done`: X must be followed by a word saying it is done or exists. */
  once: boolean;
  /** Anchors (without `#`) of `[text](#anchor)` links in `text`. */
  anchors: string[];
  /** A table row (`| a | b |`): its cells, `text` being empty. */
  cells: string[] | null;
}

const DEP_WORDS =
  '(?<![\\w-])(depend(?:s|ent)?\\s+(?:up)?on|blocked\\s+by|buil(?:ds|t)\\s+(?:up)?on|requires|after|follows|once|prerequisites?\\s*:)(?![\\w-])';
const DEP_RE = new RegExp(`${DEP_WORDS}[\\s:]*`, 'gi');
/** A dependency word and its first clause: what stripDependencies removes. */
const DEP_CLAUSE_RE = new RegExp(`${DEP_WORDS}[\\s:]+[^.;)\\]\\n]+`, 'gi');
const DEP_FIELD_RE = /^[*_\s]*(?:dependenc(?:y|ies))[*_]*\s*:[*_\s]*(.+)$/i;
const DEP_HINT_RE = /depend|blocked|requires|after|buil(?:ds|t)\s|follows|once|prerequisite/i;
const DEP_WEAK_RE = /^(?:requires|after|follows|once|buil|prereq)/i;
const SENTENCE_END_RE = /[.;:!?](?=\s)/g;
const DEP_NONE_RE = /^(?:none|n\/?a|nothing|-+|—|tbd)\b/i;
const MD_LINK_RE = /\[([^\]]*)\]\(([^)]*)\)/g;
const TARGET_SPLIT_RE = /\s*(?:,|\band\b|&)\s*/i;
const CLAUSE_END_RE = /[;)\]]|\.(?=\s|$)/;
const TARGET_TRIM_RE = /^(?:the|an?)\s+|\s+(?:feature|task|epic|section|item|story|work)$/gi;
const TABLE_SEP_RE = /^\|?[\s:|-]*$/;
/** The most a phrase's text runs to: targets are titles, not paragraphs. */
const MAX_TEXT = 240;

export function detectDependencies(text: string): DependencyPhrase[] {
  if (text.charCodeAt(0) === 124 /* | */) return tableRow(text);
  if (!DEP_HINT_RE.test(text)) return [];
  const anchors: { at: number; anchor: string }[] = [];
  let shift = 0;
  const plain = !text.includes('](')
    ? text
    : text.replace(MD_LINK_RE, (all: string, label: string, url: string, at: number) => {
        if (url.startsWith('#') && url.length > 1) anchors.push({ at: at - shift, anchor: url.slice(1) });
        shift += all.length - label.length;
        return label;
      });
  const out: DependencyPhrase[] = [];
  const field = DEP_FIELD_RE.exec(plain);
  if (field && !DEP_NONE_RE.test(field[1]!.trim())) {
    out.push(
      phrase(
        field[1]!,
        '',
        true,
        false,
        anchors.map((a) => a.anchor),
      ),
    );
  }
  for (const m of plain.matchAll(DEP_RE)) {
    const from = m.index + m[0].length;
    const rest = plain.slice(from, from + MAX_TEXT);
    if (rest.trim() === '' || DEP_NONE_RE.test(rest)) continue;
    const word = m[1]!;
    const own = anchors.filter((a) => a.at >= from).map((a) => a.anchor);
    out.push(
      phrase(rest, sentenceBefore(plain, m.index), !DEP_WEAK_RE.test(word), /^once$/i.test(word), own),
    );
  }
  return out;
}

function sentenceBefore(text: string, end: number): string {
  const head = text.slice(Math.max(0, end - MAX_TEXT), end);
  let cut = 0;
  for (const m of head.matchAll(SENTENCE_END_RE)) cut = m.index + 1;
  return head.slice(cut).trim();
}

function phrase(
  text: string,
  before: string,
  strong: boolean,
  once: boolean,
  anchors: string[],
): DependencyPhrase {
  const clause = text.split(CLAUSE_END_RE, 1)[0]!;
  const targets = clause
    .split(TARGET_SPLIT_RE)
    .map((t) =>
      t
        .replace(/[*_`"'“”]/g, '')
        .trim()
        .replace(TARGET_TRIM_RE, '')
        .trim(),
    )
    .filter((t) => t.length >= 2);
  return { text, before, targets, strong, once, anchors, cells: null };
}

function tableRow(text: string): DependencyPhrase[] {
  if (TABLE_SEP_RE.test(text)) return [];
  const cells = text
    .replace(/^\|/, '')
    .replace(/\|\s*$/, '')
    .split('|')
    .map((c) => c.replace(MD_LINK_RE, '$1').trim());
  if (cells.length < 2) return [];
  return [{ text: '', before: '', targets: [], strong: true, once: false, anchors: [], cells }];
}

/** The text without its dependency phrases (their targets' words say nothing about this item). */
export function stripDependencies(text: string): string {
  return DEP_HINT_RE.test(text) ? text.replace(DEP_CLAUSE_RE, ' ') : text;
}

/** A table header cell naming the column of what the row's item depends on. */
export const DEP_COLUMN_RE =
  /^[*_\s]*(?:depends\s+on|dependencies|dependency|dependent\s+on|blocked\s+by|prerequisites?|requires|after|builds\s+on)[*_\s]*$/i;

// ---- Words of a phrase -------------------------------------------------------------------------

const TOKEN_RE = /([\p{L}\p{N}]+)|[^\s\p{L}\p{N}]/gu;
const WORD_CHAR_RE = /[\p{L}\p{N}]/u;
const TOKEN_MARKUP_RE = /[*_`~"“”]/g;

/**
 * Lower-case words and punctuation marks of a text, as titles are compared (see normalizeTitle);
 * a mark inside a word (`dual-write`, `v1.2`) is dropped, a possessive is the mark `'s`.
 */
export function tokens(text: string): string[] {
  const s = text.toLowerCase().replace(TOKEN_MARKUP_RE, '');
  const out: string[] = [];
  let end = -1;
  let prevWord = false;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(s); m !== null; m = TOKEN_RE.exec(s)) {
    const t = m[0];
    const word = m[1] !== undefined;
    if (word) {
      const prev = out.length > 0 ? out[out.length - 1] : '';
      if (t === 's' && end === m.index && (prev === "'" || prev === '’')) out[out.length - 1] = "'s";
      else out.push(t);
    } else {
      const glued = prevWord && end === m.index && WORD_CHAR_RE.test(s[m.index + 1] ?? '');
      if (!glued || t === "'" || t === '’') out.push(t);
    }
    prevWord = word;
    end = m.index + t.length;
  }
  return out;
}

/** A token of `tokens` that is a word (not a mark). */
export function isWord(t: string): boolean {
  return t.length > 1 ? t !== "'s" : WORD_CHAR_RE.test(t);
}

// ---- Title labels ------------------------------------------------------------------------------

const LABEL_WORDS =
  'user\\s+story|story|use\\s+case|capability|feature|epic|module|component|area|theme|initiative|work\\s*stream|track|pillar|phase|stage|step|milestone|sprint|wave|iteration|increment|release|part|goal|objective|requirement|service|deliverable';
const ORDINALS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];
const ORDINALS_TH = [
  '',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];
const ORD = `\\d+(?:\\.\\d+)?[a-z]?|[ivx]{1,4}|${ORDINALS.join('|')}|${ORDINALS_TH.slice(1).join('|')}`;
/** Dash or colon between a label and the rest of a title. */
const SEP = '\\s*[:.|]\\s*|\\s+[-–—]+\\s+|\\s*[–—]\\s*';
const LEAD_NUMBER_RE = /^(?:\d+(?:\.\d+)*\.?|[a-z]\.|[ivx]+\.)\s+/i;
/**
 * `Phase 2 —`, `Capability:`, `Workstream 1:`, `Track 3 -`, `C1.`, `M2 `, `US-4:`: a label word
 * with or without a number, another word with a number, or a short id, ending with a separator
 * (a label word with a number and an id may also end with a space).
 */
const LABEL_RE = new RegExp(
  `^(?:(${LABEL_WORDS})(?:\\s+#?(${ORD}))?(?:${SEP}|$)|(${LABEL_WORDS})\\s+#?(${ORD})\\s+` +
    `|(\\p{L}+)\\s+#?(\\d+[a-z]?)(?:${SEP}|$)|(\\p{L}{1,3}-?\\d+(?:\\.\\d+)*)(?:${SEP}|\\s+|$))`,
  'iu',
);

/** Label words a target may start with (`Depends on Epic: Matchmaking` names `Matchmaking`). */
export const LABEL_WORD_SET: ReadonlySet<string> = new Set([
  ...LABEL_WORDS.split('|').filter((w) => !w.includes('\\')),
  'workstream',
]);
/** First words of labels. */
const LABEL_FIRST: ReadonlySet<string> = new Set([...LABEL_WORD_SET, 'user', 'use', 'work']);

/** What a label starts with: a word and a number, a short id, or a word (then a label word). */
const LABEL_HINT_RE = /^(?:(\p{L}+\s+#?\d|\p{L}{1,3}-?\d)|\p{L}+)/u;

export interface TitleLabel {
  /** Normalized label when it identifies the item (`phase 2`, `c1`, `workstream 1`), else null. */
  key: string | null;
  /** Label word, lower case (`phase`), when the label is a word with a number. */
  word: string | null;
  /** The number of `word` (ordinal words and roman numerals read as numbers). */
  number: number | null;
  /** Normalized rest of the title after the label ('' when none). */
  rest: string;
}

/** The leading label of a title, or null when it has none. */
export function titleLabel(title: string): TitleLabel | null {
  const t = title
    .replace(/[*_`~]/g, '')
    .trim()
    .replace(LEAD_NUMBER_RE, '');
  const first = LABEL_HINT_RE.exec(t);
  if (!first || (first[1] === undefined && !LABEL_FIRST.has(first[0].toLowerCase()))) return null;
  const m = LABEL_RE.exec(t);
  if (!m) return null;
  const rest = normalizeTitle(t.slice(m[0].length));
  const word = (m[1] ?? m[3] ?? m[5])?.toLowerCase().replace(/\s+/g, ' ') ?? null;
  const num = m[2] ?? m[4] ?? m[6];
  if (m[7] !== undefined) return { key: normalizeTitle(m[7]), word: null, number: null, rest };
  if (num === undefined) return { key: null, word: null, number: null, rest };
  return { key: normalizeTitle(`${word} ${num}`), word, number: ordinal(num), rest };
}

const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10 };

function ordinal(s: string): number | null {
  const w = s.toLowerCase();
  if (/^\d/.test(w)) return Number.parseFloat(w);
  const n = ORDINALS.indexOf(w);
  if (n >= 0) return n;
  const th = ORDINALS_TH.indexOf(w);
  if (th > 0) return th;
  if (!/^[ivx]+$/.test(w)) return null;
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    const v = ROMAN[w[i]!]!;
    const next = ROMAN[w[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

/** Section words whose numbers order the work: `Phase 2` comes after `Phase 1`. */
export const SEQUENCE_WORDS: ReadonlySet<string> = new Set([
  'phase',
  'stage',
  'step',
  'milestone',
  'sprint',
  'wave',
  'iteration',
]);
