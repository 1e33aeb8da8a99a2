import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufProblem, readGguf } from '../../src/util/gguf.js';
import { tinyGgufBytes } from '../support/tiny-gguf.js';

let dir: string;
let whole: Buffer;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inline-gguf-'));
  whole = tinyGgufBytes();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, bytes: Buffer) => {
  const target = path.join(dir, name);
  writeFileSync(target, bytes);
  return target;
};

async function problemOf(target: string): Promise<GgufProblem> {
  const error = await readGguf(target).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GgufProblem);
  expect((error as GgufProblem).message).toContain(target);
  return error as GgufProblem;
}

describe('readGguf problems', () => {
  it('names a missing file, a directory and a file that is not GGUF', async () => {
    expect((await problemOf(path.join(dir, 'absent.gguf'))).kind).toBe('missing');
    const folder = path.join(dir, 'folder.gguf');
    mkdirSync(folder);
    expect((await problemOf(folder)).kind).toBe('not-a-file');
    expect((await problemOf(file('page.gguf', Buffer.from('<html>404</html>')))).kind).toBe('not-gguf');
    expect((await problemOf(file('short.gguf', Buffer.from('GG')))).kind).toBe('not-gguf');
  });

  it('refuses versions it cannot read', async () => {
    const future = Buffer.from(whole);
    future.writeUInt32LE(4, 4);
    const problem = await problemOf(file('future.gguf', future));
    expect(problem.kind).toBe('unsupported-version');
    expect(problem.message).toMatch(/GGUF version 4/);
  });

  it('finds a file cut short anywhere: in the counts, the metadata, the tensor table or the data', async () => {
    for (const fraction of [0.0001, 0.01, 0.2, 0.6, 0.999]) {
      const cut = Math.max(9, Math.floor(whole.length * fraction));
      const problem = await problemOf(file(`cut-${fraction}.gguf`, whole.subarray(0, cut)));
      expect(problem.kind, `cut at ${cut}`).toBe('truncated');
      expect(problem.message).toMatch(/download/i);
    }
  });

  it('reports nonsense in the metadata as corruption rather than reading past it', async () => {
    const bad = Buffer.from(whole);
    // The first metadata entry's value type follows its key (8-byte length + 'general.architecture').
    const typeAt = 24 + 8 + 'general.architecture'.length;
    bad.writeUInt32LE(77, typeAt);
    const problem = await problemOf(file('bad-type.gguf', bad));
    expect(problem.kind).toBe('corrupt');
    expect(problem.message).toMatch(/value type 77/);

    const huge = Buffer.from(whole);
    huge.writeBigUInt64LE(1n << 40n, 24);
    expect((await problemOf(file('huge-key.gguf', huge))).kind).toBe('truncated');
  });

  it('accepts a bare header with no tensors or metadata', async () => {
    const header = Buffer.alloc(24);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(3, 4);
    const summary = await readGguf(file('empty.gguf', header));
    expect(summary).toMatchObject({ version: 3, sizeBytes: 24, tensorCount: 0, requiredBytes: 24 });
  });
});
