/**
 * Leaf-level difference between two configurations (e.g. stored vs effective, or defaults vs
 * effective). Arrays are leaves, compared whole, as the merge replaces them whole.
 */
import { canonicalJson } from '../../shared/canonical-json.js';
import { formatPath } from './issues.js';

export interface ConfigChange {
  /** Dotted path of the leaf, e.g. `generation.maxFeaturesPerEpic`. */
  path: string;
  /** null when the leaf is absent on that side (a configuration never holds null). */
  old: unknown;
  new: unknown;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Changes from `a` to `b`, in document order: `a`'s keys in its order, then keys only `b` has. An
 * object present on one side only is listed leaf by leaf.
 */
export function configDiff(a: unknown, b: unknown): ConfigChange[] {
  const out: ConfigChange[] = [];
  walk(a, b, [], out);
  return out;
}

function walk(a: unknown, b: unknown, path: string[], out: ConfigChange[]): void {
  if (isObject(a) || isObject(b)) {
    if (isObject(a) && isObject(b)) {
      const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
      for (const k of keys) walk(a[k], b[k], [...path, k], out);
      return;
    }
    if (isObject(a)) {
      // b is a leaf or absent: a's leaves go away, then b's value (if any) is listed at this path.
      walk(a, {}, path, out);
      if (b !== undefined) out.push({ path: formatPath(path), old: null, new: b });
    } else {
      if (a !== undefined) out.push({ path: formatPath(path), old: a, new: null });
      walk({}, b, path, out);
    }
    return;
  }
  if (a === undefined && b === undefined) return;
  if (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b)) return;
  out.push({ path: formatPath(path), old: a ?? null, new: b ?? null });
}
