import { describe, expect, it } from 'vitest';
import { estimate } from '../../../../src/engine/engines/local/estimate.js';
import { Evidence, type FollowerCounts } from '../../../../src/engine/engines/local/evidence.js';

function evidence(records: Array<[next: number, length: number, weight?: number]>): Evidence {
  const out = new Evidence();
  for (const [next, length, weight] of records) out.add(next, length, weight ?? 1, false);
  return out;
}

function followers(counts: Record<number, number>): FollowerCounts {
  const map = new Map(Object.entries(counts).map(([id, count]) => [Number(id), count]));
  const total = [...map.values()].reduce((a, b) => a + b, 0);
  return { counts: map, total, top: (limit) => [...map].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([id]) => id) };
}

const seen = (prediction: ReturnType<typeof estimate>, id: number) => prediction.seen[prediction.ids.indexOf(id)] ?? 0;

describe('estimate', () => {
  it('passes everything to the unigrams when there is no evidence', () => {
    expect(estimate(new Evidence(), 1)).toEqual({ ids: [], seen: [], escape: 1, bases: [] });
  });

  it('is near certain after many identical observations and unsure after one', () => {
    const many = estimate(evidence(Array.from({ length: 40 }, () => [7, 4] as [number, number])), 1);
    const once = estimate(evidence([[7, 4]]), 1);
    expect(seen(many, 7)).toBeGreaterThan(0.95);
    expect(seen(once, 7)).toBeCloseTo(0.5);
    expect(once.escape).toBeCloseTo(0.5);
  });

  it('trusts longer matches over shorter ones', () => {
    const prediction = estimate(evidence([[1, 9], [1, 9], [2, 2], [2, 2], [2, 2], [2, 2]]), 1);
    expect(prediction.ids[0]).toBe(1);
  });

  it('spreads mass over many different followers', () => {
    const prediction = estimate(evidence([[1, 3], [2, 3], [3, 3], [4, 3]]), 1);
    expect(seen(prediction, 1)).toBeCloseTo(0.125);
    expect(prediction.escape).toBeCloseTo(0.5);
  });

  it('makes a long match more decisive when κ falls with length', () => {
    const flat = estimate(evidence([[5, 14], [5, 14]]), 1, 0);
    const falling = estimate(evidence([[5, 14], [5, 14]]), 1, 6);
    expect(seen(falling, 5)).toBeGreaterThan(seen(flat, 5));
  });

  it('weighs the document above the repository', () => {
    const prediction = estimate(evidence([[1, 3], [1, 3], [2, 3, 4]]), 1);
    expect(prediction.ids[0]).toBe(2);
  });

  it('uses exact counts in place of the records they cover, pricing unlisted followers on demand', () => {
    const out = new Evidence();
    out.addBase(followers({ 1: 60, 2: 30, 3: 10 }), 1);
    out.add(1, 6, 1, true);
    const prediction = estimate(out, 1);
    expect(prediction.ids[0]).toBe(1);
    const total = prediction.seen.reduce((a, b) => a + b, 0) + prediction.escape;
    expect(total).toBeCloseTo(1);
    const unlisted = new Evidence();
    unlisted.addBase(followers(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [i, 30 - i]))), 1);
    const wide = estimate(unlisted, 1);
    expect(wide.ids.length).toBeLessThan(30);
    const priced = wide.bases.reduce((sum, base) => sum + base.scale * (base.followers.counts.get(29) ?? 0), 0);
    expect(priced).toBeGreaterThan(0);
  });
});
