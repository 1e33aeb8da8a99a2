/**
 * Runs the rules' regexes over a text, but only where they can match. One pass of the keyword
 * automaton finds every keyword occurrence; then each rule is either skipped (none of its
 * keywords occurs), tried at the few positions where its matches can start (rules with an
 * anchor, see anchors.ts), run over the lines holding its keywords (line-local rules), or run over
 * the whole text. Whichever way, a rule gets the matches its regex has where the keyword
 * prefilter lets it run: in texts holding one of its keywords, and for a line-local rule on the
 * lines holding one (on the whole text past a number of occurrences, see WINDOW_CAP).
 */
import { anchorOf, isLineLocal, type Anchor } from './anchors.js';
import { KeywordAutomaton } from './keywords.js';
import type { SecretRule } from './types.js';

/** The automaton over a rule set's keywords, and which rules each keyword belongs to. */
interface Matcher {
  automaton: KeywordAutomaton;
  keywordLength: Int32Array;
  /** For each rule, the indexes of its keywords in the automaton. */
  keywordsOf: Int32Array[];
  /** For each keyword, the indexes of the rules that list it. */
  rulesOf: Int32Array[];
  /** Each rule's anchor (null: none), worked out when the rule first has a keyword occurrence. */
  anchors: Array<Anchor | null | undefined>;
  /** Each rule's isLineLocal, likewise. */
  lineLocal: Array<boolean | undefined>;
  /** Rules without keywords: they run on every text. */
  keywordless: number[];
}

const matchers = new WeakMap<readonly SecretRule[], Matcher>();

function matcherFor(rules: readonly SecretRule[]): Matcher {
  let matcher = matchers.get(rules);
  if (!matcher) {
    const keywords = [...new Set(rules.flatMap((rule) => rule.keywords))];
    const indexOf = new Map(keywords.map((keyword, index) => [keyword, index]));
    const keywordsOf = rules.map((rule) => Int32Array.from(new Set(rule.keywords), (keyword) => indexOf.get(keyword)!));
    const lists: number[][] = keywords.map(() => []);
    keywordsOf.forEach((mine, rule) => mine.forEach((keyword) => lists[keyword]!.push(rule)));
    const rulesOf = lists.map((list) => Int32Array.from(list));
    const keywordLength = Int32Array.from(keywords, (keyword) => keyword.length);
    const anchors = new Array<Anchor | null | undefined>(rules.length);
    const keywordless = [...rules.keys()].filter((rule) => keywordsOf[rule]!.length === 0);
    const lineLocal = new Array<boolean | undefined>(rules.length);
    matcher = { automaton: new KeywordAutomaton(keywords), keywordLength, keywordsOf, rulesOf, anchors, lineLocal, keywordless };
    matchers.set(rules, matcher);
  }
  return matcher;
}

/** Above this many hits of a keyword, line windows stop paying off and the whole text is scanned. */
const WINDOW_CAP = 64;

/** Receives the matches; `base` is where the searched piece starts in the text. */
export interface MatchSink {
  add(rule: SecretRule, match: RegExpExecArray, base: number): void;
}

/**
 * Where one rule's regex runs in one text: the whole text, or pairs of numbers (the start and end
 * of each occurrence of its keywords, for an anchored rule; of each line holding one, otherwise).
 */
type Places = number[] | 'whole text';

/**
 * Every match of every rule in `text`, rule by rule in rule order, each rule's in text order.
 * Rules whose `allowPaths` cover `path` are skipped.
 */
export function forEachMatch(text: string, rules: readonly SecretRule[], path: string, sink: MatchSink): void {
  const matcher = matcherFor(rules);
  const plan = placesOf(text, rules, matcher);
  for (const [index, places] of plan) {
    const rule = rules[index]!;
    if (path && rule.allowPaths?.some((pattern) => pattern.test(path))) continue;
    const anchor = matcher.anchors[index];
    if (places === 'whole text') scanPiece(rule, text, 0, sink);
    else if (anchor) tryAnchored(rule, anchor, text, places, sink);
    else for (let i = 0; i < places.length; i += 2) scanPiece(rule, slice(text, places[i]!, places[i + 1]!), places[i]!, sink);
  }
}

/**
 * The rules to run on `text`, in rule order, and where. Done with the automaton's hits before any
 * rule runs, as those last only until its next scan.
 */
function placesOf(text: string, rules: readonly SecretRule[], matcher: Matcher): Array<[number, Places]> {
  const hits = matcher.automaton.scan(text);
  const places: number[][] = [];
  const triggered = matcher.keywordless.slice();
  for (let h = 0; h < hits.hits; h++) {
    const keyword = hits.hitKeyword[h]!;
    for (const rule of matcher.rulesOf[keyword]!) {
      let list = places[rule];
      if (list === undefined) {
        places[rule] = list = [];
        triggered.push(rule);
      }
      if ((matcher.anchors[rule] ??= anchorOf(rules[rule]!) ?? null)) {
        list.push(hits.hitEnd[h]! - matcher.keywordLength[keyword]!, hits.hitEnd[h]!);
      } else if ((matcher.lineLocal[rule] ??= isLineLocal(rules[rule]!))) {
        const line = hits.lineOf(h);
        if (list.length === 0 || list[list.length - 2] !== hits.lineStart[line]) list.push(hits.lineStart[line]!, hits.lineEnd[line]!);
      }
    }
  }
  return triggered
    .sort((a, b) => a - b)
    .map((rule) => {
      // Rules that are neither anchored nor line-local collected no places: they take the whole
      // text, as do keywordless ones, and line-local ones with too many occurrences.
      const list = places[rule];
      const whole =
        list === undefined ||
        (!matcher.anchors[rule] && (list.length === 0 || matcher.keywordsOf[rule]!.some((keyword) => hits.counts[keyword]! > WINDOW_CAP)));
      return [rule, whole ? 'whole text' : list];
    });
}

const slice = (text: string, start: number, end: number) => (start === 0 && end === text.length ? text : text.slice(start, end));

/** A global scan of `piece`, which starts at `base` in the text. */
function scanPiece(rule: SecretRule, piece: string, base: number, sink: MatchSink): void {
  const pattern = rule.pattern;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(piece); match; match = pattern.exec(piece)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    sink.add(rule, match, base);
  }
}

/**
 * The matches a global scan would find, trying the regex only where a match can start: up to
 * `before` characters ahead of each keyword occurrence that `after` accepts. Positions are tried
 * in order and, as in a global scan, none inside the previous match.
 */
function tryAnchored(rule: SecretRule, anchor: Anchor, text: string, occurrences: readonly number[], sink: MatchSink): void {
  const starts: number[] = [];
  for (let i = 0; i < occurrences.length; i += 2) {
    const start = occurrences[i]!;
    if (anchor.after) {
      anchor.after.lastIndex = occurrences[i + 1]!;
      if (!anchor.after.test(text)) continue;
    }
    for (let at = Math.max(0, start - anchor.before); at <= start; at++) starts.push(at);
  }
  if (anchor.before > 0 || rule.keywords.length > 1) starts.sort((a, b) => a - b);
  const sticky = anchor.sticky;
  let resume = 0;
  let tried = -1;
  for (const at of starts) {
    if (at < resume || at === tried) continue;
    tried = at;
    sticky.lastIndex = at;
    const match = sticky.exec(text);
    if (match === null || match[0].length === 0) continue;
    sink.add(rule, match, 0);
    resume = at + match[0].length;
  }
}
