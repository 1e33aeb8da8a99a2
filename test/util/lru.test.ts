import { describe, expect, it } from 'vitest';
import { LruMap } from '../../src/util/lru.js';

describe('LruMap weighted by size', () => {
  it('forgets the least recently used entries once the total weight passes the bound', () => {
    const lru = new LruMap<string, string>(10, (text) => text.length);
    lru.set('a', 'xxxx');
    lru.set('b', 'yyyy');
    expect(lru.get('a')).toBe('xxxx'); // a is now the most recent
    lru.set('c', 'zzzz');
    expect(lru.has('b')).toBe(false);
    expect(lru.has('a')).toBe(true);
    expect(lru.weight).toBe(8);
  });

  it('keeps nothing heavier than the whole bound, and replacing an entry re-weighs it', () => {
    const lru = new LruMap<string, string>(5, (text) => text.length);
    lru.set('big', 'x'.repeat(6));
    expect(lru.size).toBe(0);
    lru.set('k', 'ab');
    lru.set('k', 'abcd');
    expect(lru.weight).toBe(4);
    lru.delete('k');
    expect(lru.weight).toBe(0);
  });
});
