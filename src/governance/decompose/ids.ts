import { hash } from 'node:crypto';
import { ID_PREFIX, type ItemType } from '../model/work-item.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const SECTION_NUMBER_RE = /^(?:\d+(?:\.\d+)*\.?|[a-z]\.|[ivx]+\.)\s+/;
const TRAILING_TAGS_RE = /(?:\s*(?:\([^()]*\)|\[[^[\]]*\]))+\s*$/;
const MARKUP_RE = /[*_`~]/g;
const NON_WORD_RE = /[^\p{L}\p{N}]+/gu;

/**
 * The part of a title that identifies an item: case, markup, punctuation, a leading section number
 * (`2.1`) and trailing tags (`(must)`, `[3d]`) do not count, so renumbering sections or retagging a
 * line keeps the id.
 */
export function normalizeTitle(title: string): string {
  const t = title.toLowerCase().replace(MARKUP_RE, '').trim().replace(SECTION_NUMBER_RE, '');
  const untagged = t.replace(TRAILING_TAGS_RE, '');
  return (untagged === '' ? t : untagged).replace(NON_WORD_RE, ' ').trim();
}

function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && out.length < chars; i++) {
    acc = (acc << 8) | bytes[i]!;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

const HASH_CHARS = 10;

/** `E-`/`F-`/`T-` and 10 base32 characters (50 bits) of SHA-256 over the key. */
export function hashId(type: ItemType, key: string): string {
  return `${ID_PREFIX[type]}-${base32(hash('sha256', key, 'buffer'), HASH_CHARS)}`;
}

const PREVIEW_ID_RE = new RegExp(`^[${Object.values(ID_PREFIX).join('')}]-[${BASE32}]{${HASH_CHARS}}$`);

/** An id of a plan (hashId), which stored items never have: theirs are numbered (`T-12`). */
export const isPreviewId = (id: string): boolean => PREVIEW_ID_RE.test(id);

/** Hands out ids; the n-th (n >= 2) holder of the same key gets `#n` appended to it. */
export class IdAllocator {
  private readonly seen = new Map<string, number>();

  next(type: ItemType, path: readonly string[]): string {
    const key = `${type}\u001f${path.join('\u001f')}`;
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    return hashId(type, n === 1 ? key : `${key}\u001f#${n}`);
  }
}
