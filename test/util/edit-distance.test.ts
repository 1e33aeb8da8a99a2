import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/util/edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('greet', 'greet')).toBe(0);
  });

  it('counts an adjacent swap as one edit only when asked', () => {
    expect(editDistance('modle', 'model')).toBe(2);
    expect(editDistance('modle', 'model', { transpositions: true })).toBe(1);
    expect(editDistance('ca', 'abc', { transpositions: true })).toBe(3);
  });
});
