/** Approximate nearest-neighbour search over chunk embeddings, backed by hnswlib. */
import fs from 'node:fs';
import hnswlib from 'hnswlib-node';
import type { HierarchicalNSW, SearchResult } from 'hnswlib-node';

const M = 16;
const EF_CONSTRUCTION = 100;
// A fixed seed makes builds reproducible: the same chunks in the same order give the same graph.
const RANDOM_SEED = 100;
const DEFAULT_CAPACITY = 1024;
const MAX_LABEL = 0xffffffff;

export interface VectorHit {
  id: number;
  /** Cosine similarity: 1 = same direction, 0 = orthogonal, -1 = opposite. */
  score: number;
}

export class VectorIndex {
  private constructor(
    readonly dimensions: number,
    private readonly index: HierarchicalNSW,
    private readonly live: Set<number>,
    /** Ids whose slot is marked deleted and may still hold them, so a re-add can revive the slot. */
    private readonly removed: Set<number>,
  ) {}

  static create(dimensions: number, capacity = DEFAULT_CAPACITY): VectorIndex {
    checkDimensions(dimensions);
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`invalid vector index capacity: ${capacity}`);
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    index.initIndex({
      maxElements: capacity,
      m: M,
      efConstruction: EF_CONSTRUCTION,
      randomSeed: RANDOM_SEED,
      allowReplaceDeleted: true,
    });
    return new VectorIndex(dimensions, index, new Set(), new Set());
  }

  static load(path: string, dimensions: number): VectorIndex {
    checkDimensions(dimensions);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`vector index not found: ${path}`);
      throw new Error(`cannot read vector index ${path}: ${(err as Error).message}`);
    }
    // hnswlib trusts the file: a corrupt header or neighbour list makes it read out of bounds and
    // crash the process, so the whole structure is checked here first.
    const { live, removed } = inspectFile(bytes, path, dimensions);
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    try {
      index.readIndexSync(path, true);
    } catch (err) {
      throw new Error(`corrupt vector index ${path}: ${(err as Error).message}`);
    }
    return new VectorIndex(dimensions, index, live, removed);
  }

  get size(): number {
    return this.live.size;
  }

  add(id: number, vector: Float32Array): void {
    checkId(id);
    const point = this.toArray(vector);
    if (this.live.has(id)) {
      // Passing replaceDeleted here would park the new vector in some vacant slot and leave the
      // old one searchable under the same id; a plain add updates the existing slot in place.
      this.index.addPoint(point, id, false);
      return;
    }
    if (this.restore(id)) {
      this.index.addPoint(point, id, false);
      this.live.add(id);
      return;
    }
    const vacant = this.index.getCurrentCount() - this.live.size;
    const capacity = this.index.getMaxElements();
    if (vacant === 0 && this.index.getCurrentCount() >= capacity) {
      // An empty index comes back from disk with capacity 0, and resizing to 0 frees hnswlib's
      // buffers without replacing them, so growth never goes below the default.
      this.index.resizeIndex(Math.min(MAX_LABEL, Math.max(DEFAULT_CAPACITY, capacity * 2)));
    }
    this.index.addPoint(point, id, true);
    this.live.add(id);
  }

  remove(id: number): void {
    if (!this.live.has(id)) return;
    this.index.markDelete(id);
    this.live.delete(id);
    this.removed.add(id);
  }

  search(query: Float32Array, k: number, accept?: (id: number) => boolean): VectorHit[] {
    const point = this.toArray(query);
    const limit = Math.min(Math.floor(k), this.live.size);
    if (!(limit > 0)) return [];
    this.index.setEf(Math.max(64, limit * 2));

    // An exception thrown into the native filter callback aborts the whole process, so the
    // caller's predicate is fenced off and its error rethrown once hnswlib has returned.
    let failure: { error: unknown } | undefined;
    const filter = accept
      ? (label: number): boolean => {
          if (failure) return false;
          try {
            return accept(label) === true;
          } catch (error) {
            failure = { error };
            return false;
          }
        }
      : undefined;

    let result: SearchResult;
    try {
      result = filter ? this.index.searchKnn(point, limit, filter) : this.index.searchKnn(point, limit);
    } catch (err) {
      if (failure) throw failure.error;
      // Some hnswlib builds throw instead of returning short when the filter leaves nothing.
      if (filter) return [];
      throw err;
    }
    if (failure) throw failure.error;

    const hits: VectorHit[] = [];
    for (let i = 0; i < result.neighbors.length; i++) {
      hits.push({ id: result.neighbors[i]!, score: 1 - result.distances[i]! });
    }
    return hits;
  }

  save(path: string): void {
    // hnswlib writes through an unchecked ofstream: a missing directory or a full disk leaves no
    // file or a short one without any error, so the result is checked against its minimum size
    // (after removing any older file that could pass for it).
    fs.rmSync(path, { force: true });
    this.index.writeIndexSync(path);
    let size: number;
    try {
      size = fs.statSync(path).size;
    } catch {
      throw new Error(`failed to write vector index ${path}`);
    }
    const count = this.index.getCurrentCount();
    // Level-0 link header, vector, label, and upper-level size field: the least each element takes.
    const minimum = HEADER_BYTES + count * (4 + this.dimensions * 4 + 8 + 4);
    if (size < minimum) throw new Error(`failed to write vector index ${path}: ${size} of at least ${minimum} bytes written`);
  }

  /**
   * Exact cosine similarity of `query` to each of `ids`, best first: for a filter that leaves few
   * candidates, scoring them all is faster and better than a filtered graph walk.
   */
  exact(query: Float32Array, ids: Iterable<number>, k: number): VectorHit[] {
    let norm = 0;
    for (const value of query) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    const hits: VectorHit[] = [];
    for (const id of ids) {
      if (this.removed.has(id)) continue;
      let point: number[];
      try {
        point = this.index.getPoint(id);
      } catch {
        continue;
      }
      let dot = 0;
      let pointNorm = 0;
      for (let i = 0; i < point.length; i++) {
        dot += point[i]! * query[i]!;
        pointNorm += point[i]! * point[i]!;
      }
      hits.push({ id, score: dot / (norm * (Math.sqrt(pointNorm) || 1)) });
    }
    return hits.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
  }

  /** Brings back a removed id's own slot, so re-adding it never leaves a second copy behind. */
  private restore(id: number): boolean {
    // Checked first because a failed unmarkDelete is a native exception: ~7 µs, on every new id.
    if (!this.removed.delete(id)) return false;
    try {
      this.index.unmarkDelete(id);
      return true;
    } catch {
      // The slot has since been handed to another id.
      return false;
    }
  }

  private toArray(vector: Float32Array): number[] {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, index expects ${this.dimensions}`);
    }
    const point = new Array<number>(vector.length);
    for (let i = 0; i < vector.length; i++) {
      const value = vector[i]!;
      // One NaN poisons every distance computed against it, and the graph built around it.
      if (!Number.isFinite(value)) throw new Error(`vector has a non-finite value at dimension ${i}`);
      point[i] = value;
    }
    return point;
  }
}

function checkDimensions(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error(`invalid vector dimensions: ${dimensions}`);
}

function checkId(id: number): void {
  // hnswlib-node truncates labels to uint32 silently; anything else would alias another id.
  if (!Number.isInteger(id) || id < 0 || id > MAX_LABEL) throw new Error(`invalid vector id: ${id}`);
}

// hnswlib's on-disk layout (hnswalg.h saveIndex) for a 64-bit build: a fixed header, then one
// record per element (level-0 links, vector, label), then each element's upper-level links.
const HEADER_BYTES = 96;
const DELETE_MARK = 0x01;

/** Checks a saved index end to end and returns the ids of its live and its deleted vectors. */
function inspectFile(bytes: Buffer, path: string, dimensions: number): { live: Set<number>; removed: Set<number> } {
  const corrupt = (why: string): Error => new Error(`corrupt vector index ${path}: ${why}`);
  if (bytes.length < HEADER_BYTES) throw corrupt(`${bytes.length} bytes is shorter than the header`);

  const u64 = (offset: number): number => {
    const value = bytes.readBigUInt64LE(offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`header field at byte ${offset} is out of range`);
    return Number(value);
  };
  const offsetLevel0 = u64(0);
  const maxElements = u64(8);
  const count = u64(16);
  const perElement = u64(24);
  const labelOffset = u64(32);
  const dataOffset = u64(40);
  const maxLevel = bytes.readInt32LE(48);
  const entryPoint = bytes.readUInt32LE(52);
  const maxM = u64(56);
  const fileMaxM0 = u64(64);
  const mult = bytes.readDoubleLE(80);

  if (offsetLevel0 !== 0 || maxM < 1 || fileMaxM0 < 1 || maxM > 0xffff || fileMaxM0 > 0xffff) {
    throw corrupt('unrecognized header');
  }
  if (dataOffset !== 4 + fileMaxM0 * 4 || labelOffset < dataOffset || perElement !== labelOffset + 8) {
    throw corrupt('inconsistent element layout');
  }
  const vectorBytes = labelOffset - dataOffset;
  if (vectorBytes % 4 !== 0) throw corrupt('inconsistent element layout');
  if (vectorBytes / 4 !== dimensions) {
    throw new Error(`vector index ${path} has ${vectorBytes / 4} dimensions, expected ${dimensions}`);
  }
  if (count > maxElements || maxElements > MAX_LABEL || !(mult > 0 && Number.isFinite(mult))) {
    throw corrupt('unrecognized header');
  }
  const level0End = HEADER_BYTES + count * perElement;
  if (level0End + count * 4 > bytes.length || bytes.length % 4 !== 0) throw corrupt('file is truncated');

  // Every field past the header is a 4-byte word at a 4-byte offset; reading them through a typed
  // array rather than Buffer accessors halves the cost of this walk (~2M words at 50k vectors).
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, bytes.length / 4);
  const live = new Set<number>();
  const removed = new Set<number>();
  for (let i = 0; i < count; i++) {
    const base = (HEADER_BYTES + i * perElement) / 4;
    const links = words[base]! & 0xffff;
    if (links > fileMaxM0) throw corrupt(`element ${i} has ${links} links`);
    for (let j = 1; j <= links; j++) {
      if (words[base + j]! >= count) throw corrupt(`element ${i} links outside the index`);
    }
    // Labels are 64-bit on disk but always fit in 32 (see checkId): the high word must be zero.
    const label = base + labelOffset / 4;
    if (words[label + 1] !== 0) throw corrupt(`element ${i} has an invalid id`);
    const id = words[label]!;
    if (live.has(id) || removed.has(id)) throw corrupt(`id ${id} appears twice`);
    if (((words[base]! >>> 16) & DELETE_MARK) === 0) live.add(id);
    else removed.add(id);
  }

  const upperWords = 1 + maxM;
  let offset = level0End / 4;
  let entryLevel = 0;
  for (let i = 0; i < count; i++) {
    if (offset >= words.length) throw corrupt('file is truncated');
    const size = words[offset++]!;
    if (size % (upperWords * 4) !== 0 || offset + size / 4 > words.length) throw corrupt(`element ${i} has a bad link table`);
    const levels = size / (upperWords * 4);
    for (let level = 0; level < levels; level++) {
      const table = offset + level * upperWords;
      const links = words[table]! & 0xffff;
      if (links > maxM) throw corrupt(`element ${i} has ${links} links at level ${level + 1}`);
      for (let j = 1; j <= links; j++) {
        if (words[table + j]! >= count) throw corrupt(`element ${i} links outside the index`);
      }
    }
    if (i === entryPoint) entryLevel = levels;
    offset += size / 4;
  }
  if (offset !== words.length) throw corrupt(`${(words.length - offset) * 4} unexpected trailing bytes`);
  // Search starts at the entry point's top level; a mismatch would walk link tables that don't exist.
  if (count > 0 && (entryPoint >= count || maxLevel !== entryLevel)) throw corrupt('bad entry point');
  return { live, removed };
}
