/**
 * A small lexer that tells code from strings and comments, line by line or across a whole text,
 * and reports the brackets it meets in code. It is not a parser: it only needs to be right about
 * where strings and comments start and end, which is all bracket counting depends on.
 */
import type { PostprocessContext } from './types.js';
import type { Syntax } from './syntax.js';

export interface ScanState {
  /** The string or comment the text ends inside, if any. */
  readonly inside?: Literal;
  /** The last non-blank code character: a `/` after an operator starts a regex, after an operand it divides. */
  readonly previous: string;
}

interface Literal {
  close: string;
  multiline: boolean;
  escapes: boolean;
  comment?: boolean;
}

export const CODE: ScanState = { previous: '' };

const LINE_COMMENT: Literal = { close: '\n', multiline: false, escapes: false, comment: true };
const REGEX_FOLLOWS = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);

export const OPENER_OF: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

export function isOpener(char: string): boolean {
  return char === '(' || char === '[' || char === '{';
}

function isCloser(char: string): boolean {
  return char === ')' || char === ']' || char === '}';
}

/**
 * Scans `text` from `state` and returns the state at its end. `visit` sees every bracket that
 * stands in code, with its index in `text`.
 */
export function scan(text: string, syntax: Syntax, state: ScanState, visit?: (bracket: string, index: number) => void): ScanState {
  let inside = state.inside;
  let previous = state.previous;
  const starts = literalStarters(syntax);
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (inside) {
      if (char === '\n' && !inside.multiline) {
        inside = undefined;
        i++;
      } else if (inside.escapes && char === '\\') {
        i += 2;
      } else if (text.startsWith(inside.close, i)) {
        i += inside.close.length;
        // A string is an operand: a `/` after it divides. A comment leaves things as they were.
        if (!inside.comment) previous = 'a';
        inside = undefined;
      } else {
        i++;
      }
      continue;
    }
    // Most code characters start no literal: a set lookup spares them the marker comparisons.
    const opened = starts.has(text.charCodeAt(i)) && literalAt(text, i, syntax, previous);
    if (opened) {
      if ('literal' in opened) inside = opened.literal;
      else previous = 'a';
      i = opened.end;
      continue;
    }
    if (isOpener(char) || isCloser(char)) visit?.(char, i);
    if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') previous = char;
    i++;
  }
  return { inside, previous };
}

const starters = new WeakMap<Syntax, ReadonlySet<number>>();

/**
 * The characters a comment, string, character or regex literal can start with. Most code
 * characters start none, and checking a set first spares them literalAt's marker-by-marker
 * comparisons, which made up most of a scan of a long prefix.
 */
function literalStarters(syntax: Syntax): ReadonlySet<number> {
  let found = starters.get(syntax);
  if (!found) {
    const markers = [...syntax.lineComments, ...(syntax.blockComment ? [syntax.blockComment[0]] : []), ...syntax.strings.map((form) => form.open)];
    if (syntax.charLiterals) markers.push("'");
    if (syntax.regexLiterals) markers.push('/');
    found = new Set(markers.map((marker) => marker.charCodeAt(0)));
    starters.set(syntax, found);
  }
  return found;
}

/** A comment or string starting at `i`: the literal it opens, or the end of one that closes on the spot. */
function literalAt(text: string, i: number, syntax: Syntax, previous: string): { literal: Literal; end: number } | { end: number } | undefined {
  for (const marker of syntax.lineComments) if (text.startsWith(marker, i)) return { literal: LINE_COMMENT, end: i + marker.length };
  const comment = syntax.blockComment;
  if (comment && text.startsWith(comment[0], i)) return { literal: { close: comment[1], multiline: true, escapes: false, comment: true }, end: i + comment[0].length };
  for (const form of syntax.strings) if (text.startsWith(form.open, i)) return { literal: form, end: i + form.open.length };
  const char = text[i];
  if (char === "'" && syntax.charLiterals) {
    const end = charLiteralEnd(text, i);
    if (end !== -1) return { end };
  }
  if (char === '/' && syntax.regexLiterals && REGEX_FOLLOWS.has(previous)) {
    const end = regexEnd(text, i);
    if (end !== -1) return { end };
  }
  return undefined;
}

/** End of a character literal such as `'x'` or `'\n'` starting at `i`, or -1 (a lifetime, an apostrophe). */
function charLiteralEnd(text: string, i: number): number {
  if (text[i + 1] === '\\') {
    // The escaped character is skipped whatever it is (`'\''`, `'\\'`), then the quote is looked for.
    for (let j = i + 3; j < Math.min(text.length, i + 12); j++) {
      if (text[j] === '\n') return -1;
      if (text[j] === "'") return j + 1;
    }
    return -1;
  }
  const code = text.codePointAt(i + 1);
  if (code === undefined || code === 10 || code === 39) return -1;
  const after = i + 1 + (code > 0xffff ? 2 : 1);
  return text[after] === "'" ? after + 1 : -1;
}

/** End of a regular expression literal starting at `i`, or -1 when the line holds no closing slash. */
function regexEnd(text: string, i: number): number {
  const next = text[i + 1];
  if (next === '/' || next === '*' || next === ' ' || next === undefined) return -1;
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const char = text[j];
    if (char === '\n') return -1;
    if (char === '\\') j++;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) return j + 1;
  }
  return -1;
}

/** Brackets still open at the end of a text, innermost last, and the lexical state there. */
export interface OpenBrackets {
  open: readonly string[];
  state: ScanState;
}

/**
 * How much of the prefix is read for open brackets: whole files up to this size, else their tail
 * from a line start. Reading 100 KB cost 4 ms on every candidate; an opener further back than
 * this is a data literal the size of a module, where a completion rarely closes anything.
 */
const PREFIX_WINDOW = 24_000;

const prefixCache = new WeakMap<PostprocessContext, { prefix: string; result: OpenBrackets }>();

/**
 * The brackets open at the cursor. Reading is lenient, since the prefix is code being edited: a
 * closer pops down to the nearest opener of its kind, and a closer with none is ignored. The
 * result is kept per context, because several filters ask for it.
 */
export function openAtCursor(context: PostprocessContext, syntax: Syntax): OpenBrackets {
  const cached = prefixCache.get(context);
  if (cached && cached.prefix === context.prefix) return cached.result;
  let text = context.prefix;
  if (text.length > PREFIX_WINDOW) text = text.slice(text.indexOf('\n', text.length - PREFIX_WINDOW) + 1);
  const open: string[] = [];
  const state = scan(text, syntax, CODE, (bracket) => {
    if (isOpener(bracket)) {
      open.push(bracket);
      return;
    }
    const at = open.lastIndexOf(OPENER_OF[bracket]!);
    if (at !== -1) open.length = at;
  });
  const result = { open, state };
  prefixCache.set(context, { prefix: context.prefix, result });
  return result;
}

/** How the brackets stand after some text, read strictly from the brackets open at the cursor. */
export interface Balance {
  /** Closers that closed nothing, or a bracket of another kind. */
  stray: number;
  /** Brackets open at the end. */
  depth: number;
}

/** The balance after `text` followed by `tail`, starting from `start`. */
export function balanceOf(text: string, tail: string, syntax: Syntax, start: OpenBrackets): Balance {
  const open = [...start.open];
  let stray = 0;
  const visit = (bracket: string): void => {
    if (isOpener(bracket)) open.push(bracket);
    else if (open.at(-1) === OPENER_OF[bracket]) open.pop();
    else stray++;
  };
  scan(tail, syntax, scan(text, syntax, start.state, visit), visit);
  return { stray, depth: open.length };
}

/** For each line of `text`, whether it starts inside a string or comment when `text` starts in `state`. */
export function linesStartingInLiterals(lines: readonly string[], syntax: Syntax | undefined, state: ScanState): boolean[] {
  if (!syntax) return lines.map(() => false);
  const inside: boolean[] = [];
  let current = state;
  for (const line of lines) {
    inside.push(current.inside !== undefined);
    current = scan(`${line}\n`, syntax, current);
  }
  return inside;
}
