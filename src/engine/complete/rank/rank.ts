/**
 * The rank stage: orders candidates, best first. A candidate that parses cleanly in place beats
 * one that does not; then the model's own confidence (mean log-probability per character, when
 * the engine reports it); then length, since a longer correct suggestion saves more typing.
 * Identical texts are merged, keeping the better score.
 */
export interface RankCandidate {
  text: string;
  logprob?: number;
  /** Syntax errors the candidate adds to the document (0 = none); undefined when not measured. */
  addedErrors?: number;
}

export interface Ranked<T extends RankCandidate> {
  ranked: T[];
  duplicates: number;
}

function confidence(c: RankCandidate): number {
  return c.logprob === undefined ? Number.NEGATIVE_INFINITY : c.logprob / Math.max(1, c.text.length);
}

export function rankCandidates<T extends RankCandidate>(candidates: readonly T[]): Ranked<T> {
  const byText = new Map<string, T>();
  for (const candidate of candidates) {
    const seen = byText.get(candidate.text);
    if (!seen || confidence(candidate) > confidence(seen)) byText.set(candidate.text, candidate);
  }
  const ranked = [...byText.values()].sort(
    (a, b) =>
      (a.addedErrors ?? 0) - (b.addedErrors ?? 0) ||
      confidence(b) - confidence(a) ||
      b.text.length - a.text.length,
  );
  return { ranked, duplicates: candidates.length - byText.size };
}
