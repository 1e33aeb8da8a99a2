import { describe, expect, it } from 'vitest';
import { anchorOf, opensWithKeyword } from '../../src/secrets/anchors.js';
import { RULES } from '../../src/secrets/rules/index.js';
import type { SecretRule } from '../../src/secrets/types.js';

const rule = (pattern: RegExp, keywords: string[], extra: Partial<SecretRule> = {}): SecretRule => ({
  id: 'test-rule',
  description: 'test',
  keywords,
  pattern,
  examples: { positive: ['x'], negative: ['y'] },
  ...extra,
});

describe('opensWithKeyword', () => {
  it('sees a keyword behind lookbehinds, \\b and capture groups', () => {
    expect(opensWithKeyword(rule(/(?<![\w-])(?<secret>ghp_[A-Za-z0-9]{36})(?![\w-])/g, ['ghp_']))).toBe(true);
    expect(opensWithKeyword(rule(/\bcurl\b[^\n]{0,300}?/g, ['curl']))).toBe(true);
    expect(opensWithKeyword(rule(/(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA)[A-Z2-7]{16})/g, ['a3t', 'akia', 'asia']))).toBe(true);
    expect(opensWithKeyword(rule(/hooks\.slack\.com\/services/g, ['hooks.slack.com']))).toBe(true);
  });

  it('says no when an alternative may open with something else', () => {
    expect(opensWithKeyword(rule(/(?:AKIA|ASIA)[A-Z]{16}/g, ['akia']))).toBe(false);
    expect(opensWithKeyword(rule(/[a-f0-9]{32}-us\d/g, ['-us']))).toBe(false);
    expect(opensWithKeyword(rule(/(?:azure|storage)key/gi, ['storage']))).toBe(false);
  });

  it('says no when the opening text is optional or repeated', () => {
    expect(opensWithKeyword(rule(/x?token=\w+/g, ['token']))).toBe(false);
    expect(opensWithKeyword(rule(/(?:token)?=\w+/g, ['token']))).toBe(false);
    expect(opensWithKeyword(rule(/(?:tok)+en=\w+/g, ['token']))).toBe(false);
  });

  it('leaves a lookahead at the start, the multiline flag and ^ in a line-local rule alone', () => {
    expect(opensWithKeyword(rule(/(?=key-)key-\w+/g, ['key-']))).toBe(false);
    expect(opensWithKeyword(rule(/^data:\w+/gm, ['data:']))).toBe(false);
    expect(opensWithKeyword(rule(/token=\w+(?=\s|$)/g, ['token'], { lineLocal: true }))).toBe(false);
    expect(opensWithKeyword(rule(/token=\w+(?=\s|$)/g, ['token'], { lineLocal: false }))).toBe(true);
  });
});

describe('anchorOf', () => {
  it('gives a declared anchor a sticky copy of the pattern and of `after`', () => {
    const anchor = anchorOf(rule(/\w{3}-us\d/g, ['-us'], { anchor: { before: 3, after: /\d/ } }))!;
    expect(anchor.before).toBe(3);
    expect(anchor.sticky.sticky && anchor.sticky.global).toBe(true);
    expect(anchor.after?.sticky).toBe(true);
  });

  it('gives none to a rule without keywords or without a keyword at its start', () => {
    expect(anchorOf(rule(/ghp_\w+/g, []))).toBeUndefined();
    expect(anchorOf(rule(/[MNO]\w{23}\.\w{6}/g, ['discord']))).toBeUndefined();
  });
});

/** Where each keyword occurrence starts and ends, case-insensitively. */
function occurrences(text: string, keywords: readonly string[]): Array<{ start: number; end: number }> {
  const lower = text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  return keywords.flatMap((keyword) => {
    const found: Array<{ start: number; end: number }> = [];
    for (let at = lower.indexOf(keyword); at !== -1; at = lower.indexOf(keyword, at + 1)) found.push({ start: at, end: at + keyword.length });
    return found;
  });
}

describe('the anchors of the rule set', () => {
  const anchored = RULES.filter((r) => anchorOf(r) !== undefined);

  it('cover the costly generic rules and most of the rest', () => {
    for (const id of ['generic-secret', 'generic-password', 'url-password', 'mailchimp-api-key']) expect(anchored.map((r) => r.id)).toContain(id);
    expect(anchored.length).toBeGreaterThan(RULES.length / 2);
  });

  it.each(anchored.map((r) => [r.id, r] as const))('%s: every match in its examples holds a keyword where its anchor says', (_id, r) => {
    const anchor = anchorOf(r)!;
    for (const text of r.examples.positive) {
      const pattern = new RegExp(r.pattern.source, r.pattern.flags);
      const matches = [...text.matchAll(pattern)].filter((match) => match[0].length > 0);
      expect(matches.length, text).toBeGreaterThan(0);
      for (const match of matches) {
        const near = occurrences(text, r.keywords).some(({ start, end }) => {
          if (match.index < start - anchor.before || match.index > start || end > match.index + match[0].length) return false;
          if (!anchor.after) return true;
          anchor.after.lastIndex = end;
          return anchor.after.test(text);
        });
        expect(near, `${match[0]} at ${match.index} in ${text}`).toBe(true);
      }
    }
  });
});
