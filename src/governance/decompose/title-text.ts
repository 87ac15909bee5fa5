/** The string side of task titles: markup, status marks and numbering off, casing, length. */

export const MAX_TITLE = 120;

const PICTO =
  '(?:\\p{Extended_Pictographic}|[\\u{1F1E6}-\\u{1F1FF}])(?:\\u{FE0F}|\\u{200D}|\\u{20E3}|\\p{Extended_Pictographic})*';
const EMOJI_EDGE_RE = new RegExp(`^(?:\\s*${PICTO})+\\s*|\\s*(?:${PICTO}\\s*)+$`, 'gu');
const EMOJI_WORD_RE = new RegExp(`(?<=\\s)${PICTO}(?=\\s)`, 'gu');
const CHECKBOX_RE = /^(?:[-*+]\s+)?\[[ xX]\]\s*/;
const NUMBERING_RE = /^(?:\d+(?:\.\d+)+\.?|\d+[.)]|\(?[a-z]\)|[ivx]+\.)\s+/i;
const PRIORITY_RE = /^P[0-3](?:\s*[:.\-–—]\s*|\s+)(?=[\p{L}`*_[])/u;
/** A priority marker closing the text: `(P1)`, `[must have]`, `— P0`. */
const TRAILING_PRIORITY_RE =
  /\s*(?:[([]\s*(?:P[0-3]|must|should|could|won'?t)(?:[- ]have)?\s*[)\]]|[-–—]\s*P[0-3])\s*$/i;
const TIME_RE = /^\d{1,2}:\d{2}(?:\s*[-–—]\s*|\s+)(?=\S)/;
/** `FR-001:`, `FR-001 …`, `R1.`, `R1:` (a bare `S3 …` is a name, not an id). */
const ID_RE =
  /^(?:([A-Z][A-Z0-9]{0,5}-\d+(?:\.\d+)*)(?:\s*[.:)\]]\s*|\s+[-–—]\s+|\s+)|([A-Z]{1,4}\d+(?:\.\d+)*)(?:\s*[.:)\]]\s*|\s+[-–—]\s+))(?=\S)/;
const TYPE_PREFIX_RE =
  /^(?:task|feature|story|user story|todo|to-do|epic|chore|fixme|bug)\s*[:\-–—]\s*(?=\S)/i;
const IMAGE_LINK_RE = /!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])/g;
const AUTOLINK_RE = /<((?:https?|mailto):[^>\s]+)>/g;
const CODE_RE = /(`+)(.+?)\1/g;
const STRONG_RE = /(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g;
const EM_STAR_RE = /(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])/g;
const EM_UNDER_RE = /(?<![\p{L}\p{N}_])_(?=\S)([^_]+?)(?<=\S)_(?![\p{L}\p{N}_])/gu;
const STRIKE_RE = /~~(?=\S)(.+?)(?<=\S)~~/g;
const SENTENCE_END_RE = /([.!?])\s+(?=[\p{Lu}\p{N}"'`(])/gu;
export const TRAILING_PUNCT_RE = /[\s.:;,\-–—({[=]+$/;

function stripMarkup(s: string): string {
  return s
    .replace(IMAGE_LINK_RE, '$1')
    .replace(AUTOLINK_RE, '$1')
    .replace(CODE_RE, (_m, _t, code: string) => code.trim())
    .replace(STRONG_RE, '$2')
    .replace(EM_STAR_RE, '$1')
    .replace(EM_UNDER_RE, '$1')
    .replace(STRIKE_RE, '$1');
}

/** The text without markup, status marks, numbering, priority tags and type prefixes; an id found. */
export function clean(text: string): { text: string; id: string | null } {
  let s = stripMarkup(text.replace(/\s+/g, ' ').trim());
  let id: string | null = null;
  for (let prev = ''; prev !== s;) {
    prev = s;
    s = s.replace(EMOJI_EDGE_RE, '').replace(CHECKBOX_RE, '').replace(NUMBERING_RE, '');
    s = s.replace(PRIORITY_RE, '').replace(TYPE_PREFIX_RE, '').replace(TIME_RE, '');
    s = s.replace(TRAILING_PRIORITY_RE, '');
    const m = ID_RE.exec(s);
    if (m && id === null) {
      id = (m[1] ?? m[2])!;
      s = s.slice(m[0].length);
    }
  }
  s = s.replace(EMOJI_WORD_RE, '').replace(/\s{2,}/g, ' ');
  return { text: s.trim(), id };
}

/** The first sentence (an abbreviation like `e.g.` or an initial does not end one), no end mark. */
export function firstSentence(s: string): string {
  for (const m of s.matchAll(SENTENCE_END_RE)) {
    const before = s.slice(0, m.index);
    const word = /\S*$/.exec(before)![0];
    if (m[1] === '.' && /^[^\p{L}]*(?:\p{L}\.)*\p{L}$/u.test(word)) continue;
    return m[1] === '?' ? before + '?' : before;
  }
  return s;
}

export function fit(s: string): string {
  const t = s.replace(TRAILING_PUNCT_RE, '');
  if (t.length <= MAX_TITLE) return t;
  const cut = t.slice(0, MAX_TITLE - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_TITLE / 2 ? cut.slice(0, space) : cut).replace(TRAILING_PUNCT_RE, '')}…`;
}

export const isAcronym = (w: string): boolean => /^[\p{Lu}\d]{2,}s?$/u.test(w) || /\p{Ll}\p{Lu}/u.test(w);

export const lowerFirst = (w: string): string => {
  const first = (/^[\p{L}\p{N}]*/u.exec(w) ?? [''])[0];
  return isAcronym(first) || /^\p{Lu}[\p{L}\p{N}]*[\p{N}]/u.test(first)
    ? w
    : w.charAt(0).toLowerCase() + w.slice(1);
};

export const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Title Case words in lower case, acronyms and code kept. */
export function lowerWords(s: string): string {
  return s.replace(/\([^)]*\)|[^(]+/g, (part) => (part.startsWith('(') ? part : lowerOutside(part)));
}

function lowerOutside(s: string): string {
  return s.replace(/(?<![\p{L}\p{N}_./-])\p{Lu}\p{Ll}+(?=$|[\s,;:)]|-\p{L})/gu, (w) => w.toLowerCase());
}

/** `Rate Limits`, `Database Infrastructure Setup`: the words after the first capitalized too. */
export function isTitleCase(s: string): boolean {
  const words = s.split(/\s+/).filter((w) => /^\p{L}\p{Ll}{3,}/u.test(w));
  const [first, ...rest] = words;
  if (first === undefined || !/^\p{Lu}/u.test(first) || rest.length === 0) return false;
  const lower = rest.filter((w) => !/^\p{Lu}/u.test(w)).length;
  return lower === 0 || (rest.length >= 3 && lower === 1);
}

/** Placeholder words (`a`, `t1`, `b (3d)`): nothing that a verb would make clearer. */
export const isPlaceholder = (s: string): boolean =>
  !/\p{L}{3}/u.test(s.replace(/\([^)]*\)|\[[^\]]*\]/g, ''));

/** Text mostly in another script than Latin: compromise reads English only, so it is not reshaped. */
export function isForeignScript(s: string): boolean {
  const letters = s.match(/\p{L}/gu)?.length ?? 0;
  const latin = s.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return latin * 2 < letters;
}
