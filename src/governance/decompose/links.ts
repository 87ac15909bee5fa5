/**
 * Dependency phrases -> `depends_on` links. A target is resolved by normalized title: exact match,
 * else (for `depends on` / `blocked by` only) the one title it is a word prefix of. Among several,
 * a sibling wins, then an item of the same epic; otherwise the phrase is reported, not guessed.
 */
import { normOf, type Node } from './tree.js';
import { normalizeTitle } from './ids.js';
import type { PlanItem, PlanLink, PlanWarning } from './types.js';

export function resolveLinks(
  nodes: readonly Node[],
  itemOf: ReadonlyMap<Node, PlanItem>,
  items: readonly PlanItem[],
  warnings: PlanWarning[],
): PlanLink[] {
  const byTitle = new Map<string, PlanItem[]>();
  const byId = new Map<string, PlanItem>();
  for (const item of items) byId.set(item.id, item);
  for (const n of nodes) {
    // Parts 2.. share the title of part 1, a synthetic feature that of its epic.
    if (n.part > 1 || (n.synthetic && n.type === 'feature')) continue;
    const item = itemOf.get(n)!;
    const key = normOf(n);
    const list = byTitle.get(key);
    if (list) list.push(item);
    else byTitle.set(key, [item]);
  }
  let sorted: string[] | null = null;
  const keys = (): string[] => (sorted ??= [...byTitle.keys()].sort());
  const epicOf = (it: PlanItem): string => {
    let cur = it;
    while (cur.parentId !== null) cur = byId.get(cur.parentId)!;
    return cur.id;
  };
  const isAncestor = (a: PlanItem, b: PlanItem): boolean => {
    for (let cur = b.parentId; cur !== null; cur = byId.get(cur)!.parentId) if (cur === a.id) return true;
    return false;
  };

  const links: PlanLink[] = [];
  const seen = new Set<string>();
  for (const n of nodes) {
    const from = itemOf.get(n);
    if (!from || n.deps.length === 0) continue;
    for (const { phrase, line } of n.deps) {
      for (const target of phrase.targets) {
        const key = normalizeTitle(target);
        let found = byTitle.get(key) ?? (phrase.strong ? prefixMatch(keys(), key, byTitle) : []);
        if (found.length > 1) {
          const siblings = found.filter((c) => c.parentId === from.parentId);
          const sameEpic = found.filter((c) => epicOf(c) === epicOf(from));
          found = siblings.length > 0 ? siblings : sameEpic.length > 0 ? sameEpic : found;
        }
        const warn = (code: PlanWarning['code'], message: string) => {
          if (phrase.strong) warnings.push({ code, message, line: line + 1 });
        };
        if (found.length === 0) {
          warn('DEPENDENCY.UNRESOLVED', `No item is titled "${target}": no link made.`);
          continue;
        }
        if (found.length > 1) {
          warn('DEPENDENCY.AMBIGUOUS', `${found.length} items match "${target}": no link made.`);
          continue;
        }
        const to = found[0]!;
        if (to.id === from.id) continue;
        if (isAncestor(to, from) || isAncestor(from, to)) {
          warn(
            'DEPENDENCY.HIERARCHY',
            `"${from.title}" and "${to.title}" are parent and child: no link made.`,
          );
          continue;
        }
        const k = `${from.id} ${to.id}`;
        if (seen.has(k)) continue;
        seen.add(k);
        links.push({ fromId: from.id, kind: 'depends_on', toId: to.id, sourceLine: line + 1 });
      }
    }
  }
  return links;
}

/** Items of the only title that starts with `key` as whole words; none when several do. */
function prefixMatch(
  keys: readonly string[],
  key: string,
  byTitle: ReadonlyMap<string, PlanItem[]>,
): PlanItem[] {
  if (key.length < 3) return [];
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  let match: string | null = null;
  for (let i = lo; i < keys.length && keys[i]!.startsWith(key); i++) {
    if (keys[i]![key.length] !== ' ') continue;
    if (match !== null) return [];
    match = keys[i]!;
  }
  return match === null ? [] : byTitle.get(match)!;
}
