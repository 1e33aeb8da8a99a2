/**
 * What the corpus says follows a context: one record per matching occurrence (the token that
 * followed and how many context tokens matched before it), plus, for very common short contexts,
 * exact follower counts in place of thousands of records.
 */

export interface FollowerCounts {
  /** Follower id to count. */
  readonly counts: Map<number, number>;
  readonly total: number;
  /** The most frequent followers, most frequent first. */
  top(limit: number): readonly number[];
}

export class Evidence {
  readonly next: number[] = [];
  readonly length: number[] = [];
  readonly weight: number[] = [];
  /** The record's source also supplied a base histogram, which already counts this occurrence. */
  readonly covered: boolean[] = [];
  readonly bases: Array<{ followers: FollowerCounts; weight: number }> = [];

  get size(): number {
    return this.next.length;
  }

  add(next: number, length: number, weight: number, covered: boolean): void {
    this.next.push(next);
    this.length.push(length);
    this.weight.push(weight);
    this.covered.push(covered);
  }

  addBase(followers: FollowerCounts, weight: number): void {
    this.bases.push({ followers, weight });
  }

  truncate(size: number): void {
    this.next.length = size;
    this.length.length = size;
    this.weight.length = size;
    this.covered.length = size;
  }

  clear(): void {
    this.truncate(0);
    this.bases.length = 0;
  }
}
