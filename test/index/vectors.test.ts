import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VectorIndex } from '../../src/index/vectors.js';
import { seededRandom as rng } from '../support/random.js';

function randomVectors(count: number, dimensions: number, seed: number): Float32Array[] {
  const next = rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: dimensions }, () => next() * 2 - 1));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

function unit(dimensions: number, axis: number): Float32Array {
  const v = new Float32Array(dimensions);
  v[axis] = 1;
  return v;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inline-vectors-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('VectorIndex', () => {
  it('finds the true nearest neighbours (recall >= 0.95 on 2,000 vectors, dim 64)', () => {
    const vectors = randomVectors(2000, 64, 1);
    const index = VectorIndex.create(64);
    vectors.forEach((v, id) => index.add(id, v));
    const queries = randomVectors(100, 64, 2);
    const k = 10;
    let found = 0;
    for (const query of queries) {
      const truth = vectors
        .map((v, id) => ({ id, score: cosine(query, v) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
      const hits = index.search(query, k);
      expect(hits).toHaveLength(k);
      const ids = new Set(hits.map((h) => h.id));
      found += truth.filter((t) => ids.has(t.id)).length;
      // Scores are the hits' cosine similarities, best first.
      for (const hit of hits) expect(hit.score).toBeCloseTo(cosine(query, vectors[hit.id]!), 4);
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score + 1e-6);
    }
    expect(found / (queries.length * k)).toBeGreaterThanOrEqual(0.95);
  });

  it('scores an identical vector 1 and an opposite one -1', () => {
    const index = VectorIndex.create(3);
    index.add(1, Float32Array.of(1, 2, 3));
    index.add(2, Float32Array.of(-1, -2, -3));
    const [best, worst] = index.search(Float32Array.of(2, 4, 6), 2);
    expect(best).toMatchObject({ id: 1 });
    expect(best!.score).toBeCloseTo(1, 5);
    expect(worst).toMatchObject({ id: 2 });
    expect(worst!.score).toBeCloseTo(-1, 5);
  });

  it('grows past its initial capacity', () => {
    const index = VectorIndex.create(16, 4);
    const vectors = randomVectors(300, 16, 3);
    vectors.forEach((v, id) => index.add(id + 1000, v));
    expect(index.size).toBe(300);
    for (const id of [0, 150, 299]) expect(index.search(vectors[id]!, 1)[0]!.id).toBe(id + 1000);
  });

  it('returns nothing from an empty index or for k <= 0, and at most size hits for a large k', () => {
    const index = VectorIndex.create(4);
    expect(index.search(unit(4, 0), 5)).toEqual([]);
    index.add(7, unit(4, 0));
    index.add(8, unit(4, 1));
    expect(index.search(unit(4, 0), 0)).toEqual([]);
    expect(index.search(unit(4, 0), 10_000).map((h) => h.id)).toEqual([7, 8]);
  });

  it('excludes removed vectors and ignores unknown or repeated removals', () => {
    const index = VectorIndex.create(8);
    randomVectors(50, 8, 4).forEach((v, id) => index.add(id, v));
    const target = randomVectors(1, 8, 5)[0]!;
    index.add(99, target);
    expect(index.search(target, 1)[0]!.id).toBe(99);
    index.remove(99);
    index.remove(99);
    index.remove(12345);
    expect(index.size).toBe(50);
    const hits = index.search(target, 100);
    expect(hits).toHaveLength(50);
    expect(hits.map((h) => h.id)).not.toContain(99);
  });

  it('re-adds a removed id with its new vector, without leaving a second copy', () => {
    const index = VectorIndex.create(8);
    for (let axis = 0; axis < 8; axis++) index.add(axis, unit(8, axis));
    index.remove(3);
    index.add(3, unit(8, 5));
    expect(index.size).toBe(8);
    const hits = index.search(unit(8, 5), 8);
    expect(new Set(hits.map((h) => h.id)).size).toBe(8);
    expect(hits.slice(0, 2).map((h) => h.id).sort()).toEqual([3, 5]);
    expect(index.search(unit(8, 3), 1)[0]!.score).toBeCloseTo(0, 5);
  });

  it('reuses a removed slot for a new id and can still bring the old id back', () => {
    const index = VectorIndex.create(4, 2);
    index.add(1, unit(4, 0));
    index.add(2, unit(4, 1));
    index.remove(1);
    index.add(3, unit(4, 2));
    index.add(1, unit(4, 3));
    expect(index.size).toBe(3);
    const hits = index.search(unit(4, 3), 3);
    expect(hits[0]!.id).toBe(1);
    expect(hits.map((h) => h.id).sort()).toEqual([1, 2, 3]);
    index.remove(1);
    expect(index.search(unit(4, 3), 3).map((h) => h.id).sort()).toEqual([2, 3]);
  });

  it('updates a live id in place', () => {
    const index = VectorIndex.create(4);
    index.add(1, unit(4, 0));
    index.add(2, unit(4, 1));
    index.add(1, unit(4, 2));
    expect(index.size).toBe(2);
    const hits = index.search(unit(4, 2), 5);
    expect(hits.map((h) => h.id)).toEqual([1, 2]);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
  });

  it('applies a filter, returns [] when it rejects everything, and survives a throwing filter', () => {
    const index = VectorIndex.create(16);
    const vectors = randomVectors(200, 16, 6);
    vectors.forEach((v, id) => index.add(id, v));
    const even = index.search(vectors[1]!, 10, (id) => id % 2 === 0);
    expect(even).toHaveLength(10);
    expect(even.every((h) => h.id % 2 === 0)).toBe(true);
    expect(index.search(vectors[0]!, 10, (id) => id === 1)).toMatchObject([{ id: 1 }]);
    expect(index.search(vectors[0]!, 10, () => false)).toEqual([]);
    // hnswlib calls the filter from native code, where a JS exception would abort the process.
    expect(() =>
      index.search(vectors[0]!, 10, () => {
        throw new Error('filter failed');
      }),
    ).toThrow('filter failed');
    expect(index.search(vectors[0]!, 1)[0]!.id).toBe(0);
  });

  it('rejects vectors of the wrong length, non-finite values and invalid ids', () => {
    const index = VectorIndex.create(4);
    expect(() => index.add(1, new Float32Array(3))).toThrow('vector has 3 dimensions, index expects 4');
    expect(() => index.add(1, Float32Array.of(1, Number.NaN, 0, 0))).toThrow(/non-finite/);
    expect(() => index.add(-1, unit(4, 0))).toThrow(/invalid vector id/);
    expect(() => index.add(2 ** 32, unit(4, 0))).toThrow(/invalid vector id/);
    expect(() => index.search(new Float32Array(5), 1)).toThrow(/5 dimensions/);
    expect(index.size).toBe(0);
  });

  it('saves and loads with the same results, deletions and room to grow', () => {
    const index = VectorIndex.create(32, 8);
    const vectors = randomVectors(500, 32, 7);
    vectors.forEach((v, id) => index.add(id, v));
    for (let id = 0; id < 500; id += 5) index.remove(id);
    const file = path.join(dir, 'vectors.hnsw');
    index.save(file);

    const loaded = VectorIndex.load(file, 32);
    expect(loaded.size).toBe(400);
    const queries = randomVectors(20, 32, 8);
    for (const query of queries) expect(loaded.search(query, 10)).toEqual(index.search(query, 10));

    loaded.add(0, vectors[0]!);
    loaded.add(5000, randomVectors(1, 32, 9)[0]!);
    loaded.remove(1);
    expect(loaded.size).toBe(401);
    expect(loaded.search(vectors[0]!, 1)[0]).toMatchObject({ id: 0 });
    expect(loaded.search(vectors[1]!, 400).map((h) => h.id)).not.toContain(1);
  });

  it('round-trips an empty index', () => {
    const file = path.join(dir, 'empty.hnsw');
    VectorIndex.create(8).save(file);
    const loaded = VectorIndex.load(file, 8);
    expect(loaded.size).toBe(0);
    expect(loaded.search(unit(8, 0), 3)).toEqual([]);
    loaded.add(1, unit(8, 0));
    expect(loaded.search(unit(8, 0), 3)).toMatchObject([{ id: 1 }]);
  });

  it('fails to save into a missing directory with an error instead of writing nothing', () => {
    const index = VectorIndex.create(4);
    index.add(1, unit(4, 0));
    expect(() => index.save(path.join(dir, 'missing', 'vectors.hnsw'))).toThrow(/failed to write vector index/);
  });

  describe('load', () => {
    let file: string;
    let bytes: Buffer;
    beforeEach(() => {
      const index = VectorIndex.create(16);
      randomVectors(200, 16, 10).forEach((v, id) => index.add(id, v));
      file = path.join(dir, 'vectors.hnsw');
      index.save(file);
      bytes = fs.readFileSync(file);
    });

    it('reports a missing file', () => {
      expect(() => VectorIndex.load(path.join(dir, 'nope.hnsw'), 16)).toThrow(/vector index not found: .*nope\.hnsw/);
    });

    it('reports a dimension mismatch', () => {
      expect(() => VectorIndex.load(file, 32)).toThrow(/has 16 dimensions, expected 32/);
    });

    it.each([
      ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length * 0.6))],
      ['cut inside the header', (b: Buffer) => b.subarray(0, 40)],
      ['empty', () => Buffer.alloc(0)],
      ['garbage', (b: Buffer) => Buffer.from(b.map((_, i) => (i * 7919) & 0xff))],
      ['extended', (b: Buffer) => Buffer.concat([b, Buffer.alloc(13)])],
      [
        'a neighbour outside the index',
        (b: Buffer) => {
          const copy = Buffer.from(b);
          copy.writeUInt32LE(1_000_000, 96 + 4);
          return copy;
        },
      ],
      [
        'an impossible element count',
        (b: Buffer) => {
          const copy = Buffer.from(b);
          copy.writeBigUInt64LE(2n ** 40n, 16);
          return copy;
        },
      ],
    ])('rejects a %s file with a clear error', (_name, damage) => {
      fs.writeFileSync(file, damage(bytes));
      expect(() => VectorIndex.load(file, 16)).toThrow(/corrupt vector index .*vectors\.hnsw: /);
    });
  });
});
