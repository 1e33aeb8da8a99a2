import { describe, expect, it } from 'vitest';
import { codeTokens, forEachCodeToken } from '../../src/index/tokenize.js';

describe('codeTokens', () => {
  it('splits camelCase and keeps the joined compound first', () => {
    expect(codeTokens('parseHeader')).toEqual(['parseheader', 'parse', 'header']);
    expect(codeTokens('ParseHeader')).toEqual(['parseheader', 'parse', 'header']);
  });

  it('ends an acronym before its last capital', () => {
    expect(codeTokens('parseHTTPHeader')).toEqual(['parsehttpheader', 'parse', 'http', 'header']);
    expect(codeTokens('HTTPServer')).toEqual(['httpserver', 'http', 'server']);
    expect(codeTokens('getURL')).toEqual(['geturl', 'get', 'url']);
  });

  it('gives snake_case, camelCase and PascalCase the same compound', () => {
    const compound = (text: string) => codeTokens(text)[0];
    expect(compound('parse_http_header')).toBe('parsehttpheader');
    expect(compound('PARSE_HTTP_HEADER')).toBe('parsehttpheader');
    expect(compound('parseHttpHeader')).toBe(compound('parse_http_header'));
  });

  it('splits kebab-case without keeping the hyphenated form', () => {
    expect(codeTokens('max-line-length')).toEqual(['max', 'line', 'length']);
  });

  it('splits at letter/digit changes and keeps the whole identifier', () => {
    expect(codeTokens('utf8')).toEqual(['utf8', 'utf']);
    expect(codeTokens('int64')).toEqual(['int64', 'int', '64']);
    expect(codeTokens('sha256sum')).toEqual(['sha256sum', 'sha', '256', 'sum']);
    expect(codeTokens('v2')).toEqual(['v2']);
  });

  it('drops one-character tokens, including lone digits', () => {
    expect(codeTokens('for i in range(0, n): x = 1')).toEqual(['range']);
    expect(codeTokens('getX')).toEqual(['getx', 'get']);
    expect(codeTokens('404 8080')).toEqual(['404', '8080']);
  });

  it('drops stopwords but not the compounds they are part of', () => {
    expect(codeTokens('return self.value')).toEqual(['value']);
    expect(codeTokens('const x = this.count')).toEqual(['count']);
    expect(codeTokens('def self_test(the_thing):')).toEqual(['selftest', 'test', 'thething', 'thing']);
    expect(codeTokens('from os import path')).toEqual(['os', 'path']);
  });

  it('treats dunder and leading underscores as separators', () => {
    expect(codeTokens('__init__')).toEqual(['init']);
    expect(codeTokens('_private_name')).toEqual(['privatename', 'private', 'name']);
  });

  it('separates on punctuation and lowercases', () => {
    expect(codeTokens('os.path.join(Base, "Name")')).toEqual(['os', 'path', 'join', 'base', 'name']);
    expect(codeTokens('a->b::c')).toEqual([]);
  });

  it('skips words over 64 characters (blobs, hashes), not their neighbours', () => {
    const blob = 'A'.repeat(40) + 'b'.repeat(40);
    expect(codeTokens(`load ${blob} data`)).toEqual(['load', 'data']);
  });

  it('keeps words of non-Latin scripts and accented letters whole', () => {
    expect(codeTokens('naïve café_crème')).toEqual(['naïve', 'cafécrème', 'café', 'crème']);
    expect(codeTokens('Größe berechnen')).toEqual(['größe', 'berechnen']);
    expect(codeTokens('变量名 = 1')).toEqual(['变量名']);
  });

  it('copes with characters whose lowercase is longer', () => {
    expect(codeTokens('İstanbul parseHeader')).toEqual([...codeTokens('İstanbul'), 'parseheader', 'parse', 'header']);
  });

  it('treats emoji and symbols as separators', () => {
    expect(codeTokens('ready✅go 🚀launch')).toEqual(['ready', 'go', 'launch']);
  });

  it('returns nothing for empty or symbol-only text', () => {
    expect(codeTokens('')).toEqual([]);
    expect(codeTokens('{}();\n\t+-*/')).toEqual([]);
  });

  it('tells compounds from parts to the visitor', () => {
    const seen: Array<[string, boolean]> = [];
    forEachCodeToken('readFile close', (token, compound) => seen.push([token, compound]));
    expect(seen).toEqual([
      ['readfile', true],
      ['read', false],
      ['file', false],
      ['close', false],
    ]);
  });

  it('tokenizes a query like the code it names', () => {
    const code = codeTokens('function parseHeader(raw: string): Header {');
    for (const token of codeTokens('parse header')) expect(code).toContain(token);
  });

  it('is fast enough to run over a whole repository', () => {
    const line = 'def parse_http_header(self, rawValue: bytes) -> HTTPHeader:  # utf8 decode, see RFC7230\n';
    const text = line.repeat(Math.ceil((4 * 1024 * 1024) / line.length));
    let count = 0;
    forEachCodeToken(text.slice(0, 100_000), () => count++);
    const started = performance.now();
    forEachCodeToken(text, () => count++);
    const seconds = (performance.now() - started) / 1000;
    // The target is >= 50 MB/s; the bound leaves room for a loaded CI machine.
    expect(text.length / 1e6 / seconds).toBeGreaterThan(5);
  });
});
