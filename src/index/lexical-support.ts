/** Building blocks of the BM25 index: its term dictionary, varint coding and top-k selection. */

export function corrupt(reason: string): Error {
  return new Error(`The lexical index data is corrupt or truncated (${reason}); rebuild the index.`);
}

const NEWLINE = 10;

/**
 * Term → id. Terms loaded from disk stay one block of UTF-8 bytes, sorted, and are found by binary
 * search: loading is a scan for newlines, where a Map of 300k strings costs ~150 ms to build and a
 * hash table over the block ~50 ms of cache misses. Terms added later go to an ordinary Map and
 * take the ids after the loaded ones.
 *
 * Sorting JS strings orders them by UTF-16 code unit, which equals UTF-8 byte order because
 * tokens never hold surrogates (the tokenizer treats them as separators).
 */
export class TermDictionary {
  private readonly starts: Uint32Array;
  private readonly added = new Map<string, number>();
  private readonly addedNames: string[] = [];

  /** `bytes` holds `baseCount` sorted, distinct terms, each followed by "\n". */
  constructor(
    private readonly bytes: Uint8Array = new Uint8Array(0),
    private readonly baseCount = 0,
  ) {
    this.starts = termStarts(bytes, baseCount);
  }

  get count(): number {
    return this.baseCount + this.addedNames.length;
  }

  lookup(token: string): number | undefined {
    const late = this.added.get(token);
    if (late !== undefined || this.baseCount === 0) return late;
    const encoded = Buffer.from(token, 'utf8');
    let low = 0;
    let high = this.baseCount - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compare(middle, encoded);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** The id of `token`, adding it when new. */
  intern(token: string): number {
    const known = this.lookup(token);
    if (known !== undefined) return known;
    const term = this.count;
    this.added.set(token, term);
    this.addedNames.push(token);
    return term;
  }

  nameOf(term: number): string {
    if (term >= this.baseCount) return this.addedNames[term - this.baseCount]!;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length).toString('utf8', this.starts[term], this.starts[term + 1]! - 1);
  }

  /** Every term id in byte order of the terms: loaded ones are sorted already, added ones merge in. */
  sortedIds(): number[] {
    const late = [...this.addedNames].sort();
    const out: number[] = [];
    let base = 0;
    for (const name of late) {
      if (base < this.baseCount) {
        const bytes = Buffer.from(name, 'utf8');
        while (base < this.baseCount && this.compare(base, bytes) < 0) out.push(base++);
      }
      out.push(this.added.get(name)!);
    }
    while (base < this.baseCount) out.push(base++);
    return out;
  }

  /** Appends the term's UTF-8 bytes and a newline. */
  writeTo(term: number, out: ByteWriter): void {
    if (term < this.baseCount) out.append(this.bytes.subarray(this.starts[term]!, this.starts[term + 1]!));
    else {
      out.text(this.addedNames[term - this.baseCount]!);
      out.byte(NEWLINE);
    }
  }

  private compare(term: number, encoded: Uint8Array): number {
    const start = this.starts[term]!;
    const length = this.starts[term + 1]! - 1 - start;
    const shared = Math.min(length, encoded.length);
    for (let i = 0; i < shared; i++) {
      const difference = this.bytes[start + i]! - encoded[i]!;
      if (difference !== 0) return difference;
    }
    return length - encoded.length;
  }
}

function termStarts(bytes: Uint8Array, count: number): Uint32Array {
  const starts = new Uint32Array(count + 1);
  let term = 0;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== NEWLINE) continue;
    if (i === start || term >= count) break;
    starts[term++] = start;
    start = i + 1;
  }
  if (start !== bytes.length || term !== count) {
    throw corrupt(`the term list does not hold the ${count} newline-terminated terms its header promises`);
  }
  starts[count] = bytes.length;
  return starts;
}

export class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  next(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw corrupt('a posting list ends mid-number');
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw corrupt('a posting number is too long');
  }
}

export class ByteWriter {
  private buffer = Buffer.allocUnsafe(1 << 16);
  length = 0;

  varint(value: number): void {
    this.reserve(5);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.length++] = value;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  text(value: string): void {
    this.reserve(value.length * 3);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

export interface Hit {
  id: number;
  score: number;
}

/** Keeps the best k hits (score desc, then id asc) in a binary min-heap whose root is the worst kept. */
export class TopK {
  private readonly heap: Hit[] = [];

  constructor(private readonly k: number) {}

  offer(id: number, score: number): void {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push({ id, score });
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!below(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
      return;
    }
    if (!below(heap[0]!, { id, score })) return;
    heap[0] = { id, score };
    for (let i = 0; ; ) {
      let worst = i;
      const left = 2 * i + 1;
      const right = left + 1;
      if (left < heap.length && below(heap[left]!, heap[worst]!)) worst = left;
      if (right < heap.length && below(heap[right]!, heap[worst]!)) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  }

  sorted(): Hit[] {
    return [...this.heap].sort((a, b) => b.score - a.score || a.id - b.id);
  }
}

/** Whether `a` ranks below `b`. */
function below(a: Hit, b: Hit): boolean {
  return a.score < b.score || (a.score === b.score && a.id > b.id);
}
