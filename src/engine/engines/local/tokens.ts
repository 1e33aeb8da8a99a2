/**
 * The token strings the statistics are kept over, and how they turn back into text.
 * A token carries its own spacing (" =" differs from "="), and line breaks are tokens that say how
 * the indentation changes ("\n>1": one level deeper, "\n\n<2": a blank line, then two levels out),
 * so files indented with two spaces and with four share their statistics.
 */
import type { LexedLine, Lexeme } from './lexer.js';

/** Marks the start of a file (twice, so the first tokens of a file have a full two-token context). */
export const BOUNDARY = '\u0002';
/** Stands for a literal too long to predict (docstrings, long strings, blobs of digits). */
export const OPAQUE = '\u0001';

const MAX_STRING_CHARS = 48;
const MAX_NUMBER_CHARS = 24;
const DEFAULT_UNIT = '    ';

export function lexemeToken(lexeme: Lexeme): string {
  const { kind, text } = lexeme;
  if (kind === 'string' && (text.length > MAX_STRING_CHARS || text.includes('\n'))) return OPAQUE;
  if (kind === 'number' && text.length > MAX_NUMBER_CHARS) return OPAQUE;
  return lexeme.spaced ? ` ${text}` : text;
}

/** The line-break token from a line indented `from` to the next one, indented `to`. */
export function newlineToken(blankBefore: number, from: string, to: string, unit: string): string {
  const head = blankBefore > 0 ? '\n\n' : '\n';
  const delta = to.length - from.length;
  if (delta === 0) return head;
  const sign = delta > 0 ? '>' : '<';
  const size = Math.abs(delta);
  return size % unit.length === 0 ? `${head}${sign}${size / unit.length}` : `${head}${sign}${size}c`;
}

/** The file's indentation step: a tab, or the most common increase in spaces between lines. */
export function detectIndentUnit(lines: readonly LexedLine[]): string {
  const steps = new Map<number, number>();
  let tabs = 0;
  let spaces = 0;
  for (let i = 1; i < lines.length; i++) {
    const indent = lines[i]!.indent;
    if (indent.startsWith('\t')) tabs++;
    else if (indent.length > 0) spaces++;
    const step = indent.length - lines[i - 1]!.indent.length;
    if (step > 0 && step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  if (tabs > spaces) return '\t';
  let best = 0;
  let bestCount = 0;
  for (const [step, count] of steps) {
    if (count > bestCount || (count === bestCount && step < best)) {
      best = step;
      bestCount = count;
    }
  }
  return best > 0 ? ' '.repeat(best) : DEFAULT_UNIT;
}

export interface EncodeOptions {
  /** The lines start the file: prefix them with the file-start marker. */
  fileStart: boolean;
  unit: string;
}

/** Token strings for lexed lines. */
export function encodeLines(lines: readonly LexedLine[], options: EncodeOptions): string[] {
  const out: string[] = options.fileStart ? [BOUNDARY, BOUNDARY] : [];
  let previous: LexedLine | undefined;
  for (const line of lines) {
    if (previous) out.push(newlineToken(line.blankBefore, previous.indent, line.indent, options.unit));
    for (const lexeme of line.lexemes) out.push(lexemeToken(lexeme));
    previous = line;
  }
  return out;
}

export function isNewlineToken(token: string): boolean {
  return token.charCodeAt(0) === 10;
}

/** Tokens that end what can be said with confidence: nothing predictable follows them. */
export function isOpaqueToken(token: string): boolean {
  return token === OPAQUE || token === BOUNDARY;
}

const NEWLINE_SHAPE = /^\n(\n?)(?:([<>])(\d+)(c?))?$/;

export interface IndentState {
  /** Indentation of the line being written. */
  indent: string;
  /** One indentation level in this document. */
  unit: string;
}

/** The indentation a line-break token leads to from `indent`. */
export function indentAfter(token: string, state: IndentState): string {
  const shape = NEWLINE_SHAPE.exec(token);
  if (!shape || !shape[2]) return state.indent;
  const count = Number(shape[3]);
  const chars = shape[4] ? count : count * state.unit.length;
  if (shape[2] === '<') return state.indent.slice(0, Math.max(0, state.indent.length - chars));
  const step = shape[4] ? ' '.repeat(count) : state.unit.repeat(count);
  return state.indent + step;
}

/** The text of one token written at `state`; a line break moves `state` to the new line. */
export function renderToken(token: string, state: IndentState): string {
  if (!isNewlineToken(token)) return token;
  const indent = indentAfter(token, state);
  state.indent = indent;
  return (token.charCodeAt(1) === 10 ? '\n\n' : '\n') + indent;
}

const OPENING = '([{';
const CLOSING = ')]}';

/** '(' '[' '{' for an opening bracket token, ')' ']' '}' for a closing one, else undefined. */
export function bracketOf(token: string): { open: boolean; char: string } | undefined {
  const bare = token.charCodeAt(0) === 32 ? token.slice(1) : token;
  if (bare.length !== 1) return undefined;
  if (OPENING.includes(bare)) return { open: true, char: bare };
  if (CLOSING.includes(bare)) return { open: false, char: bare };
  return undefined;
}

export function matchingOpen(close: string): string {
  return OPENING[CLOSING.indexOf(close)]!;
}
