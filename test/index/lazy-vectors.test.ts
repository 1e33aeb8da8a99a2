/** Vectors load on the first search by meaning; keyword searches and saves do without them. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodeIndex } from '../../src/index/code-index.js';
import { HashingEmbedder } from '../../src/index/embed/hashing.js';
import { makeFixtureRepo, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeFixtureRepo('shop');
});
afterEach(() => repo.cleanup());

const open = () => CodeIndex.open({ root: repo.root, git: true, embedder: new HashingEmbedder() });

describe('vectors loaded on demand', () => {
  it('answers keyword searches without loading the vectors, and loads them for a search by meaning', async () => {
    await open().update();
    const index = open();
    const lexical = await index.search('apply discount percent', { k: 3, lexicalOnly: true });
    expect(lexical.map((hit) => hit.chunk.symbol)).toContain('apply_discount');
    expect(lexical.every((hit) => hit.vectorRank === undefined)).toBe(true);
    expect(index.vectorsInMemory).toBe(false);
    const hybrid = await index.search('reduce a price by a percentage', { k: 5 });
    expect(hybrid.some((hit) => hit.vectorRank !== undefined)).toBe(true);
    expect(index.vectorsInMemory).toBe(true);
  });

  it('applies changes queued before the load, and saves them without keeping the vectors', async () => {
    await open().update();
    const daemon = open();
    repo.write('shop/gifts.py', 'def wrap_present(item, paper):\n    """Wraps a present in gift paper."""\n    return (item, paper)\n');
    rmSync(join(repo.root, 'shop/pricing.py'));
    await daemon.update({ persist: false });
    expect(daemon.vectorsInMemory).toBe(false);
    daemon.save();
    expect(daemon.vectorsInMemory).toBe(false);

    const reopened = open();
    const hits = await reopened.search('wraps a present in gift paper', { k: 10 });
    expect(hits.find((hit) => hit.chunk.symbol === 'wrap_present')?.vectorRank).toBeDefined();
    expect(hits.some((hit) => hit.chunk.path === 'shop/pricing.py')).toBe(false);

    repo.write('shop/more.py', 'def tie_ribbon(box):\n    return box\n');
    await daemon.update({ persist: false });
    const live = await daemon.search('tie a ribbon on the box', { k: 10 });
    expect(live.find((hit) => hit.chunk.symbol === 'tie_ribbon')?.vectorRank).toBeDefined();
    expect(live.find((hit) => hit.chunk.symbol === 'wrap_present')).toBeDefined();
  });

  it('still loads the vectors after other processes pruned the generation it opened', async () => {
    await open().update();
    const daemon = open();
    for (const body of ['x = 1\n', 'x = 2\n']) {
      repo.write('shop/other.py', body);
      await open().update();
    }
    const hits = await daemon.search('reduce a price by a percentage', { k: 5 });
    expect(hits.some((hit) => hit.vectorRank !== undefined)).toBe(true);
    await daemon.close();
  });
});
