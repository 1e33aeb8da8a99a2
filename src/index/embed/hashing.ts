/**
 * The built-in embedder: no model, no network, same vectors on every machine.
 *
 * Features are the code tokens of a text plus the character trigrams of each token's parts
 * (with `^`/`$` boundary marks, so `parse`, `parser` and `parsing` share most of them). Each
 * feature is hashed to a bucket of the vector with a second hash choosing the sign, so collisions
 * cancel out on average instead of piling up. Weights are sublinear tf × IDF, and vectors are
 * L2-normalised so a dot product is the cosine.
 *
 * IDF lives in a table of 65,536 hashed feature buckets rather than per token: its size does not
 * grow with the repository. Stored quantized to a byte per bucket and deflated, it is ~20–60 kB.
 * A bucket no fitted text touched gets the highest IDF, as a word never seen is the most telling.
 * Before `fit` (or `restore`) every IDF is 1.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { forEachCodeToken } from '../tokenize.js';
import type { Embedder } from '../types.js';

/** Bump when features, hashing or weighting change: the id then no longer matches stored indexes. */
const VERSION = 1;
const DEFAULT_DIMENSIONS = 256;
const IDF_BITS = 16;
const IDF_BUCKETS = 1 << IDF_BITS;
/**
 * Trigrams carry much of the recall for short natural-language queries (on a stdlib probe set,
 * MRR 0.18 without them, 0.34 at 0.5), but they are many per token; half weight matched full
 * weight there while leaving exact identifiers the larger say.
 */
const TRIGRAM_WEIGHT = 0.5;
/** Embedding is synchronous CPU work; yield this often so a UI stays responsive. */
const YIELD_EVERY_MS = 8;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const TOKEN_SEED = 0x7f4a7c15;
const TRIGRAM_SEED = 0x2545f491;
const SIGN_SEED = 0x5bd1e995;
const START = 0x5e; // '^'
const END = 0x24; // '$'

export interface HashingEmbedderOptions {
  dimensions?: number;
}

export interface HashingState {
  kind: 'hashing-idf';
  version: number;
  /** Texts the IDF was learned from. */
  documents: number;
  maxIdf: number;
  /** Base64 of the deflated byte-per-bucket IDF table (idf = byte / 255 × maxIdf). */
  idf: string;
}

export class HashingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private idf: Float32Array | undefined;
  private fitted: { documents: number; maxIdf: number; quantized: Uint8Array } | undefined;
  private readonly counts = new FeatureCounts();

  constructor(options: HashingEmbedderOptions = {}) {
    const dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 65536) {
      throw new RangeError(`HashingEmbedder dimensions must be an integer from 1 to 65536, got ${dimensions}`);
    }
    this.dimensions = dimensions;
    this.id = `hashing-v${VERSION}-${dimensions}`;
  }

  fit(texts: string[]): void {
    const df = new Uint32Array(IDF_BUCKETS);
    const seen = new Uint32Array(IDF_BUCKETS);
    texts.forEach((text, index) => {
      const stamp = index + 1;
      forEachFeature(text, (feature) => {
        const bucket = fmix(feature) >>> (32 - IDF_BITS);
        if (seen[bucket] === stamp) return;
        seen[bucket] = stamp;
        df[bucket]++;
      });
    });
    const documents = texts.length;
    const maxIdf = Math.log(1 + documents) + 1;
    const quantized = new Uint8Array(IDF_BUCKETS);
    for (let bucket = 0; bucket < IDF_BUCKETS; bucket++) {
      const idf = Math.log((1 + documents) / (1 + df[bucket]!)) + 1;
      quantized[bucket] = Math.round((idf / maxIdf) * 255);
    }
    this.adopt(documents, maxIdf, quantized);
  }

  state(): HashingState | undefined {
    if (!this.fitted) return undefined;
    const { documents, maxIdf, quantized } = this.fitted;
    return { kind: 'hashing-idf', version: VERSION, documents, maxIdf, idf: deflateRawSync(quantized).toString('base64') };
  }

  restore(state: unknown): void {
    const s = state as Partial<HashingState> | null;
    const invalid = (why: string) => new Error(`The stored hashing-embedder state is invalid (${why}); rebuild the index.`);
    if (!s || typeof s !== 'object' || s.kind !== 'hashing-idf') throw invalid('not a hashing IDF table');
    if (s.version !== VERSION) throw invalid(`version ${String(s.version)}, expected ${VERSION}`);
    if (typeof s.documents !== 'number' || typeof s.maxIdf !== 'number' || !(s.maxIdf > 0) || typeof s.idf !== 'string') {
      throw invalid('missing fields');
    }
    let quantized: Buffer;
    try {
      quantized = inflateRawSync(Buffer.from(s.idf, 'base64'));
    } catch {
      throw invalid('the IDF table does not decompress');
    }
    if (quantized.length !== IDF_BUCKETS) throw invalid(`${quantized.length} IDF buckets, expected ${IDF_BUCKETS}`);
    this.adopt(s.documents, s.maxIdf, new Uint8Array(quantized));
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    let slice = performance.now();
    for (const text of texts) {
      signal?.throwIfAborted();
      out.push(this.embedOne(text));
      if (performance.now() - slice > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    return out;
  }

  /** The vector of one text, synchronously. An empty or token-less text gives the zero vector. */
  embedOne(text: string): Float32Array {
    const counts = this.counts;
    counts.clear();
    forEachFeature(text, (feature) => counts.add(feature));
    const vector = new Float32Array(this.dimensions);
    const idf = this.idf;
    for (let i = 0; i < counts.size; i++) {
      const feature = counts.keyAt(i);
      const mixed = fmix(feature);
      let weight = 1 + Math.log(counts.countAt(i));
      if (idf) weight *= idf[mixed >>> (32 - IDF_BITS)]!;
      if (feature & 1) weight *= TRIGRAM_WEIGHT;
      const bucket = (mixed & 0xffff) % this.dimensions;
      vector[bucket] += fmix(feature ^ SIGN_SEED) & 1 ? weight : -weight;
    }
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < vector.length; i++) vector[i] *= scale;
    }
    return vector;
  }

  /** fit() and restore() both go through the quantized table, so their vectors are identical. */
  private adopt(documents: number, maxIdf: number, quantized: Uint8Array): void {
    const idf = new Float32Array(IDF_BUCKETS);
    for (let bucket = 0; bucket < IDF_BUCKETS; bucket++) idf[bucket] = (quantized[bucket]! / 255) * maxIdf;
    this.idf = idf;
    this.fitted = { documents, maxIdf, quantized };
  }
}

/**
 * Calls `visit` with every feature occurrence as a 32-bit hash whose low bit tells trigrams (1)
 * from tokens (0): each token, and the boundary-marked trigrams of each part. Compounds get no
 * trigrams, as theirs would repeat the parts'.
 */
function forEachFeature(text: string, visit: (feature: number) => void): void {
  forEachCodeToken(text, (token, compound) => {
    let hash = FNV_OFFSET ^ TOKEN_SEED;
    for (let i = 0; i < token.length; i++) hash = Math.imul(hash ^ token.charCodeAt(i), FNV_PRIME);
    visit(hash & ~1);
    if (compound) return;
    // "^t0 t1 ... tn$": as many trigrams as the token has characters (tokens have at least two).
    let a = START;
    let b = token.charCodeAt(0);
    for (let i = 1; i <= token.length; i++) {
      const c = i < token.length ? token.charCodeAt(i) : END;
      let h = FNV_OFFSET ^ TRIGRAM_SEED;
      h = Math.imul(h ^ a, FNV_PRIME);
      h = Math.imul(h ^ b, FNV_PRIME);
      h = Math.imul(h ^ c, FNV_PRIME);
      visit(h | 1);
      a = b;
      b = c;
    }
  });
}

/** MurmurHash3's finalizer: spreads FNV's weak low bits over the whole word. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Feature hash → occurrences for one text: open addressing with generation stamps, so clearing is O(1). */
class FeatureCounts {
  private keys = new Int32Array(1 << 12);
  private stamps = new Uint32Array(1 << 12);
  private values = new Uint32Array(1 << 12);
  private order = new Int32Array(1 << 11);
  private generation = 1;
  size = 0;

  clear(): void {
    this.size = 0;
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  add(key: number): void {
    const mask = this.keys.length - 1;
    for (let slot = fmix(key) & mask; ; slot = (slot + 1) & mask) {
      if (this.stamps[slot] !== this.generation) {
        this.stamps[slot] = this.generation;
        this.keys[slot] = key;
        this.values[slot] = 1;
        this.order[this.size++] = slot;
        if (this.size * 2 >= this.keys.length) this.grow();
        return;
      }
      if (this.keys[slot] === key) {
        this.values[slot]++;
        return;
      }
    }
  }

  keyAt(i: number): number {
    return this.keys[this.order[i]!]!;
  }

  countAt(i: number): number {
    return this.values[this.order[i]!]!;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const used = Array.from(this.order.subarray(0, this.size));
    const capacity = keys.length * 2;
    this.keys = new Int32Array(capacity);
    this.stamps = new Uint32Array(capacity);
    this.values = new Uint32Array(capacity);
    this.order = new Int32Array(capacity / 2);
    this.generation = 1;
    this.size = 0;
    const mask = capacity - 1;
    for (const old of used) {
      let slot = fmix(keys[old]!) & mask;
      while (this.stamps[slot] === 1) slot = (slot + 1) & mask;
      this.stamps[slot] = 1;
      this.keys[slot] = keys[old]!;
      this.values[slot] = values[old]!;
      this.order[this.size++] = slot;
    }
  }
}
