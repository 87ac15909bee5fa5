/** Levenshtein distance, case-insensitive; two rows of the table at a time. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[y.length]!;
}

/** The `n` candidates closest to `target` by edit distance, closest first (ties in input order). */
export function nearest(target: string, candidates: readonly string[], n: number): string[] {
  return candidates
    .map((c, i) => ({ c, i, d: editDistance(target, c) }))
    .sort((p, q) => p.d - q.d || p.i - q.i)
    .slice(0, n)
    .map((p) => p.c);
}
