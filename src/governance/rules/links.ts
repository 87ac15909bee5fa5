import type { ItemLink } from '../model/work-item.js';

/**
 * If adding `blocker -> blocked` would close a cycle, returns the cycle as a list of ids
 * (starting and ending at `blocker`); otherwise null.
 */
export function findCycle(links: readonly ItemLink[], blocker: string, blocked: string): string[] | null {
  const out = new Map<string, string[]>();
  for (const l of links) {
    const list = out.get(l.blockerId);
    if (list) list.push(l.blockedId);
    else out.set(l.blockerId, [l.blockedId]);
  }
  // Breadth-first from `blocked` along "blocks" edges; reaching `blocker` means a cycle.
  const prev = new Map<string, string>([[blocked, blocker]]);
  const queue = [blocked];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (node === blocker) {
      const path = [node];
      for (let n = prev.get(node); n !== undefined && n !== blocker; n = prev.get(n)) path.push(n);
      path.push(blocker);
      return path.reverse();
    }
    for (const next of out.get(node) ?? []) {
      if (!prev.has(next)) {
        prev.set(next, node);
        queue.push(next);
      }
    }
  }
  return null;
}
