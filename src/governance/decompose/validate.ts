import { utf8SizeWithin } from '../../shared/utf8-size.js';
import { DomainError } from '../errors.js';

/**
 * Control characters other than tab, LF, VT, FF, CR, plus DEL and U+FFFD (what a decoder leaves
 * where bytes were not text).
 */
function countControl(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32) || c === 127 || c === 0xfffd) n++;
  }
  return n;
}

/** More control characters than this share of the text means binary content. */
const MAX_CONTROL_RATIO = 0.01;

/**
 * Refuses what cannot be a spec: too large, binary, or blank. Returns the UTF-8 size.
 * (A spec with headings but no requirement text is refused later, by the decomposer.)
 */
export function validateSpecText(text: string, maxBytes: number): number {
  const { bytes, exact: counted } = utf8SizeWithin(text, maxBytes);
  if (bytes > maxBytes) {
    throw new DomainError(
      'SPEC.TOO_LARGE',
      `The spec is ${counted ? '' : 'at least '}${bytes} bytes; the limit is ${maxBytes} bytes.`,
      'Split the spec into several documents (for example one per epic) and decompose each.',
      { bytes, limit: maxBytes },
    );
  }
  if (text.includes('\u0000')) {
    throw new DomainError(
      'SPEC.BINARY',
      'The spec contains NUL bytes: it looks like a binary file, not markdown or plain text.',
      'Pass the text of a markdown or plain-text spec (export PDFs and office documents to text first).',
      { reason: 'nul' },
    );
  }
  const control = countControl(text);
  if (control > 0 && control / text.length > MAX_CONTROL_RATIO) {
    throw new DomainError(
      'SPEC.BINARY',
      `The spec has ${control} control characters in ${text.length}: it looks binary or wrongly decoded.`,
      'Pass UTF-8 markdown or plain text.',
      { reason: 'control', control, length: text.length },
    );
  }
  if (text.trim() === '') throw emptySpec('The spec is empty.');
  return bytes;
}

export function emptySpec(message: string): DomainError {
  return new DomainError(
    'SPEC.EMPTY',
    message,
    'Pass a spec with requirement text: headings for epics and features, list items for tasks.',
  );
}
