import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/index/lexical.js';

const SNIPPETS: Record<number, string> = {
  1: `export function parseHeader(line: string): Header {
  const colon = line.indexOf(':');
  return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
}`,
  2: `def read_config(path):
    with open(path) as handle:
        return json.load(handle)`,
  3: `func (s *Server) handleRequest(w http.ResponseWriter, r *http.Request) {
	header := r.Header.Get("Authorization")
	s.log.Printf("request %s", header)
}`,
  4: `class Parser:
    def parse(self, tokens):
        return self.expression(tokens)`,
  5: `// Writes the response header, then the body.
function writeResponse(res, body) {
  res.setHeader('content-type', 'text/plain');
  res.end(body);
}`,
  6: `fn checksum(data: &[u8]) -> u32 {
    data.iter().fold(0u32, |acc, b| acc.wrapping_add(*b as u32))
}`,
  7: `def parse_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('--verbose', action='store_true')
    return parser.parse_args(argv)`,
  8: `SELECT name, total FROM orders WHERE total > 100 ORDER BY total DESC;`,
};

const QUERIES = ['parse header', 'header', 'parse', 'http request', 'read json config', 'parser args', 'total orders', 'checksum u32'];

function build(ids: number[], texts: Record<number, string> = SNIPPETS): LexicalIndex {
  const index = new LexicalIndex();
  for (const id of ids) index.add(id, texts[id]!);
  return index;
}

const allIds = Object.keys(SNIPPETS).map(Number);
const results = (index: LexicalIndex, queries = QUERIES) => queries.map((q) => index.search(q, 10));

/** A bigger corpus with a skewed vocabulary, for compaction and the binary format. */
function synthetic(count: number): Record<number, string> {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'parseHeader', 'read_file', 'HTTPServer', 'utf8', 'render', 'cache'];
  const texts: Record<number, string> = {};
  for (let id = 0; id < count; id++) {
    const parts: string[] = [];
    for (let j = 0; j < 3 + (id % 7); j++) parts.push(words[(id * 7 + j * j) % words.length]!);
    texts[id] = `${parts.join(' ')} item${id % 50}`;
  }
  return texts;
}

describe('LexicalIndex ranking', () => {
  it('ranks the chunk defining parseHeader first for "parse header"', () => {
    const hits = build(allIds).search('parse header', 5);
    expect(hits[0]!.id).toBe(1);
    expect(hits.map((h) => h.id)).toEqual(expect.arrayContaining([3, 4, 5]));
  });

  it('matches an identifier in another naming convention', () => {
    expect(build(allIds).search('parse_header', 3)[0]!.id).toBe(1);
    expect(build(allIds).search('readConfig', 3)[0]!.id).toBe(2);
    expect(build(allIds).search('handle-request', 3)[0]!.id).toBe(3);
  });

  it('returns scores in descending order and respects k', () => {
    const hits = build(allIds).search('parse header', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
  });

  it('breaks ties by id', () => {
    const index = new LexicalIndex();
    for (const id of [9, 3, 5]) index.add(id, 'same words here');
    expect(index.search('words', 10).map((h) => h.id)).toEqual([3, 5, 9]);
  });

  it('filters with accept before cutting to k', () => {
    const index = build(allIds);
    const hits = index.search('parse header', 2, (id) => id !== 1);
    expect(hits.map((h) => h.id)).not.toContain(1);
    expect(hits).toHaveLength(2);
  });

  it('returns nothing for empty, stopword-only or unknown queries and for k <= 0', () => {
    const index = build(allIds);
    expect(index.search('', 5)).toEqual([]);
    expect(index.search('the self return', 5)).toEqual([]);
    expect(index.search('zebra', 5)).toEqual([]);
    expect(index.search('header', 0)).toEqual([]);
    expect(new LexicalIndex().search('header', 5)).toEqual([]);
  });

  it('rejects ids that cannot be stored', () => {
    expect(() => new LexicalIndex().add(-1, 'x')).toThrow(TypeError);
    expect(() => new LexicalIndex().add(1.5, 'x')).toThrow(TypeError);
  });
});

describe('LexicalIndex updates', () => {
  it('counts live documents', () => {
    const index = build(allIds);
    expect(index.size).toBe(8);
    index.remove(3);
    index.remove(3);
    index.remove(99);
    expect(index.size).toBe(7);
  });

  it('gives the same results after removals as a fresh index without those documents', () => {
    const index = build(allIds);
    index.remove(1);
    index.remove(5);
    const fresh = build(allIds.filter((id) => id !== 1 && id !== 5));
    expect(results(index)).toEqual(results(fresh));
  });

  it('replaces the text of an id that is added again', () => {
    const index = build(allIds);
    index.add(1, 'function renderTemplate(name) {}');
    const fresh = build(allIds, { ...SNIPPETS, 1: 'function renderTemplate(name) {}' });
    expect(results(index, [...QUERIES, 'render template'])).toEqual(results(fresh, [...QUERIES, 'render template']));
    expect(index.size).toBe(8);
  });

  it('stays exact through compaction of many removals', () => {
    const texts = synthetic(4000);
    const index = build(Object.keys(texts).map(Number), texts);
    const kept = Object.keys(texts).map(Number).filter((id) => id % 3 !== 0);
    for (let id = 0; id < 4000; id += 3) index.remove(id);
    // White-box check that the compaction path ran (dead slots are dropped by it).
    expect((index as unknown as { dead: number }).dead).toBeLessThan(1024);
    const queries = ['parse header', 'alpha cache', 'utf8', 'item7 render', 'http server'];
    expect(results(index, queries)).toEqual(results(build(kept, texts), queries));
    // Adds after a compaction continue on the rebuilt postings.
    index.add(5000, 'alpha alpha parseHeader');
    const fresh = build(kept, texts);
    fresh.add(5000, 'alpha alpha parseHeader');
    expect(results(index, queries)).toEqual(results(fresh, queries));
  });
});

describe('LexicalIndex binary format', () => {
  it('round-trips to identical results, and re-serializes byte for byte', () => {
    const index = build(allIds);
    index.remove(4);
    const buffer = index.serialize();
    const loaded = LexicalIndex.deserialize(buffer);
    expect(loaded.size).toBe(index.size);
    expect(results(loaded)).toEqual(results(index));
    expect(loaded.serialize().equals(buffer)).toBe(true);
  });

  it('keeps working for adds and removes after a load', () => {
    const texts = synthetic(500);
    const ids = Object.keys(texts).map(Number);
    const loaded = LexicalIndex.deserialize(build(ids, texts).serialize());
    loaded.remove(10);
    loaded.add(10, 'brand new zebraHeader text');
    loaded.add(900, 'another zebra');
    const fresh = build(ids.filter((id) => id !== 10), texts);
    fresh.add(10, 'brand new zebraHeader text');
    fresh.add(900, 'another zebra');
    const queries = ['zebra header', 'alpha', 'item3 cache'];
    expect(results(loaded, queries)).toEqual(results(fresh, queries));
    expect(LexicalIndex.deserialize(loaded.serialize()).search('zebra', 5)).toEqual(fresh.search('zebra', 5));
  });

  it('round-trips an empty index', () => {
    const loaded = LexicalIndex.deserialize(new LexicalIndex().serialize());
    expect(loaded.size).toBe(0);
    expect(loaded.search('x', 5)).toEqual([]);
  });

  it('round-trips non-ASCII terms', () => {
    const index = new LexicalIndex();
    index.add(1, 'Größe berechnen');
    index.add(2, '变量名 naïve');
    index.add(3, 'plain ascii');
    const loaded = LexicalIndex.deserialize(index.serialize());
    expect(loaded.search('größe', 5).map((h) => h.id)).toEqual([1]);
    expect(loaded.search('变量名', 5).map((h) => h.id)).toEqual([2]);
  });

  it('is compact: a few bytes per posting', () => {
    const texts = synthetic(2000);
    const buffer = build(Object.keys(texts).map(Number), texts).serialize();
    expect(buffer.length).toBeLessThan(2000 * 12 + 2000 * 10 * 3);
  });

  it('rejects corrupt or truncated buffers with a clear error', () => {
    const good = build(allIds).serialize();
    const corrupt = /lexical index data is corrupt or truncated/;
    expect(() => LexicalIndex.deserialize(Buffer.alloc(0))).toThrow(corrupt);
    expect(() => LexicalIndex.deserialize(good.subarray(0, 20))).toThrow(/shorter than/);
    expect(() => LexicalIndex.deserialize(good.subarray(0, good.length - 1))).toThrow(/expected \d+ bytes/);
    expect(() => LexicalIndex.deserialize(Buffer.concat([good, Buffer.from([0])]))).toThrow(corrupt);
    const magic = Buffer.from(good);
    magic.write('NOTBM25', 0, 'latin1');
    expect(() => LexicalIndex.deserialize(magic)).toThrow(/magic/);
    const version = Buffer.from(good);
    version.writeUInt32LE(2, 8);
    expect(() => LexicalIndex.deserialize(version)).toThrow(/version 2/);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 10]! ^= 0xff;
    expect(() => LexicalIndex.deserialize(flipped)).toThrow(/checksum/);
    expect(() => LexicalIndex.deserialize(Buffer.from(JSON.stringify({ postings: [] })))).toThrow(corrupt);
  });
});
