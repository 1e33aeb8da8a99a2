import { describe, expect, it } from 'vitest';
import { rankCandidates } from '../../../../src/engine/complete/rank/rank.js';

describe('rankCandidates', () => {
  it('puts parse-clean candidates first, then the more confident, then the longer', () => {
    const { ranked } = rankCandidates([
      { text: 'broken(', addedErrors: 1, logprob: -0.1 },
      { text: 'short', logprob: -5 },
      { text: 'confident', logprob: -0.9 },
      { text: 'longer one', addedErrors: 0 },
      { text: 'long', addedErrors: 0 },
    ]);
    expect(ranked.map((c) => c.text)).toEqual(['confident', 'short', 'longer one', 'long', 'broken(']);
  });

  it('merges duplicates, keeping the better score', () => {
    const { ranked, duplicates } = rankCandidates([
      { text: 'a', logprob: -3 },
      { text: 'a', logprob: -1 },
      { text: 'b', logprob: -2 },
    ]);
    expect(duplicates).toBe(1);
    expect(ranked).toEqual([
      { text: 'a', logprob: -1 },
      { text: 'b', logprob: -2 },
    ]);
  });
});
