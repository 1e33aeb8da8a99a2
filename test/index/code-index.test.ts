/** The code index end to end in a temporary git repository: build, incremental updates, safety. */
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodeIndex, EmbedderMismatch } from '../../src/index/code-index.js';
import { HashingEmbedder } from '../../src/index/embed/hashing.js';
import { makeFixtureRepo, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeFixtureRepo('shop');
});
afterEach(() => repo.cleanup());

const open = (embedder = new HashingEmbedder()) => CodeIndex.open({ root: repo.root, git: true, embedder });
const paths = (index: CodeIndex) => [...new Set([...index.chunks.values()].map((c) => c.path))].sort();

describe('CodeIndex', () => {
  it('indexes the repository and finds code by keywords and by meaning', async () => {
    const index = open();
    const summary = await index.update();
    expect(summary).toMatchObject({ rebuilt: true, added: 5, files: 5 });
    expect(summary.languages.python).toMatchObject({ files: 5 });
    const [top] = await index.search('apply discount percent', { k: 3 });
    expect(top!.chunk).toMatchObject({ path: 'shop/pricing.py', symbol: 'apply_discount' });
    const byMeaning = await index.search('reduce a price by a percentage', { k: 5 });
    expect(byMeaning.map((h) => h.chunk.symbol)).toContain('apply_discount');
  });

  it('never indexes .env or key files', async () => {
    repo.write('.env', 'API_TOKEN=abc123\n');
    repo.write('deploy/id_rsa', '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    const index = open();
    const summary = await index.update();
    expect(paths(index)).not.toContain('.env');
    expect(paths(index)).not.toContain('deploy/id_rsa');
    // A global gitignore may hide .env from git before the walker sees it: at least the key counts.
    expect(summary.skipped.secret ?? 0).toBeGreaterThanOrEqual(1);
    const hits = await index.search('API_TOKEN abc123', { k: 20 });
    expect(hits.some((h) => h.chunk.text?.includes('abc123'))).toBe(false);
  });

  it('updates incrementally after an edit, a delete and a rename, and persists it', async () => {
    await open().update();
    repo.write('shop/pricing.py', 'def surcharge(price):\n    """Adds the weekend surcharge."""\n    return price * 1.1\n');
    rmSync(join(repo.root, 'shop/models.py'));
    renameSync(join(repo.root, 'shop/cart.py'), join(repo.root, 'shop/basket.py'));
    const index = open();
    const summary = await index.update();
    expect(summary).toMatchObject({ rebuilt: false, changed: 1, removed: 2, added: 1, unchanged: 2 });
    expect(paths(index)).toEqual(['shop/__init__.py', 'shop/basket.py', 'shop/pricing.py', 'tests/test_cart.py']);
    expect((await index.search('weekend surcharge', { k: 1 }))[0]!.chunk.symbol).toBe('surcharge');
    expect(index.definitionsNamed('apply_discount')).toEqual([]);

    const reopened = open();
    expect(paths(reopened)).toEqual(paths(index));
    const again = await reopened.update();
    expect(again).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 4 });
  });

  it('refuses to mix vectors from another embedder', async () => {
    await open().update();
    expect(() => open(new HashingEmbedder({ dimensions: 128 }))).toThrow(EmbedderMismatch);
    expect(() => open(new HashingEmbedder({ dimensions: 128 }))).toThrow(/inline index --rebuild/);
  });

  it('rebuilds a corrupt index with a one-line warning', async () => {
    await open().update();
    const indexDir = join(repo.root, '.inline/index');
    const generation = readdirSync(indexDir).find((name) => name.startsWith('gen-'))!;
    writeFileSync(join(indexDir, generation, 'lexical.bin'), 'garbage');
    const index = open();
    expect(index.warning).toMatch(/could not be (used|read)/);
    expect(index.warning).not.toContain('\n');
    const summary = await index.update();
    expect(summary.rebuilt).toBe(true);
    expect(open().warning).toBeUndefined();
  });
});
