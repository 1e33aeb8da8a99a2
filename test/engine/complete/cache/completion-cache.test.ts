import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CompletionCache, type CacheQuery } from '../../../../src/engine/complete/cache/completion-cache.js';
import { LruMap } from '../../../../src/util/lru.js';

const query = (prefix: string, suffix = '\n', extra: Partial<CacheQuery> = {}): CacheQuery => ({
  documentKey: 'a.py',
  language: 'python',
  model: 'm',
  n: 1,
  prefix,
  suffix,
  ...extra,
});
const value = (...texts: string[]) => ({ candidates: texts.map((text) => ({ text })), engine: 'e' });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('LruMap', () => {
  it('forgets the least recently used entry', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
  });
});

describe('CompletionCache', () => {
  it('hits on the same windows, language, model and n only', () => {
    const cache = new CompletionCache();
    cache.store(query('def f():\n    return '), value('42'));
    expect(cache.lookup(query('def f():\n    return '))).toEqual({ kind: 'memory', value: value('42') });
    expect(cache.lookup(query('def f():\n    return ', '\nx = 1'))).toBeUndefined();
    expect(cache.lookup(query('def f():\n    return ', '\n', { model: 'other' }))).toBeUndefined();
    expect(cache.lookup(query('def f():\n    return ', '\n', { language: 'ruby' }))).toBeUndefined();
    expect(cache.lookup(query('def f():\n    return ', '\n', { n: 3 }))).toBeUndefined();
  });

  it('serves the rest of a suggestion the user is typing through', () => {
    const cache = new CompletionCache();
    cache.store(query('total = '), value('price * quantity', 'sum(items)'));
    expect(cache.lookup(query('total = pri'))).toEqual({ kind: 'type-through', value: value('ce * quantity') });
    expect(cache.lookup(query('total = s'))).toEqual({ kind: 'type-through', value: value('um(items)') });
    expect(cache.lookup(query('total = q'))).toBeUndefined();
    // Typing the whole suggestion leaves nothing to serve.
    expect(cache.lookup(query('total = sum(items)'))).toBeUndefined();
    // The text after the cursor changed: the suggestion no longer fits.
    expect(cache.lookup(query('total = pri', 'other\n'))).toBeUndefined();
    // Another document with the same text does not borrow this one's suggestion.
    expect(cache.lookup(query('total = pri', '\n', { documentKey: 'b.py' }))).toBeUndefined();
  });

  it('does not type through when the text before the suggestion changed', () => {
    const cache = new CompletionCache();
    cache.store(query('a = 1\ntotal = '), value('price'));
    expect(cache.lookup(query('b = 1\ntotal = pr'))).toBeUndefined();
  });

  it('keeps completions on disk for the next process', () => {
    const root = mkdtempSync(join(tmpdir(), 'inline-cache-'));
    dirs.push(root);
    new CompletionCache({ root }).store(query('x = '), value('1'));
    const fresh = new CompletionCache({ root });
    expect(fresh.lookup(query('x = '))).toEqual({ kind: 'disk', value: value('1') });
    expect(fresh.lookup(query('x = '))).toEqual({ kind: 'memory', value: value('1') });
  });

  it('treats an unreadable disk entry as a miss', () => {
    const root = mkdtempSync(join(tmpdir(), 'inline-cache-'));
    dirs.push(root);
    expect(new CompletionCache({ root }).lookup(query('nothing here'))).toBeUndefined();
  });
});
