import { describe, expect, it } from 'vitest';
import { Evidence } from '../../../../src/engine/engines/local/evidence.js';
import { OccurrenceStore } from '../../../../src/engine/engines/local/occurrences.js';

/** Records as [next, match length], longest first, plus the base counts when the context is common. */
function found(store: OccurrenceStore, context: number[]) {
  const evidence = new Evidence();
  store.collect(context, context.length, evidence, 1);
  const records = evidence.next.map((next, i) => [next, evidence.length[i]!] as const).filter(([, length]) => length > 1);
  records.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const base = evidence.bases[0] ? Object.fromEntries(evidence.bases[0].followers.counts) : undefined;
  return { records, base, sampled: evidence.next.filter((_, i) => evidence.length[i] === 1) };
}

describe('OccurrenceStore', () => {
  it('finds every earlier occurrence of a context with how far the match extends', () => {
    const store = new OccurrenceStore();
    store.append([0, 0, 5, 6, 7, 8]);
    store.append([0, 0, 9, 6, 7, 3]);
    store.append([0, 0, 5, 6, 7, 4]);
    expect(found(store, [1, 5, 6, 7]).records).toEqual([
      [4, 3],
      [8, 3],
      [3, 2],
    ]);
  });

  it('samples occurrences of the last token alone, leaving out those the two-token context covers', () => {
    const store = new OccurrenceStore();
    store.append([0, 0, 1, 7, 2, 7, 3, 7, 4]);
    expect(found(store, [3, 7]).sampled.sort()).toEqual([2, 3]);
  });

  it('forgets a removed block', () => {
    const store = new OccurrenceStore();
    const first = store.append([0, 0, 5, 6, 7]);
    store.append([0, 0, 5, 6, 8]);
    store.kill(first.start, first.end);
    expect(found(store, [5, 6]).records).toEqual([[8, 2]]);
    expect(store.dead).toBe(first.end - first.start);
  });

  it('keeps exact follower counts for common contexts, through additions and removals', () => {
    const store = new OccurrenceStore();
    const blocks = [];
    for (let i = 0; i < 150; i++) blocks.push(store.append([0, 0, 5, 6, 10 + (i % 3)]));
    store.countFrequentContexts();
    expect(found(store, [5, 6]).base).toEqual({ 10: 50, 11: 50, 12: 50 });
    store.append([0, 0, 5, 6, 13]);
    store.kill(blocks[0]!.start, blocks[0]!.end);
    expect(found(store, [5, 6]).base).toEqual({ 10: 49, 11: 50, 12: 50, 13: 1 });
  });

  it('counts a context that became common on its first use', () => {
    const store = new OccurrenceStore();
    for (let i = 0; i < 300; i++) store.append([0, 0, 5, 6, i % 2 === 0 ? 10 : 11]);
    const { base } = found(store, [5, 6]);
    expect(base).toEqual({ 10: 150, 11: 150 });
  });

  it('still finds long matches in a common context', () => {
    const store = new OccurrenceStore();
    for (let i = 0; i < 200; i++) store.append([0, 0, 1, 2, 3, 5, 6, 10]);
    store.append([0, 0, 20, 21, 22, 23, 5, 6, 99]);
    store.countFrequentContexts();
    const { records } = found(store, [20, 21, 22, 23, 5, 6]);
    expect(records[0]).toEqual([99, 6]);
  });

  it('grows past its first capacity without losing anything', () => {
    const store = new OccurrenceStore(8);
    for (let i = 0; i < 500; i++) store.append([0, 0, i, 1, 2, 1000 + i]);
    expect(store.length).toBe(3000);
    expect(found(store, [0, 0, 7, 1, 2]).records[0]).toEqual([1007, 5]);
  });

  it('gives back an overestimated reservation, bucket tables included, and finds the same afterwards', () => {
    const store = new OccurrenceStore(1 << 20);
    for (let i = 0; i < 2000; i++) store.append([0, 0, i % 50, 1, 2, 1000 + (i % 7)]);
    const contexts = [[0, 0, 7, 1, 2], [1, 2], [7, 1, 2]];
    // Matches of two tokens or more are exact; the one-token sample depends on which tokens share a bucket.
    const exact = (context: number[]) => {
      const { records, base } = found(store, context);
      return { records, base };
    };
    const before = contexts.map(exact);
    const reserved = store.memoryBytes();
    store.trim();
    expect(store.memoryBytes()).toBeLessThan(reserved / 20);
    expect(contexts.map(exact)).toEqual(before);
    store.append([0, 0, 7, 1, 2, 999]);
    expect(found(store, [0, 0, 7, 1, 2]).records[0]).toEqual([999, 5]);
  });
});
