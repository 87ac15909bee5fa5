/**
 * Where each value of a JSON text sits, so shape problems and warnings can name a line. Run only on
 * text `JSON.parse` accepted, so it need not validate anything.
 */

/** 1-based first and last line of a value. */
export interface LineSpan {
  start: number;
  end: number;
}

interface Frame {
  path: string;
  isArray: boolean;
  index: number;
  key: string;
  expectKey: boolean;
  start: number;
}

const join = (path: string, seg: string): string => (path === '' ? seg : `${path}.${seg}`);

/** Dotted path (`master.tasks.2.dependencies.0`, `` for the root) -> lines of the value. */
export function jsonLines(text: string): Map<string, LineSpan> {
  const out = new Map<string, LineSpan>();
  const stack: Frame[] = [];
  let line = 1;
  const here = (): string => {
    const top = stack.at(-1);
    return top === undefined ? '' : join(top.path, top.isArray ? String(top.index) : top.key);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    else if (c === ' ' || c === '\t' || c === '\r' || c === ':') continue;
    else if (c === ',') {
      const top = stack.at(-1)!;
      if (top.isArray) top.index++;
      else top.expectKey = true;
    } else if (c === '}' || c === ']') {
      const top = stack.pop()!;
      out.set(top.path, { start: top.start, end: line });
    } else if (c === '{' || c === '[') {
      stack.push({ path: here(), isArray: c === '[', index: 0, key: '', expectKey: c === '{', start: line });
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (top?.expectKey) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        top.expectKey = false;
      } else out.set(here(), { start: line, end: line });
      i = j;
    } else {
      // A number, true, false or null.
      out.set(here(), { start: line, end: line });
      while (i + 1 < text.length && !/[\s,\]}]/.test(text[i + 1]!)) i++;
    }
  }
  return out;
}

/** Line and column (1-based) of a UTF-16 offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - lineStart + 1 };
}
