/**
 * Every token of a family's corpus in one array, searchable by context. Hash chains (as in LZ77
 * compressors) link each position to the previous one whose preceding two, respectively five,
 * tokens hash alike; walking a chain and comparing backwards finds every earlier occurrence of a
 * context and how far the match extends. This gives n-gram counts of any order without storing
 * n-grams. A third chain, on the single previous token, samples the most recent occurrences of
 * a one-token context for when the longer contexts say little. About 18 bytes per token.
 *
 * Removing a file overwrites its tokens with DEAD, which no context ever matches, so chains stay
 * valid; the owner compacts the store when too much of it is dead. Contexts so common that walking
 * their chain would be slow get exact follower counts, built on first use and kept up to date.
 */
import { Evidence, type FollowerCounts } from './evidence.js';

export const DEAD = -1;
/** Context tokens compared at most; longer matches say nothing more. */
export const MAX_MATCH = 24;
const SHORT = 2;
const LONG = 5;
/** Past this many occurrences of a two-token context, its counts are kept instead of walked. */
const FREQUENT_MATCHES = 96;
/** Bounds a walk through a bucket that other contexts crowd. */
const MAX_STEPS = 2048;
/** Occurrences of a one-token context sampled (the most recent ones). */
const ONE_TOKEN_SAMPLE = 64;
const MIN_BUCKETS = 1 << 10;
/** Pair keys are exact while ids stay below 2^24 (the vocabulary's cap plus a request's own tokens). */
const PAIR_SCALE = 1 << 24;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}

function hashShort(a: number, b: number): number {
  return mix(Math.imul(a, 0x9e3779b1) ^ (b + 0x632be5ab));
}

function hashLong(t: ArrayLike<number>, end: number): number {
  let h = 0x27d4eb2f;
  for (let i = end - LONG; i < end; i++) h = Math.imul(h ^ t[i]!, 0x9e3779b1) + 0x165667b1;
  return mix(h);
}

/**
 * Buckets per table for a store of `capacity` tokens, sized to the distinct contexts each table
 * sees rather than to positions: single tokens are few, two-token contexts about a tenth of the
 * positions, five-token contexts most of them. Unrelated contexts then rarely share a chain, while
 * the tables cost 2.5 bytes per token instead of 9.
 */
function bucketCounts(capacity: number): { one: number; short: number; long: number } {
  const long = nextPowerOfTwo(capacity / 2);
  return { one: Math.max(MIN_BUCKETS, long / 16), short: Math.max(MIN_BUCKETS, long / 8), long };
}

function nextPowerOfTwo(n: number): number {
  let size = MIN_BUCKETS;
  while (size < n) size *= 2;
  return size;
}

class MutableFollowers implements FollowerCounts {
  readonly counts = new Map<number, number>();
  total = 0;
  private ranked: number[] | undefined;

  adjust(id: number, delta: number): void {
    const count = (this.counts.get(id) ?? 0) + delta;
    if (count > 0) this.counts.set(id, count);
    else this.counts.delete(id);
    this.total += delta;
    this.ranked = undefined;
  }

  top(limit: number): readonly number[] {
    if (!this.ranked || this.ranked.length < Math.min(limit, this.counts.size)) {
      const entries = [...this.counts];
      entries.sort((a, b) => b[1] - a[1]);
      this.ranked = entries.slice(0, Math.max(limit, 32)).map(([id]) => id);
    }
    return this.ranked.length > limit ? this.ranked.slice(0, limit) : this.ranked;
  }
}

export class OccurrenceStore {
  private tokens: Int32Array;
  private oneChain: Int32Array;
  private shortChain: Int32Array;
  private longChain: Int32Array;
  private oneHead: Int32Array;
  private shortHead: Int32Array;
  private longHead: Int32Array;
  private used = 0;
  private deadCount = 0;
  private readonly frequent = new Map<number, MutableFollowers>();

  constructor(expectedTokens = 1024) {
    const capacity = Math.max(64, expectedTokens);
    this.tokens = new Int32Array(capacity);
    this.oneChain = new Int32Array(capacity);
    this.shortChain = new Int32Array(capacity);
    this.longChain = new Int32Array(capacity);
    const buckets = bucketCounts(capacity);
    this.oneHead = new Int32Array(buckets.one).fill(-1);
    this.shortHead = new Int32Array(buckets.short).fill(-1);
    this.longHead = new Int32Array(buckets.long).fill(-1);
  }

  get length(): number {
    return this.used;
  }

  get dead(): number {
    return this.deadCount;
  }

  tokenAt(position: number): number {
    return this.tokens[position]!;
  }

  /** A copy of the tokens in [start, end). */
  slice(start: number, end: number): Int32Array {
    return this.tokens.slice(start, end);
  }

  /** Appends a block (a file, starting with its boundary tokens) and returns where it lies. */
  append(ids: ArrayLike<number>): { start: number; end: number } {
    const start = this.used;
    this.reserve(start + ids.length);
    this.tokens.set(ids, start);
    this.used = start + ids.length;
    for (let g = start; g < this.used; g++) this.link(g);
    if (this.frequent.size > 0) this.countInto(start, this.used, 1);
    return { start, end: this.used };
  }

  /** Forgets the block [start, end): no context will match inside it again. */
  kill(start: number, end: number): void {
    // The two positions after the block have contexts reaching into it; they stop matching too.
    if (this.frequent.size > 0) this.countInto(start, Math.min(end + SHORT, this.used), -1);
    this.tokens.fill(DEAD, start, end);
    this.deadCount += end - start;
  }

  /**
   * Adds to `evidence` the occurrences of the context `context[0..size)` (its last two tokens at
   * least), each with the token that followed and the length of the match.
   */
  collect(context: ArrayLike<number>, size: number, evidence: Evidence, weight: number): void {
    if (size < 1 || context[size - 1]! < 0) return;
    this.walkOne(context, size, evidence, weight);
    if (size < SHORT || context[size - 2]! < 0) return;
    const a = context[size - 2]!;
    const b = context[size - 1]!;
    const key = a * PAIR_SCALE + b;
    let followers = this.frequent.get(key);
    if (!followers) {
      const before = evidence.size;
      if (this.walkShort(context, size, evidence, weight)) return;
      evidence.truncate(before);
      followers = this.countFollowers(a, b);
      this.frequent.set(key, followers);
    }
    evidence.addBase(followers, weight);
    if (size >= LONG) this.walkLong(context, size, evidence, weight);
  }

  /**
   * Builds the follower counts of every context too common to walk, so that no request pays for
   * it later (after a bulk load; single files added later keep them up to date).
   */
  countFrequentContexts(): void {
    for (const _ of this.countFrequentContextsInSlices()) continue;
  }

  /** The same, pausing (yielding) after each slice of about `sliceSize` positions. */
  *countFrequentContextsInSlices(sliceSize = 1 << 18): Generator<void> {
    const t = this.tokens;
    const mask = this.shortHead.length - 1;
    // Count per bucket first (cheap); only crowded buckets can hold a frequent context.
    const perBucket = new Int32Array(this.shortHead.length);
    for (let g = SHORT; g < this.used; g++) {
      if (t[g]! >= 0 && t[g - 1]! >= 0 && t[g - 2]! >= 0) perBucket[hashShort(t[g - 2]!, t[g - 1]!) & mask]++;
    }
    this.frequent.clear();
    let visited = 0;
    for (let bucket = 0; bucket <= mask; bucket++) {
      if (perBucket[bucket]! <= FREQUENT_MATCHES) continue;
      const pairs = new Map<number, MutableFollowers>();
      for (let g = this.shortHead[bucket]!; g !== -1; g = this.shortChain[g]!) {
        if (t[g]! < 0 || t[g - 1]! < 0 || t[g - 2]! < 0) continue;
        const key = t[g - 2]! * PAIR_SCALE + t[g - 1]!;
        let followers = pairs.get(key);
        if (!followers) {
          followers = new MutableFollowers();
          pairs.set(key, followers);
        }
        followers.adjust(t[g]!, 1);
      }
      for (const [key, followers] of pairs) {
        if (followers.total <= FREQUENT_MATCHES) continue;
        followers.top(1);
        this.frequent.set(key, followers);
      }
      visited += perBucket[bucket]!;
      if (visited >= sliceSize) {
        visited = 0;
        yield;
      }
    }
  }

  /** Gives back capacity reserved for a bulk load that turned out smaller than estimated. */
  trim(): void {
    const wanted = this.used + (this.used >> 4) + 64;
    if (this.tokens.length > wanted + (wanted >> 3)) {
      const shrink = (array: Int32Array) => array.slice(0, wanted);
      this.tokens = shrink(this.tokens);
      this.oneChain = shrink(this.oneChain);
      this.shortChain = shrink(this.shortChain);
      this.longChain = shrink(this.longChain);
    }
    // Bucket tables sized for the estimate can be twice what the real count needs (8 MB instead of
    // 4 for two million tokens); re-linking once costs a pass over the tokens.
    if (bucketCounts(wanted).long < this.longHead.length) this.relink(wanted);
  }

  /** Heap bytes of the arrays. */
  memoryBytes(): number {
    const chains = this.oneChain.byteLength + this.shortChain.byteLength + this.longChain.byteLength;
    return this.tokens.byteLength + chains + this.oneHead.byteLength + this.shortHead.byteLength + this.longHead.byteLength;
  }

  private link(g: number): void {
    const t = this.tokens;
    if (g >= 1) {
      const bucket = mix(t[g - 1]! + 0x3c6ef372) & (this.oneHead.length - 1);
      this.oneChain[g] = this.oneHead[bucket]!;
      this.oneHead[bucket] = g;
    } else {
      this.oneChain[g] = -1;
    }
    if (g >= SHORT) {
      const bucket = hashShort(t[g - 2]!, t[g - 1]!) & (this.shortHead.length - 1);
      this.shortChain[g] = this.shortHead[bucket]!;
      this.shortHead[bucket] = g;
    } else {
      this.shortChain[g] = -1;
    }
    if (g >= LONG) {
      const bucket = hashLong(t, g) & (this.longHead.length - 1);
      this.longChain[g] = this.longHead[bucket]!;
      this.longHead[bucket] = g;
    } else {
      this.longChain[g] = -1;
    }
  }

  private reserve(size: number): void {
    if (size <= this.tokens.length) return;
    const capacity = Math.max(size, Math.ceil(this.tokens.length * 1.5));
    const grow = (array: Int32Array) => {
      const grown = new Int32Array(capacity);
      grown.set(array.subarray(0, this.used));
      return grown;
    };
    this.tokens = grow(this.tokens);
    this.oneChain = grow(this.oneChain);
    this.shortChain = grow(this.shortChain);
    this.longChain = grow(this.longChain);
    if (bucketCounts(capacity).long > this.longHead.length) this.relink(capacity);
  }

  /** Sizes the bucket tables for `capacity` tokens and links every position again. */
  private relink(capacity: number): void {
    const buckets = bucketCounts(capacity);
    this.oneHead = new Int32Array(buckets.one).fill(-1);
    this.shortHead = new Int32Array(buckets.short).fill(-1);
    this.longHead = new Int32Array(buckets.long).fill(-1);
    for (let g = 0; g < this.used; g++) this.link(g);
  }

  /** Matches backwards from `g` against the context, which is known to match at least `known` tokens. */
  private matchLength(context: ArrayLike<number>, size: number, g: number, known: number): number {
    const t = this.tokens;
    let length = known;
    const limit = Math.min(MAX_MATCH, size, g);
    while (length < limit && t[g - 1 - length] === context[size - 1 - length]) length++;
    return length;
  }

  /**
   * Samples occurrences of the last token alone, leaving out those the two-token context already
   * covers (the token before differs), as records with match length 1.
   */
  private walkOne(context: ArrayLike<number>, size: number, evidence: Evidence, weight: number): void {
    const t = this.tokens;
    const b = context[size - 1]!;
    const a = size >= SHORT ? context[size - 2]! : DEAD;
    let matches = 0;
    let steps = 0;
    for (let g = this.oneHead[mix(b + 0x3c6ef372) & (this.oneHead.length - 1)]!; g !== -1 && steps < MAX_STEPS && matches < ONE_TOKEN_SAMPLE; g = this.oneChain[g]!, steps++) {
      if (t[g - 1] !== b || t[g] === DEAD || (g >= SHORT && t[g - 2] === a)) continue;
      matches++;
      evidence.add(t[g]!, 1, weight, false);
    }
  }

  /** Walks the short chain; false (records to be discarded) when the context is too common to walk. */
  private walkShort(context: ArrayLike<number>, size: number, evidence: Evidence, weight: number): boolean {
    const t = this.tokens;
    const a = context[size - 2]!;
    const b = context[size - 1]!;
    let matches = 0;
    let steps = 0;
    for (let g = this.shortHead[hashShort(a, b) & (this.shortHead.length - 1)]!; g !== -1 && steps < MAX_STEPS; g = this.shortChain[g]!, steps++) {
      if (t[g - 1] !== b || t[g - 2] !== a) continue;
      const next = t[g]!;
      if (next === DEAD) continue;
      if (++matches > FREQUENT_MATCHES) return false;
      evidence.add(next, this.matchLength(context, size, g, SHORT), weight, false);
    }
    return true;
  }

  private walkLong(context: ArrayLike<number>, size: number, evidence: Evidence, weight: number): void {
    const t = this.tokens;
    let matches = 0;
    let steps = 0;
    for (let g = this.longHead[hashLong(context, size) & (this.longHead.length - 1)]!; g !== -1 && steps < MAX_STEPS && matches < FREQUENT_MATCHES; g = this.longChain[g]!, steps++) {
      let same = true;
      for (let k = 1; k <= LONG; k++) {
        if (t[g - k] !== context[size - k]) {
          same = false;
          break;
        }
      }
      if (!same || t[g] === DEAD) continue;
      matches++;
      evidence.add(t[g]!, this.matchLength(context, size, g, LONG), weight, true);
    }
  }

  private countFollowers(a: number, b: number): MutableFollowers {
    const t = this.tokens;
    const followers = new MutableFollowers();
    for (let g = this.shortHead[hashShort(a, b) & (this.shortHead.length - 1)]!; g !== -1; g = this.shortChain[g]!) {
      if (t[g - 1] === b && t[g - 2] === a && t[g] !== DEAD) followers.adjust(t[g]!, 1);
    }
    return followers;
  }

  /** Keeps the kept follower counts in step with a block being added (+1) or removed (-1). */
  private countInto(start: number, end: number, delta: number): void {
    const t = this.tokens;
    for (let g = Math.max(start, SHORT); g < end; g++) {
      const a = t[g - 2]!;
      const b = t[g - 1]!;
      if (a < 0 || b < 0 || t[g]! < 0) continue;
      this.frequent.get(a * PAIR_SCALE + b)?.adjust(t[g]!, delta);
    }
  }
}
