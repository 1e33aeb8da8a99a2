/**
 * A bounded map that forgets the least recently used entry first (a Map keeps insertion order).
 * The bound is a count by default; with `weigh`, it is a total weight (say, characters held), and
 * an entry heavier than the whole bound is not kept at all.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.capacity) return;
    this.entries.set(key, value);
    this.total += weight;
    while (this.total > this.capacity) this.delete(this.entries.keys().next().value!);
  }

  delete(key: K): void {
    const value = this.entries.get(key);
    if (!this.entries.has(key)) return;
    this.entries.delete(key);
    this.total -= this.weigh(value as V);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The summed weight of the entries kept (their count without `weigh`). */
  get weight(): number {
    return this.total;
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }
}
