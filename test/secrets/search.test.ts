import { describe, expect, it } from 'vitest';
import { isLineLocal } from '../../src/secrets/anchors.js';
import { RULES } from '../../src/secrets/rules/index.js';
import { forEachMatch } from '../../src/secrets/search.js';
import type { SecretRule } from '../../src/secrets/types.js';
import { seededRandom as random } from '../support/random.js';

const lowerAscii = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
const count = (text: string, keyword: string) => lowerAscii(text).split(keyword).length - 1;

/**
 * The scanner's contract, the plain way: a rule runs only when one of its keywords occurs; a
 * line-local rule runs on each line holding one (or on the whole text past 64 occurrences of a
 * keyword); any other rule runs on the whole text.
 */
function plainMatches(text: string, rule: SecretRule): string[] {
  const present = rule.keywords.filter((keyword) => count(text, keyword) > 0);
  if (rule.keywords.length > 0 && present.length === 0) return [];
  const lines: Array<[number, string]> = [];
  if (isLineLocal(rule) && !rule.keywords.some((keyword) => count(text, keyword) > 64)) {
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline + 1;
      const line = text.slice(start, end);
      if (present.some((keyword) => lowerAscii(line).includes(keyword))) lines.push([start, line]);
      start = end;
    }
  } else {
    lines.push([0, text]);
  }
  const pattern = new RegExp(rule.pattern.source, rule.pattern.flags);
  return lines.flatMap(([base, piece]) =>
    [...piece.matchAll(pattern)].filter((match) => match[0].length > 0).map((match) => `${rule.id}@${base + match.index}:${match[0]}`),
  );
}

function searched(text: string, rules: readonly SecretRule[], path = ''): string[] {
  const found: string[] = [];
  forEachMatch(text, rules, path, { add: (rule, match, base) => found.push(`${rule.id}@${base + match.index}:${match[0]}`) });
  return found;
}

/** Texts made of the rules' examples, cut, doubled, glued and salted with keyword pieces. */
function texts(seed: number, howMany: number): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const examples = RULES.flatMap((rule) => [...rule.examples.positive, ...rule.examples.negative]);
  const salt = ['key', 'token', 'secret', 'pass', '://', '-us', 'SK', 'pat', '=', ': ', ' ', '"', '\n', '\r\n', '_', '.'];
  salt.push('aws_', 'password', 'encryption_key', '<token>', 'curl -u ', 'é', '\u010a');
  return Array.from({ length: howMany }, () => {
    let text = '';
    for (let part = 0; part < 1 + Math.floor(next() * 6); part++) {
      let example = pick(examples);
      const cut = Math.floor(next() * example.length);
      const how = next();
      if (how < 0.2) example = example.slice(cut);
      else if (how < 0.4) example = example.slice(0, cut);
      else if (how < 0.5) example += example;
      else if (how < 0.7) example = example.slice(0, cut) + pick(salt) + example.slice(cut);
      text += example + (next() < 0.5 ? pick(salt) : '');
    }
    return text;
  });
}

describe('forEachMatch', () => {
  it('finds exactly what running each rule the plain way finds', () => {
    for (const text of texts(11, 400)) {
      const expected = RULES.flatMap((rule) => plainMatches(text, rule)).sort();
      expect(searched(text, RULES).sort(), JSON.stringify(text)).toEqual(expected);
    }
  });

  it('does so past the point where line windows give way to the whole text', () => {
    const next = random(5);
    const examples = RULES.flatMap((rule) => rule.examples.positive);
    const filler = (i: number) => `const token${i} = key(path, secret); // pass ${i}`;
    const lines = Array.from({ length: 300 }, (_, i) => (i % 9 === 0 ? examples[Math.floor(next() * examples.length)] : filler(i)));
    for (const text of [lines.join('\n'), lines.join(' ')]) {
      expect(searched(text, RULES).sort()).toEqual(RULES.flatMap((rule) => plainMatches(text, rule)).sort());
    }
  });

  it('runs a rule without keywords on every text, and skips rules whose allowPaths cover the path', () => {
    const everywhere: SecretRule = { id: 'everywhere', description: 'test', keywords: [], pattern: /zz\d/g, examples: { positive: [], negative: [] } };
    const notInTests: SecretRule = { ...everywhere, id: 'not-in-tests', allowPaths: [/\.test\.ts$/] };
    expect(searched('a zz1 b zz2', [everywhere])).toEqual(['everywhere@2:zz1', 'everywhere@8:zz2']);
    expect(searched('zz3', [notInTests], 'a.test.ts')).toEqual([]);
    expect(searched('zz3', [notInTests], 'a.ts')).toEqual(['not-in-tests@0:zz3']);
  });

  it('steps over empty matches instead of stopping or looping', () => {
    const empty: SecretRule = { id: 'empty', description: 'test', keywords: ['ab'], pattern: /abc|(?=ab)/g, examples: { positive: [], negative: [] } };
    expect(searched('ab abc', [empty])).toEqual(['empty@3:abc']);
  });
});
