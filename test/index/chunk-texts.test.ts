/** Chunk texts stay on disk: loaded chunks read theirs from the blob, across saves by this and other processes. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodeIndex } from '../../src/index/code-index.js';
import { HashingEmbedder } from '../../src/index/embed/hashing.js';
import { IndexStore } from '../../src/index/store.js';
import { makeFixtureRepo, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeFixtureRepo('shop');
});
afterEach(() => repo.cleanup());

const open = () => CodeIndex.open({ root: repo.root, git: true, embedder: new HashingEmbedder() });
const textOf = (index: CodeIndex, symbol: string) => [...index.chunks.values()].find((c) => c.symbol === symbol)?.text;

describe('chunk texts on disk', () => {
  it('gives loaded chunks the same texts as the files, and none of them in chunks.json', async () => {
    await open().update();
    const loaded = new IndexStore(repo.root).load();
    if (loaded.status !== 'ok') throw new Error(loaded.status);
    expect(readFileSync(join(loaded.dir, 'chunks.json'), 'utf8')).not.toContain('def apply_discount');
    const index = open();
    const text = textOf(index, 'apply_discount')!;
    expect(text).toContain('def apply_discount');
    expect(readFileSync(join(repo.root, 'shop/pricing.py'), 'utf8')).toContain(text);
    const json = JSON.parse(JSON.stringify([...index.chunks.values()][0]));
    expect(json.text).toBeUndefined();
    await index.close();
  });

  it('keeps reading after its own save and after other processes pruned its generation', async () => {
    await open().update();
    const daemon = open();
    repo.write('shop/extra.py', 'def wrap_gift(item):\n    return f"[{item}]"\n');
    await daemon.update({ persist: false });
    expect(textOf(daemon, 'wrap_gift')).toContain('return f"[{item}]"');
    daemon.save();
    expect(textOf(daemon, 'wrap_gift')).toContain('return f"[{item}]"');

    // Two saves elsewhere remove the generation the daemon read from.
    for (const body of ['x = 1\n', 'x = 2\n']) {
      repo.write('shop/other.py', body);
      await open().update();
    }
    expect(textOf(daemon, 'apply_discount')).toContain('def apply_discount');
    await daemon.close();
  });

  it('starts again with a warning when the texts do not match the chunk records', async () => {
    await open().update();
    const loaded = new IndexStore(repo.root).load();
    if (loaded.status !== 'ok') throw new Error(loaded.status);
    const manifestPath = join(loaded.dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const records = JSON.parse(readFileSync(join(loaded.dir, 'chunks.json'), 'utf8'));
    records[0].bytes += 5;
    const body = JSON.stringify(records);
    writeFileSync(join(loaded.dir, 'chunks.json'), body);
    const { createHash } = await import('node:crypto');
    manifest.blobs['chunks.json'] = { size: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') };
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const index = open();
    expect(index.warning).toMatch(/could not be read \(chunk \d+ points past the end of the chunk texts\); rebuilding it/);
    expect(index.chunks.size).toBe(0);
  });
});
