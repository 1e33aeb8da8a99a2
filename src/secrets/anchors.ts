/**
 * Where a rule's matches can be, so its regex need not run everywhere: on the lines holding its
 * keywords (line-local rules), or starting at, or a bounded distance before, an occurrence of one
 * of them (anchored rules). An anchored rule's regex is tried, sticky, only at those positions, in
 * order and never inside the previous match. That finds exactly what a global scan finds: after
 * each match a global scan reports the leftmost position from there where the regex matches, and
 * every position where it can match is among those tried.
 */
import type { SecretRule } from './types.js';

export interface Anchor {
  /** Every match starts at most this many characters before a keyword occurrence (0: at it). */
  before: number;
  /** Sticky; must match right after that keyword occurrence, or no match can contain it. */
  after?: RegExp;
  /** The rule's pattern with the sticky flag, to try one position at a time. */
  sticky: RegExp;
}

const lineLocalCache = new WeakMap<SecretRule, boolean>();

/**
 * Whether every match of a rule lies on one line that also holds one of its keywords, so the
 * regex need only run on those lines. Decided conservatively from the pattern: anything that can
 * cross a line break (\n, \r, \s, [\s\S], a negated class without \s or \n, the s flag) and
 * any multi-line positive example keep the rule on the whole text.
 */
export function isLineLocal(rule: SecretRule): boolean {
  if (rule.lineLocal !== undefined) return rule.lineLocal && rule.keywords.length > 0;
  let local = lineLocalCache.get(rule);
  if (local === undefined) {
    const source = rule.pattern.source;
    const negated = source.match(/\[\^(?:\\.|[^\]])*\]/g) ?? [];
    local =
      rule.keywords.length > 0 &&
      !rule.pattern.flags.includes('s') &&
      !/\\[nrs]|\\S/.test(source.replace(/\[\^(?:\\.|[^\]])*\]/g, '')) &&
      negated.every((cls) => /\\[sn]/.test(cls)) &&
      rule.examples.positive.every((example) => !example.includes('\n'));
    lineLocalCache.set(rule, local);
  }
  return local;
}

const anchors = new WeakMap<SecretRule, Anchor | null>();

/** The rule's anchor: declared on the rule, or found in a pattern that opens with a keyword. */
export function anchorOf(rule: SecretRule): Anchor | undefined {
  let anchor = anchors.get(rule);
  if (anchor === undefined) {
    const declared = rule.anchor;
    const before = declared ? declared.before : opensWithKeyword(rule) ? 0 : undefined;
    anchor = null;
    if (before !== undefined && rule.keywords.length > 0) {
      const after = declared?.after && stickyCopy(declared.after);
      anchor = { before, sticky: stickyCopy(rule.pattern), ...(after ? { after } : {}) };
    }
    anchors.set(rule, anchor);
  }
  return anchor ?? undefined;
}

function stickyCopy(pattern: RegExp): RegExp {
  return pattern.sticky ? new RegExp(pattern.source, pattern.flags) : new RegExp(pattern.source, `${pattern.flags}y`);
}

/**
 * Whether every match of the pattern begins with one of the rule's keywords: the literal text each
 * top-level alternative opens with (after zero-width lookbehinds and \b) starts with a keyword,
 * case-insensitively. Conservative: any construct not understood here answers no. A line-local
 * rule with ^ or $ is left alone: it used to run on lines cut out of the text, where those match
 * at the cuts, while tries happen in the whole text.
 */
export function opensWithKeyword(rule: SecretRule): boolean {
  const source = rule.pattern.source;
  const anchorsText = /[$^]/.test(source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, ''));
  if (rule.pattern.multiline || (anchorsText && isLineLocal(rule))) return false;
  const openings = new Parser(source).alternatives();
  return (
    openings !== undefined &&
    openings.every((opening) => rule.keywords.some((keyword) => keyword.length > 0 && opening.toLowerCase().startsWith(keyword)))
  );
}

/** Reads the literal text that a regex source must open with, one list entry per alternative. */
class Parser {
  private at = 0;
  constructor(private readonly source: string) {}

  /** Alternatives up to the next unmatched ')' or the end; undefined when one is not understood. */
  alternatives(): string[] | undefined {
    const openings: string[] = [];
    for (;;) {
      const opening = this.sequence();
      if (opening === undefined) return undefined;
      openings.push(...opening);
      this.skipToAlternativeEnd();
      if (this.source[this.at] !== '|') return openings;
      this.at++;
    }
  }

  /** The openings of one alternative: its leading literal text, extended into a first group. */
  private sequence(): string[] | undefined {
    while (this.skipZeroWidth());
    let literal = '';
    for (;;) {
      const char = this.literalAt(this.at);
      if (char !== undefined) {
        const width = this.source[this.at] === '\\' ? 2 : 1;
        // A quantified character may be absent (x?, x*) or is at least there once (x+, x{2}):
        // stop before it either way, which keeps the answer a true prefix.
        if (isQuantifier(this.source[this.at + width])) return literal ? [literal] : undefined;
        literal += char;
        this.at += width;
        continue;
      }
      if (this.source[this.at] === '(' && this.groupKind() === 'capture') {
        const start = this.at;
        this.at = this.source.indexOf(this.source[this.at + 1] === '?' ? (this.source[this.at + 2] === '<' ? '>' : ':') : '(', this.at) + 1;
        const inner = this.alternatives();
        if (inner === undefined || this.source[this.at] !== ')') {
          this.at = start;
          return literal ? [literal] : undefined;
        }
        this.at++;
        if (isQuantifier(this.source[this.at])) return literal ? [literal] : undefined;
        const openings = inner.map((opening) => literal + opening);
        return openings.every((opening) => opening.length > 0) ? openings : undefined;
      }
      return literal ? [literal] : undefined;
    }
  }

  /** Lookbehinds and \b at the start of an alternative take no text; skip one, if there. */
  private skipZeroWidth(): boolean {
    if (this.source.startsWith('\\b', this.at)) {
      this.at += 2;
      return true;
    }
    if (this.source.startsWith('(?<!', this.at) || this.source.startsWith('(?<=', this.at)) {
      this.at = this.groupEnd(this.at);
      return true;
    }
    return false;
  }

  private groupKind(): 'capture' | 'lookaround' {
    const head = this.source.slice(this.at, this.at + 4);
    if (/^\(\?(?:[=!]|<[=!])/.test(head)) return 'lookaround';
    return 'capture';
  }

  /** One literal character at `index`, or undefined where the pattern has anything else. */
  private literalAt(index: number): string | undefined {
    const char = this.source[index];
    if (char === undefined) return undefined;
    if (char === '\\') {
      const escaped = this.source[index + 1];
      return escaped !== undefined && /[^\w\s]/.test(escaped) ? escaped : undefined;
    }
    return /[\w"':=~,@%&#!<> -]/.test(char) && !isQuantifier(char) ? char : undefined;
  }

  /** Index just past the group opening at `index`, respecting escapes and classes. */
  private groupEnd(index: number): number {
    let depth = 0;
    for (let i = index; i < this.source.length; i++) {
      const char = this.source[i];
      if (char === '\\') i++;
      else if (char === '[') i = this.classEnd(i);
      else if (char === '(') depth++;
      else if (char === ')' && --depth === 0) return i + 1;
    }
    return this.source.length;
  }

  private classEnd(index: number): number {
    for (let i = index + 1; i < this.source.length; i++) {
      if (this.source[i] === '\\') i++;
      else if (this.source[i] === ']') return i;
    }
    return this.source.length;
  }

  /** Moves past the rest of the current alternative, to its '|' or closing ')' or the end. */
  private skipToAlternativeEnd(): void {
    while (this.at < this.source.length) {
      const char = this.source[this.at];
      if (char === '|' || char === ')') return;
      if (char === '\\') this.at += 2;
      else if (char === '[') this.at = this.classEnd(this.at) + 1;
      else if (char === '(') this.at = this.groupEnd(this.at);
      else this.at++;
    }
  }
}

function isQuantifier(char: string | undefined): boolean {
  return char === '?' || char === '*' || char === '+' || char === '{';
}
