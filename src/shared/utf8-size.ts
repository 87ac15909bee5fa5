/**
 * UTF-8 size of `text`, counted only when it can be within `limit`: every UTF-16 unit is at least
 * one UTF-8 byte, so a longer string is over the limit anyway and its length is a lower bound.
 */
export function utf8SizeWithin(text: string, limit: number): { bytes: number; exact: boolean } {
  const exact = text.length <= limit;
  return { bytes: exact ? Buffer.byteLength(text, 'utf8') : text.length, exact };
}
