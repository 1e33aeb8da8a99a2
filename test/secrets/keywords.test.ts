import { describe, expect, it } from 'vitest';
import { KeywordAutomaton, type KeywordHits } from '../../src/secrets/keywords.js';
import { seededRandom as random } from '../support/random.js';

/** Occurrences ending at the same place come in no particular order: sort them to compare. */
const byEnd = (pairs: string[]) => pairs.sort((a, b) => Number(a.split('@')[1]) - Number(b.split('@')[1]) || a.localeCompare(b));

/** Every (keyword, end) pair, found the slow and obvious way. */
function naive(text: string, keywords: readonly string[]): string[] {
  const lower = text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  const found: string[] = [];
  for (let end = 1; end <= text.length; end++) {
    keywords.forEach((keyword, index) => {
      if (end >= keyword.length && lower.startsWith(keyword, end - keyword.length)) found.push(`${index}@${end}`);
    });
  }
  return byEnd(found);
}

const occurrences = (hits: KeywordHits) => byEnd(Array.from({ length: hits.hits }, (_, h) => `${hits.hitKeyword[h]}@${hits.hitEnd[h]}`));

/** Each occurrence's line, as the text between the line breaks around it. */
function lines(text: string, hits: KeywordHits): string[] {
  return Array.from({ length: hits.hits }, (_, h) => {
    const line = hits.lineOf(h);
    return text.slice(hits.lineStart[line], hits.lineEnd[line]);
  });
}

describe('KeywordAutomaton', () => {
  const keywords = ['key', 'token', 'sk', 'sk_live_', 'ask', '://', 'pass', 'password>', 'a3-'];
  const automaton = new KeywordAutomaton(keywords);

  it('finds every occurrence, overlapping ones included, whatever the case', () => {
    const text = 'TASK: my_KEY=sk_LIVE_x; https://x <password>PaSsWoRd>';
    expect(occurrences(automaton.scan(text))).toEqual(naive(text, keywords));
    expect(occurrences(automaton.scan(text))).toContain(`${keywords.indexOf('ask')}@4`);
    expect(occurrences(automaton.scan(text))).toContain(`${keywords.indexOf('sk')}@4`);
  });

  it('agrees with a plain search on random texts made of keyword pieces', () => {
    const pieces = [...keywords, 'k', 'ey', 'to', 'ken', 's', 'pa', 'ss', ':/', '/', '\n', ' ', 'é', '\u016b', '\u010a', 'A3', '-'];
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const size = 1 + Math.floor(next() * 60);
      const text = Array.from({ length: size }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      expect(occurrences(automaton.scan(text)), JSON.stringify(text)).toEqual(naive(text, keywords));
    }
  });

  it('counts occurrences per keyword', () => {
    const hits = automaton.scan('key key KEY token');
    expect(hits.counts[keywords.indexOf('key')]).toBe(3);
    expect(hits.counts[keywords.indexOf('token')]).toBe(1);
    expect(hits.counts[keywords.indexOf('pass')]).toBe(0);
  });

  it('places each occurrence on its line, line break included, and the last line without one', () => {
    const text = 'first key\r\nnothing here\nkey and token\nlast token';
    expect(lines(text, automaton.scan(text))).toEqual(['first key\r\n', 'key and token\n', 'key and token\n', 'last token']);
  });

  it('is not fooled by wide characters whose low byte looks like ASCII', () => {
    // U+016B keeps 0x6B ("k") and U+010A keeps 0x0A (a line break) when cut down to one byte.
    expect(automaton.scan('\u016bey \u016bEY').hits).toBe(0);
    const text = 'a key\u010aand a token';
    expect(lines(text, automaton.scan(text))).toEqual([text, text]);
  });

  it('keeps up with texts holding thousands of occurrences, and with the next text after one', () => {
    const many = 'key;'.repeat(5000);
    expect(automaton.scan(many).counts[keywords.indexOf('key')]).toBe(5000);
    const small = 'one token';
    expect(occurrences(automaton.scan(small))).toEqual(naive(small, keywords));
  });

  it('reads texts longer than its shared buffer', () => {
    const text = `${'x'.repeat(5 * 1024 * 1024)}token`;
    expect(occurrences(automaton.scan(text))).toEqual([`${keywords.indexOf('token')}@${text.length}`]);
  });

  it('refuses keywords that are not ASCII', () => {
    expect(() => new KeywordAutomaton(['clé'])).toThrow(/not ASCII/);
  });
});
