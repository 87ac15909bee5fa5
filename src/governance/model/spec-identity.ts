/**
 * Which stored spec a text belongs to when the caller names none: its whole title, slugged so any
 * script survives (`# 用户登录` -> `用户登录`), with a short content hash when the title says
 * nothing about the document (`# PRD`, `# Spec`, none), so two unrelated documents never share an
 * id. A text that shares almost nothing with the stored version of its id is refused, not paired.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../errors.js';

export const SPEC_ID_MAX = 64;
// Lower-case letters of any script (caseless ones too), combining marks and digits, inner hyphens.
const SPEC_ID_RE =
  /^[\p{Ll}\p{Lm}\p{Lo}\p{N}](?:[\p{Ll}\p{Lm}\p{Lo}\p{M}\p{N}-]{0,62}[\p{Ll}\p{Lm}\p{Lo}\p{M}\p{N}])?$/u;
export const SPEC_ID_PATTERN = SPEC_ID_RE.source;
const NOT_ID_CHAR = /[^\p{Ll}\p{Lm}\p{Lo}\p{M}\p{N}]+/gu;

/** Below this share of common lines, a text is not a version of the stored spec. */
export const RELATED_MIN = 0.2;

/** `Checkout — Payments (v2)` -> `checkout-payments-v2`, `ログイン機能` stays; '' when nothing is left. */
export function slugify(text: string): string {
  // Latin diacritics go (as they always did, so existing ids stay); other scripts keep their marks.
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFKC');
  const slug = folded.toLowerCase().normalize('NFKC').replace(NOT_ID_CHAR, '-').replace(/^-+/, '');
  return [...slug].slice(0, SPEC_ID_MAX).join('').replace(/-+$/, '');
}

// Titles that name a kind of document, not a document. Compared after slugify, fillers dropped.
const GENERIC = new Set([
  'prd',
  'spec',
  'specs',
  'specification',
  'specifications',
  'requirements',
  'requirement',
  'readme',
  'design',
  'rfc',
  'overview',
  'untitled',
  'document',
  'doc',
  'docs',
  'notes',
  'note',
  'draft',
  'plan',
  'proposal',
  'brief',
  'todo',
  'tasks',
  'roadmap',
  'summary',
  'introduction',
  'product-requirements',
  'product-requirements-document',
  'requirements-document',
  'product-spec',
  'product-specification',
  'tech-spec',
  'technical-spec',
  'technical-specification',
  'feature-spec',
  'functional-spec',
  'functional-specification',
  'design-doc',
  'design-document',
  'technical-design',
  'untitled-document',
  'project-plan',
  'spec-document',
  '需求',
  '需求文档',
  '产品需求文档',
  '需求说明书',
  '设计文档',
  '概述',
  '仕様',
  '仕様書',
  '要件定義',
  '要件定義書',
  '設計書',
  '概要',
]);
const FILLER = /^(?:the|a|an|our|my|new|final|v?\d+(?:-\d+)*|rev\d*)$/;

export function isGenericTitle(title: string | undefined): boolean {
  const words = slugify(title ?? '')
    .split('-')
    .filter((w) => w !== '' && !FILLER.test(w));
  return words.length === 0 || GENERIC.has(words.join('-'));
}

/** The text as identity sees it: NFKC, lines trimmed and lower-cased, list and heading marks gone. */
function normalizedLines(text: string): string[] {
  return text
    .normalize('NFKC')
    .split(/\r?\n/)
    .map((l) =>
      l
        .trim()
        .replace(/^(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+|>\s*)/, '')
        .replace(/\s+/g, ' ')
        .toLowerCase(),
    )
    .filter((l) => l !== '' && !/^(?:[-*_=`~]{3,}|\|?[\s:|-]+\|?)$/.test(l));
}

/** The part of a generic title's default id before its content hash (`prd` for `# PRD`). */
export function genericIdBase(title: string | undefined): string {
  return [...(slugify(title ?? '') || 'spec')]
    .slice(0, SPEC_ID_MAX - 11)
    .join('')
    .replace(/-+$/, '');
}

/** Whether `specId` is a default id made for a generic title with this base (`prd-0123456789`). */
export function isHashedId(specId: string, base: string): boolean {
  return (
    specId.length === base.length + 11 &&
    specId.startsWith(`${base}-`) &&
    /^[0-9a-f]{10}$/.test(specId.slice(-10))
  );
}

/** The id used when the caller gives none (before looking for an earlier version: spec-id.ts). */
export function defaultSpecId(title: string | undefined, text: string): string {
  const slug = slugify(title ?? '');
  if (!isGenericTitle(title)) return slug;
  const digest = createHash('sha256').update(normalizedLines(text).join('\n'), 'utf8').digest('hex');
  return `${genericIdBase(title)}-${digest.slice(0, 10)}`;
}

/**
 * At or above this similarity, a generic-titled text without a specId is taken as an edit of the
 * stored spec with the same generic title (its next version), not as a new document.
 */
export const SAME_DOCUMENT_MIN = 0.5;

function jaccard<T>(x: ReadonlySet<T>, y: ReadonlySet<T>): number {
  if (x.size === 0 && y.size === 0) return 1;
  let common = 0;
  for (const v of x) if (y.has(v)) common++;
  return common / (x.size + y.size - common);
}

const WORD_RE = /[\p{L}\p{M}\p{N}]+/gu;
const UNSPACED_RE = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}]/u;

/** Words; scripts written without spaces give character pairs instead. */
function tokens(lines: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const w of lines.join(' ').match(WORD_RE) ?? []) {
    if (!UNSPACED_RE.test(w)) {
      out.add(w);
      continue;
    }
    const cs = [...w];
    if (cs.length === 1) out.add(w);
    for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i]! + cs[i + 1]!);
  }
  return out;
}

/**
 * How much of two texts is the same document, 0..1: the better of the Jaccard similarities of
 * their lines and of their words. The first line is left out: a shared title is how the two were
 * paired in the first place, so it is no evidence that they belong together.
 */
export function specSimilarity(a: string, b: string): number {
  const [x, y] = [normalizedLines(a).slice(1), normalizedLines(b).slice(1)];
  return Math.max(jaccard(new Set(x), new Set(y)), jaccard(tokens(x), tokens(y)));
}

export function assertSpecId(specId: string): string {
  if (SPEC_ID_RE.test(specId)) return specId;
  throw new DomainError(
    'INPUT.INVALID',
    `"${specId.slice(0, 80)}" is not a spec id`,
    `Use lower-case letters (any script), digits and inner hyphens, at most ${SPEC_ID_MAX} characters (e.g. "checkout-v2").`,
    { issues: [{ path: 'specId', message: `must match ${SPEC_ID_PATTERN}` }] },
  );
}

export function specUnrelated(specId: string, version: number, similarity: number): DomainError {
  return new DomainError(
    'SPEC.UNRELATED',
    `The text shares almost nothing with version ${version} of spec ${specId} ` +
      `(similarity ${similarity.toFixed(2)}); it looks like a different document`,
    `Pass specId: "${specId}" to replace that spec on purpose, or another specId to keep both.`,
    { specId, version, similarity: Math.round(similarity * 1000) / 1000, threshold: RELATED_MIN },
  );
}
