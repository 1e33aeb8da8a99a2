/**
 * Reads the text around the cursor the way the statistics see code: the tokens before the cursor
 * (the context), what is typed of the token under the cursor (the partial, which every candidate
 * must extend), the indentation and open brackets there, what follows on the line and below, and
 * a small occurrence store of the document itself, the strongest evidence there is.
 */
import type { LexedLine } from './lexer.js';
import { lex } from './lexer.js';
import { DEAD, OccurrenceStore } from './occurrences.js';
import type { FileSyntax } from './syntax.js';
import type { TokenSpace } from './token-space.js';
import { bracketOf, detectIndentUnit, encodeLines, matchingOpen, OPAQUE, type IndentState } from './tokens.js';

export interface CursorInput {
  path: string;
  language?: string;
  prefix: string;
  suffix: string;
}

export interface CursorDocument {
  /** Set when the cursor stands where suggestions are noise (inside a comment or a long string). */
  blocked?: 'comment' | 'string';
  /** Token ids before the cursor, up to the partial token. */
  context: number[];
  /** Text already typed of the next token, in token form (" =" for "x =", "\n    " in an indentation). */
  partial: string;
  /** Where the first generated token is written. */
  indent: IndentState;
  /** Brackets open before the cursor (the partial token aside), innermost last. */
  brackets: string[];
  /** Brackets open at the cursor, counting one the partial token opens: a closing bracket after the cursor closes these. */
  cursorDepth: number;
  /** The rest of the cursor's line, and its first lexeme (where a completion must stop). */
  lineSuffix: string;
  lineSuffixHead?: string;
  /** The next few non-blank lines after the cursor's line, trimmed. */
  nextLines: string[];
  /** The document's own tokens, searchable like the corpus. */
  store: OccurrenceStore;
  /** How often each token occurs in the document. */
  counts: Map<number, number>;
  countTotal: number;
  /** The lexed lines of the prefix window before the cursor's line, and that window's text. */
  previousLines: LexedLine[];
  window: string;
  /** The cursor's line: its indentation, what is typed after it, blank lines before it. */
  cursorLine: { indent: string; typed: string; blankBefore: number };
}

export interface DocumentWindows {
  /** Characters of the document read before and after the cursor; the corpus holds the rest of a saved file. */
  prefixChars: number;
  suffixChars: number;
}

export const DEFAULT_WINDOWS: DocumentWindows = { prefixChars: 16_000, suffixChars: 4_000 };
const NEXT_LINES = 5;
/** Enough of the line after the cursor to find its first lexeme (a minified line can be huge). */
const LINE_SUFFIX_HEAD_CHARS = 256;

function prefixWindow(prefix: string, chars: number): { window: string; fileStart: boolean } {
  if (prefix.length <= chars) return { window: prefix, fileStart: true };
  const cut = prefix.length - chars;
  const lineStart = prefix.indexOf('\n', cut);
  return { window: prefix.slice(lineStart === -1 ? cut : lineStart + 1), fileStart: false };
}

function suffixParts(suffix: string, chars: number): { lineSuffix: string; rest: string } {
  const end = suffix.indexOf('\n');
  if (end === -1) return { lineSuffix: suffix, rest: '' };
  let rest = suffix.slice(end + 1, end + 1 + chars + 1);
  if (rest.length > chars) {
    const lastBreak = rest.lastIndexOf('\n', chars);
    rest = rest.slice(0, lastBreak === -1 ? chars : lastBreak);
  }
  return { lineSuffix: suffix.slice(0, end), rest };
}

export function readCursor(input: CursorInput, fileSyntax: FileSyntax, space: TokenSpace, windows: DocumentWindows = DEFAULT_WINDOWS): CursorDocument {
  const { window, fileStart } = prefixWindow(input.prefix, windows.prefixChars);
  const { lines, tail } = lex(window, fileSyntax.syntax);
  const { lineSuffix, rest } = suffixParts(input.suffix, windows.suffixChars);
  const below = lex(rest, fileSyntax.syntax).lines;
  const unit = detectIndentUnit(lines.length >= 8 ? lines : [...lines, ...below]);
  const tokens = encodeLines(lines, { fileStart, unit });
  const lastLine = lines.at(-1);

  let partial = '';
  let partialIsLexeme = false;
  let blocked: CursorDocument['blocked'];
  let indent = lastLine?.indent ?? '';
  if (tail.open === 'comment') {
    blocked = 'comment';
  } else if (tail.open === 'string') {
    partial = tokens.at(-1)!;
    partialIsLexeme = true;
    if (partial === OPAQUE) blocked = 'string';
  } else if (tail.lineEmpty) {
    if (lastLine) partial = (tail.blankBefore > 0 ? '\n\n' : '\n') + tail.indent;
  } else if (tail.trailingSpace) {
    partial = ' ';
  } else if (tokens.at(-1) !== OPAQUE) {
    partial = tokens.at(-1)!;
    partialIsLexeme = true;
  }
  if (!tail.lineEmpty && lastLine) indent = lastLine.indent;
  const contextTokens = partialIsLexeme ? tokens.slice(0, -1) : tokens;

  const context = contextTokens.map((token) => space.id(token));
  const suffixIds = encodeLines(below, { fileStart: false, unit }).map((token) => space.id(token));
  const store = new OccurrenceStore(context.length + suffixIds.length + 4);
  // DEAD after the context keeps the context from matching itself; DEAD before the suffix keeps
  // the two parts from reading as adjacent.
  store.append([...context, DEAD]);
  if (suffixIds.length > 0) store.append([DEAD, DEAD, ...suffixIds]);
  const counts = new Map<number, number>();
  for (const id of context) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const id of suffixIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const brackets = openBrackets(lines, partialIsLexeme);
  const partialBracket = partialIsLexeme ? bracketOf(partial) : undefined;

  return {
    blocked,
    context,
    partial,
    indent: { indent, unit },
    brackets,
    cursorDepth: depthAfter(brackets, partialBracket),
    lineSuffix,
    lineSuffixHead: lex(lineSuffix.slice(0, LINE_SUFFIX_HEAD_CHARS), fileSyntax.syntax).lines[0]?.lexemes[0]?.text,
    nextLines: rest
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .slice(0, NEXT_LINES),
    store,
    counts,
    countTotal: context.length + suffixIds.length,
    previousLines: tail.lineEmpty ? lines : lines.slice(0, -1),
    window,
    cursorLine: tail.lineEmpty
      ? { indent: tail.indent, typed: '', blankBefore: tail.blankBefore }
      : { indent: lastLine!.indent, typed: window.slice(lastLine!.start + lastLine!.indent.length), blankBefore: lastLine!.blankBefore },
  };
}

function depthAfter(brackets: readonly string[], bracket: ReturnType<typeof bracketOf>): number {
  if (!bracket) return brackets.length;
  if (bracket.open) return brackets.length + 1;
  return brackets.at(-1) === matchingOpen(bracket.char) ? brackets.length - 1 : brackets.length;
}

function openBrackets(lines: readonly LexedLine[], skipLast: boolean): string[] {
  const stack: string[] = [];
  const lastLine = lines.length - 1;
  for (let l = 0; l < lines.length; l++) {
    const lexemes = lines[l]!.lexemes;
    const count = skipLast && l === lastLine ? lexemes.length - 1 : lexemes.length;
    for (let i = 0; i < count; i++) {
      const lexeme = lexemes[i]!;
      if (lexeme.kind !== 'punct') continue;
      const bracket = bracketOf(lexeme.text);
      if (!bracket) continue;
      if (bracket.open) stack.push(bracket.char);
      else if (stack.at(-1) === matchingOpen(bracket.char)) stack.pop();
    }
  }
  return stack;
}
