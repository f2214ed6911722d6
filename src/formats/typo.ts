/** Near-typos: a word one or two edits from a known one is a misspelling, not a newer keyword. */

/** The known word nearest to `word` within `limit - 1` edits, if any. */
export function nearestWord(word: string, known: Iterable<string>, limit = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = limit;
  for (const k of known) {
    const d = editDistance(word, k, bestDistance);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below it. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) >= limit) return limit;
    prev = row;
  }
  return prev[b.length]!;
}
