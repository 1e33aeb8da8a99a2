import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGguf } from '../../src/util/gguf.js';
import { TINY_DIMENSIONS, tinyGgufBytes, tinyVocabulary, writeTinyGguf } from './tiny-gguf.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inline-tiny-gguf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tiny GGUF writer', () => {
  it('writes a whole GGUF v3 llama model that the reader accepts', async () => {
    const file = writeTinyGguf(dir, 'tiny.gguf', { contextLength: 1024 });
    const summary = await readGguf(file, { findTokens: new Set(['<PRE>', '<SUF>', '<absent>']) });
    const vocabulary = tinyVocabulary(true);
    expect(summary.version).toBe(3);
    expect(summary.tensorCount).toBe(3 + 9 * TINY_DIMENSIONS.layers);
    expect(summary.metadata.get('general.architecture')).toBe('llama');
    expect(summary.metadata.get('llama.context_length')).toBe(1024);
    expect(summary.metadata.get('llama.embedding_length')).toBe(TINY_DIMENSIONS.embedding);
    expect(summary.metadata.get('tokenizer.ggml.fim_pre_token_id')).toBe(vocabulary.fim!.pre);
    expect(summary.arrayLengths.get('tokenizer.ggml.tokens')).toBe(vocabulary.tokens.length);
    expect([...summary.foundTokens].sort()).toEqual(['<PRE>', '<SUF>']);
    // No padding after the last tensor: the file ends exactly where its data does.
    expect(summary.requiredBytes).toBe(summary.sizeBytes);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    expect(tinyGgufBytes({ seed: 7 }).equals(tinyGgufBytes({ seed: 7 }))).toBe(true);
    expect(tinyGgufBytes({ seed: 7 }).equals(tinyGgufBytes({ seed: 8 }))).toBe(false);
  });

  it('leaves out the FIM tokens and their ids on request', async () => {
    const file = writeTinyGguf(dir, 'plain.gguf', { fim: false });
    const summary = await readGguf(file, { findTokens: new Set(['<PRE>']) });
    expect(summary.metadata.has('tokenizer.ggml.fim_pre_token_id')).toBe(false);
    expect(summary.foundTokens.size).toBe(0);
  });

  it('covers every byte and printable character, so any ASCII text tokenizes without unknowns', () => {
    const { tokens } = tinyVocabulary(false);
    expect(tokens.filter((t) => /^<0x[0-9A-F]{2}>$/.test(t))).toHaveLength(256);
    for (let code = 0x21; code <= 0x7e; code++) expect(tokens).toContain(String.fromCharCode(code));
  });
});
