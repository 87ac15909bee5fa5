import { DomainError } from '../governance/errors.js';

/** Deeper arguments are refused up front: no tool input needs them, and walking them costs stack. */
export const MAX_INPUT_DEPTH = 64;

// NUL cannot be stored by PostgreSQL and lone surrogates are silently replaced by both drivers:
// refuse them up front so what is stored (and audited) is exactly what was sent.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const clip = (path: string) => (path.length > 120 ? `${path.slice(0, 117)}...` : path);

interface Pending {
  value: unknown;
  path: string;
  depth: number;
  /** The key this value sits under, checked when it is visited so the first bad path is reported. */
  key?: string;
}

/**
 * The first problem in tool arguments that no schema should see: text with NUL or an unpaired
 * surrogate (in a value or a key), or nesting deeper than MAX_INPUT_DEPTH. Iterative, so any
 * depth the JSON parser accepted is walked without overflowing the stack.
 */
export function inputProblem(args: unknown): DomainError | undefined {
  const stack: Pending[] = [{ value: args, path: '', depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, path, depth, key } = next;
    if (key !== undefined && BAD_TEXT.test(key)) return badText(path);
    if (typeof value === 'string') {
      if (BAD_TEXT.test(value)) return badText(path || '(root)');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return tooDeep(path || '(root)');
    const entries: [string, unknown][] = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i]!;
      stack.push({ value: v, path: path ? `${path}.${k}` : k, depth: depth + 1, key: k });
    }
  }
  return undefined;
}

function badText(path: string): DomainError {
  const at = clip(path);
  return new DomainError(
    'INPUT.INVALID',
    `Invalid input at ${at}: text must be valid Unicode without NUL characters`,
    'Remove NUL characters and unpaired surrogates; nothing was changed.',
    { issues: [{ path: at, message: 'NUL character or unpaired surrogate' }] },
  );
}

function tooDeep(path: string): DomainError {
  const at = clip(path);
  const message = `nested deeper than ${MAX_INPUT_DEPTH} levels`;
  return new DomainError(
    'INPUT.INVALID',
    `Invalid input at ${at}: ${message}`,
    `Send arguments at most ${MAX_INPUT_DEPTH} levels deep; nothing was changed.`,
    { issues: [{ path: at, message }], limit: MAX_INPUT_DEPTH },
  );
}
