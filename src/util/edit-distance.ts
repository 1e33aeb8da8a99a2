/**
 * Edit distance: insertions, deletions and substitutions, each one edit. With `transpositions`, a
 * swap of two adjacent characters is one edit too (optimal string alignment: "modle" → "model" is
 * 1, not 2).
 */
export function editDistance(a: string, b: string, options: { transpositions?: boolean } = {}): number {
  const transpositions = options.transpositions ?? false;
  let twoRowsUp: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let cost = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, twoRowsUp[j - 2]! + 1);
      current[j] = cost;
    }
    twoRowsUp = previous;
    previous = current;
  }
  return previous[b.length]!;
}
