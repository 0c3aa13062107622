/** Edit distance and "did you mean": for suggesting the closest valid name after a typo. */

export function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The candidate nearest to `word` (case-insensitive), if it is near enough to be a typo of it. */
export function closest(word: string, candidates: Iterable<string>, maxRatio = 0.4): string | undefined {
  const w = word.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = levenshtein(w, c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  if (!best || best.d > Math.max(1, Math.round(best.c.length * maxRatio))) return undefined;
  return best.c;
}
