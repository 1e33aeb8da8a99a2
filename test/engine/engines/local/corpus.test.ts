import { describe, expect, it } from 'vitest';
import { Corpus } from '../../../../src/engine/engines/local/corpus.js';
import { Evidence } from '../../../../src/engine/engines/local/evidence.js';

function followersOf(corpus: Corpus, family: string, context: string[]): string[] {
  const stats = corpus.family(family)!;
  const ids = context.map((token) => stats.vocabulary.find(token) ?? -1);
  const evidence = new Evidence();
  stats.store.collect(ids, ids.length, evidence, 1);
  return evidence.next.filter((_, i) => evidence.length[i]! >= 2).map((id) => stats.vocabulary.text(id));
}

describe('Corpus', () => {
  it('keeps a family per language group and counts tokens', () => {
    const corpus = new Corpus(1 << 20);
    corpus.addAll([
      { path: 'a.py', text: 'x = 1\n' },
      { path: 'b.ts', text: 'let y = 2\n' },
      { path: 'c.js', text: 'let z = 3\n' },
    ]);
    const stats = corpus.stats();
    expect(stats.files).toBe(3);
    expect(Object.keys(stats.families).sort()).toEqual(['ecmascript', 'python']);
    expect(stats.families.ecmascript!.files).toBe(2);
    expect(corpus.family('python')!.vocabulary.count(corpus.family('python')!.vocabulary.find(' =')!)).toBe(1);
  });

  it('replaces a file and removes one, statistics included', () => {
    const corpus = new Corpus(1 << 20);
    corpus.set({ path: 'a.py', text: 'alpha = beta\n' });
    expect(followersOf(corpus, 'python', ['alpha', ' ='])).toEqual([' beta']);
    corpus.set({ path: 'a.py', text: 'alpha = gamma\n' });
    expect(followersOf(corpus, 'python', ['alpha', ' ='])).toEqual([' gamma']);
    const vocabulary = corpus.family('python')!.vocabulary;
    expect(vocabulary.count(vocabulary.find(' beta')!)).toBe(0);
    expect(corpus.remove('a.py')).toBe(true);
    expect(followersOf(corpus, 'python', ['alpha', ' ='])).toEqual([]);
    expect(corpus.stats()).toMatchObject({ files: 0, bytes: 0, tokens: 0 });
    expect(corpus.remove('a.py')).toBe(false);
  });

  it('refuses files past its byte cap', () => {
    const corpus = new Corpus(20);
    expect(corpus.set({ path: 'a.py', text: 'x = 1\n' })).toBe(true);
    expect(corpus.set({ path: 'b.py', text: 'y = 22222222222222222\n' })).toBe(false);
    expect(corpus.stats()).toMatchObject({ files: 1, overCap: 1 });
  });

  it('compacts a store that is mostly dead without changing what it answers', () => {
    const corpus = new Corpus(1 << 30);
    const body = Array.from({ length: 4000 }, (_, i) => `value_${i % 50} = compute(${i % 7})`).join('\n');
    corpus.set({ path: 'keep.py', text: 'marker = kept_value\n' });
    for (let i = 0; i < 20; i++) corpus.set({ path: 'churn.py', text: `${body}\n# ${i}\n` });
    expect(corpus.needsCompaction()).toBe(true);
    const before = corpus.stats().tokens;
    corpus.compact();
    expect(corpus.needsCompaction()).toBe(false);
    expect(corpus.family('python')!.store.dead).toBe(0);
    expect(corpus.stats().tokens).toBe(before);
    expect(followersOf(corpus, 'python', ['marker', ' ='])).toEqual([' kept_value']);
    corpus.remove('keep.py');
    expect(followersOf(corpus, 'python', ['marker', ' ='])).toEqual([]);
  });
});
