import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlamaEmbedder } from '../../../src/index/embed/llama.js';
import { TINY_DIMENSIONS, writeTinyGguf } from '../../support/tiny-gguf.js';

// The index's llama embedder (src/index/embed/llama.ts) on the same generated model the engine
// tests use: it loads in this process, so this also shows the tiny file is safe to load here.
let dir: string;
let embedder: LlamaEmbedder;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inline-llama-embed-'));
  embedder = new LlamaEmbedder(writeTinyGguf(dir), { maxTokens: 128 });
});

afterAll(async () => {
  await embedder?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('LlamaEmbedder on a tiny GGUF', () => {
  it('returns one unit vector of the model width per text', async () => {
    const texts = ['function add(a, b) { return a + b; }', 'def add(a, b):\n    return a + b', ''];
    const vectors = await embedder.embed(texts);
    expect(embedder.dimensions).toBe(TINY_DIMENSIONS.embedding);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors.slice(0, 2)) {
      expect(vector).toHaveLength(TINY_DIMENSIONS.embedding);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    }
    expect([...vectors[2]!].every((value) => value === 0)).toBe(true);
    expect([...vectors[0]!]).not.toEqual([...vectors[1]!]);
  });
});
