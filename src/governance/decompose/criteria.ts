/**
 * Criteria written for a whole epic (an `Acceptance criteria` section after its features) that
 * speak about one of its features are that feature's too: a criterion is copied to the feature
 * whose title and tasks share the most words with it, when exactly one does by a clear margin
 * (its title shares a word, or its tasks two). The epic keeps every criterion, so each line still
 * has one item that holds it; nothing is matched across epics, so an edit stays in its section.
 */
import type { PlanItem } from './types.js';

const STOP = new Set([
  ...['that', 'this', 'with', 'from', 'into', 'when', 'then', 'than', 'have', 'must', 'should'],
  ...['will', 'shall', 'every', 'each', 'only', 'under', 'over', 'within', 'after', 'before'],
  ...['gets', 'does', 'more', 'less', 'least', 'most', 'their', 'there', 'which', 'while'],
  ...['user', 'users', 'able', 'seconds', 'minutes', 'second', 'minute'],
]);

/** Word stems of a text: words of four letters or more, cut at five, without filler words. */
function stems(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (w.length >= 4 && !STOP.has(w) && !/^\d/.test(w)) out.add(w.slice(0, 5));
  }
  return out;
}

export function shareEpicCriteria(items: PlanItem[]): void {
  const children = new Map<string, PlanItem[]>();
  for (const it of items) {
    if (it.parentId === null) continue;
    const list = children.get(it.parentId);
    if (list) list.push(it);
    else children.set(it.parentId, [it]);
  }
  for (const epic of items) {
    if (epic.type !== 'epic' || epic.acceptanceCriteria.length === 0) continue;
    const features = (children.get(epic.id) ?? []).filter((f) => f.type === 'feature');
    if (features.length < 2) continue;
    const words = features.map((f) => ({
      feature: f,
      title: stems(f.title),
      tasks: stems((children.get(f.id) ?? []).map((t) => t.title).join(' ')),
    }));
    for (const criterion of epic.acceptanceCriteria) {
      const own = stems(criterion);
      let best: PlanItem | null = null;
      let top = 0;
      let tie = false;
      for (const w of words) {
        let score = 0;
        for (const s of own) score += w.title.has(s) ? 2 : w.tasks.has(s) ? 1 : 0;
        if (score > top) [best, top, tie] = [w.feature, score, false];
        else if (score === top && score > 0) tie = true;
      }
      if (best === null || tie || top < 2) continue;
      if (!best.acceptanceCriteria.includes(criterion)) best.acceptanceCriteria.push(criterion);
    }
  }
}
