/**
 * Turns evidence into next-token probabilities with Witten–Bell interpolation over context
 * lengths. Each distinct match length is one level: level L counts the occurrences whose context
 * matched at least L tokens. From the longest level down, a level keeps N/(N + κ·D) of the
 * remaining mass for the followers it saw (N observations, D distinct followers) and passes the
 * rest on; what is left after the shortest level goes to the unigram distribution. A context seen
 * many times with one follower is thus near certain; one seen once, or with many followers, is not.
 *
 * Exact follower counts (for common contexts) can list thousands of followers; only their most
 * frequent ones are listed as candidates, the others are priced on demand through `bases`.
 */
import type { Evidence, FollowerCounts } from './evidence.js';

export interface Prediction {
  /** Candidate followers, most probable first. */
  ids: number[];
  /** Their probability mass from the evidence (the unigram share comes on top, see `escape`). */
  seen: number[];
  /** Mass left for the unigram distribution: P(t) = seen(t) + escape · unigram(t). */
  escape: number;
  /** For followers not listed in `ids`: seen(t) = Σ scale · count(t). */
  bases: Array<{ followers: FollowerCounts; scale: number }>;
}

const SHORTEST_LEVEL = 2;
/** Followers of exact counts listed as candidates. */
const LISTED_BASE_FOLLOWERS = 12;
const EPSILON = 1e-9;

/**
 * κ at match length L: κ0 · h / (h + L - 2). A long exact match is strong evidence, so its level
 * passes less mass on; a text copied from an earlier occurrence then stays likely token after token.
 */
function kappaAt(kappa: number, halfLength: number, level: number): number {
  return halfLength > 0 ? (kappa * halfLength) / (halfLength + Math.max(0, level - SHORTEST_LEVEL)) : kappa;
}

export function estimate(evidence: Evidence, kappa: number, halfLength = 0): Prediction {
  const slot = new Map<number, number>();
  const ids: number[] = [];
  const slotOf = (id: number): number => {
    let index = slot.get(id);
    if (index === undefined) {
      index = ids.length;
      slot.set(id, index);
      ids.push(id);
    }
    return index;
  };
  const records = evidence.size;
  const recordSlot = new Int32Array(records);
  const levels = new Set<number>();
  for (let r = 0; r < records; r++) {
    recordSlot[r] = slotOf(evidence.next[r]!);
    levels.add(evidence.length[r]!);
  }
  const { bases } = evidence;
  for (const base of bases) for (const id of base.followers.top(LISTED_BASE_FOLLOWERS)) slotOf(id);
  if (bases.length > 0) levels.add(SHORTEST_LEVEL);
  if (ids.length === 0) return { ids, seen: [], escape: 1, bases: [] };

  const order = byLengthDescending(evidence.length, records);
  const thresholds = [...levels].sort((x, y) => y - x);
  const counts = new Float64Array(ids.length);
  const mass = new Float64Array(ids.length);
  // Each candidate's count in the exact histograms, and whether any of them lists it.
  const baseCounts = new Float64Array(ids.length);
  const inBase = new Uint8Array(ids.length);
  let baseTotal = 0;
  let baseDistinct = 0;
  for (const base of bases) {
    baseTotal += base.followers.total * base.weight;
    baseDistinct += base.followers.counts.size;
    for (let i = 0; i < ids.length; i++) {
      const count = base.followers.counts.get(ids[i]!);
      if (count === undefined) continue;
      baseCounts[i] += count * base.weight;
      inBase[i] = 1;
    }
  }
  const scaled: Prediction['bases'] = [];
  let remaining = 1;
  let next = 0;
  let baseApplied = false;
  for (const threshold of thresholds) {
    while (next < records && evidence.length[order[next]!]! >= threshold) {
      const r = order[next++]!;
      counts[recordSlot[r]!] += evidence.weight[r]!;
    }
    const atBase = threshold <= SHORTEST_LEVEL && bases.length > 0;
    if (atBase && !baseApplied) {
      baseApplied = true;
      // The exact counts replace the records they already include.
      for (let r = 0; r < records; r++) if (evidence.covered[r]) counts[recordSlot[r]!] -= evidence.weight[r]!;
      for (let i = 0; i < ids.length; i++) counts[i] += baseCounts[i]!;
    }
    let total = atBase ? baseTotal : 0;
    let distinct = atBase ? baseDistinct : 0;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i]! <= EPSILON) continue;
      if (atBase) {
        // Base followers are in baseTotal and baseDistinct already; add only what the records add.
        total += counts[i]! - baseCounts[i]!;
        if (!inBase[i]) distinct++;
      } else {
        total += counts[i]!;
        distinct++;
      }
    }
    if (total <= 0) continue;
    const escape = kappaAt(kappa, halfLength, threshold) * distinct;
    const denominator = total + escape;
    for (let i = 0; i < counts.length; i++) if (counts[i]! > EPSILON) mass[i] += (remaining * counts[i]!) / denominator;
    if (atBase) for (const base of bases) scaled.push({ followers: base.followers, scale: (remaining * base.weight) / denominator });
    remaining *= escape / denominator;
  }
  const ranked = Array.from({ length: ids.length }, (_, i) => i).sort((x, y) => mass[y]! - mass[x]!);
  return { ids: ranked.map((i) => ids[i]!), seen: ranked.map((i) => mass[i]!), escape: remaining, bases: scaled };
}

/** Record indices ordered by match length, longest first (a counting sort: lengths are small). */
function byLengthDescending(lengths: readonly number[], records: number): Int32Array {
  let longest = 0;
  for (let r = 0; r < records; r++) if (lengths[r]! > longest) longest = lengths[r]!;
  const starts = new Int32Array(longest + 2);
  for (let r = 0; r < records; r++) starts[longest - lengths[r]! + 1]++;
  for (let i = 1; i < starts.length; i++) starts[i] += starts[i - 1]!;
  const order = new Int32Array(records);
  for (let r = 0; r < records; r++) order[starts[longest - lengths[r]!]!++] = r;
  return order;
}
