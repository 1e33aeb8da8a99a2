/**
 * Cuts a multi-line completion where it leaves the block the cursor is in: a model that is not
 * stopped goes on to write the next function. How a block ends depends on the language:
 * - with braces (C, Java, Go, JavaScript...), where the completion closes a `{` opened before
 *   the cursor. The closing line is kept unless the code after the cursor starts by closing the
 *   block itself; `} else {` carries on in the same statement and does not end it. Indentation is
 *   not trusted here: hand-written C is indented every which way.
 * - by indentation (Python, and languages whose syntax is unknown), where a line is indented
 *   less than the block, found three ways:
 *   - the cursor is in the middle of a line: that line's block. When the line opens a block
 *     (`def f():`, `foo(`), the completion may fill and close it, and ends at the first line
 *     back at the cursor line's level (kept when it only closes, like `)`);
 *   - the cursor stands after indentation on an empty line: the block at that indentation;
 *   - the cursor is at column 0 and the model wrote the indentation itself: the block that the
 *     code after the cursor continues in, or the first line's, whichever is shallower. Below it,
 *     only a new definition or top-level code ends the block: the code after the cursor may be
 *     the body of a loop the completion opened at a lower level.
 *   A closing line below the block is kept only when the code after the cursor does not close it.
 * Comment lines and lines inside strings are not code and never end a block.
 */
import { continuesStatement, opensBlock, startsDefinition, startsWithCloser } from './block-shape.js';
import { content, firstNonBlank, indentWidth, isBlank, keepLines, lineBeforeCursor, linesAfterCursorLine, restOfLine, splitLines } from './lines.js';
import { CODE, isOpener, linesStartingInLiterals, OPENER_OF, openAtCursor, scan } from './scanner.js';
import { syntaxOf, type Syntax } from './syntax.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

/** Lines after the cursor searched for where the surrounding code goes on. */
const SUFFIX_LOOKAHEAD = 200;

export const blockEnd: PostprocessFilter = {
  name: 'block-end',
  apply(completion: string, context: PostprocessContext): string | undefined {
    if (!context.multiline || !completion.includes('\n')) return completion;
    const syntax = syntaxOf(context);
    return syntax?.braceBlocks ? endOfBraceBlock(completion, context, syntax) : endOfIndentedBlock(completion, context, syntax);
  },
};

function endOfBraceBlock(completion: string, context: PostprocessContext, syntax: Syntax): string | undefined {
  const start = openAtCursor(context, syntax);
  const open = start.open.map((bracket) => ({ bracket, outer: true }));
  const lineStarts = [0];
  for (let i = completion.indexOf('\n'); i !== -1; i = completion.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (index: number): number => lineStarts.findLastIndex((lineStart) => lineStart <= index);
  const lines = splitLines(completion).map(content);
  let closing = -1;
  let reopenedOn = -1;
  scan(completion, syntax, start.state, (bracket, index) => {
    if (closing !== -1) return;
    if (isOpener(bracket)) {
      // The `{` of `} else {` takes the place of the block it closed.
      open.push({ bracket, outer: bracket === '{' && lineOf(index) === reopenedOn });
      return;
    }
    const match = open.findLastIndex((entry) => entry.bracket === OPENER_OF[bracket]);
    // A closer of a kind not open is bracket-balance's business.
    if (match === -1 || (match < open.length - 1 && !open.at(-1)!.outer)) return;
    const closed = open[match]!;
    open.length = match;
    if (!closed.outer || bracket !== '}') return;
    const line = lineOf(index);
    if (continuesStatement(lines[line]!) && opensBlock(lines[line]!, syntax)) reopenedOn = line;
    else closing = line;
  });
  // A block closed on the cursor's own line is a matter for the rest of that line (bracket-balance).
  if (closing <= 0) return completion;
  return keepLines(completion, followingCodeCloses(context) ? closing : closing + 1, context);
}

interface Scope {
  /** Completion line that sets the block's level. */
  reference: number;
  /** Lines indented less than this leave the block. */
  limit: number;
  /** Whether lines back at `limit` end the block too (the reference line opened a block at that level). */
  opened: boolean;
  /** Whether the model chose the level (the cursor was at column 0). */
  chosen: boolean;
}

function endOfIndentedBlock(completion: string, context: PostprocessContext, syntax: Syntax | undefined): string | undefined {
  const lines = splitLines(completion).map(content);
  const inLiteral = linesStartingInLiterals(lines, syntax, syntax ? openAtCursor(context, syntax).state : CODE);
  const isCode = (i: number): boolean => !isBlank(lines[i]!) && !inLiteral[i] && !isComment(lines[i]!, syntax);
  const scope = scopeOf(lines, context, syntax);
  if (!scope) return completion;
  const following = followingIndent(context);
  for (let i = scope.reference + 1; i < lines.length; i++) {
    if (!isCode(i)) continue;
    const line = lines[i]!;
    const width = indentWidth(line);
    if (width > scope.limit || (width === scope.limit && !scope.opened)) continue;
    if (width === scope.limit) {
      // Back at the level of the line that opened the block: `else:` carries on, `)` closes and ends it.
      if (continuesStatement(line) && opensBlock(line, syntax)) continue;
      return keepLines(completion, startsWithCloser(line) ? i + 1 : i, context);
    }
    // Where the model chose the level, the code after the cursor may well continue in a block the
    // completion opened lower down (`for x in y:` ending it); only a new definition or top-level
    // code is surely beyond the cursor's block.
    if (scope.chosen && width > 0 && !startsDefinition(line)) continue;
    const closesEnclosing = startsWithCloser(line) && !continuesStatement(line) && (following === undefined || following < width);
    return keepLines(completion, closesEnclosing ? i + 1 : i, context);
  }
  return completion;
}

function scopeOf(lines: readonly string[], context: PostprocessContext, syntax: Syntax | undefined): Scope | undefined {
  const before = lineBeforeCursor(context);
  if (!isBlank(before)) {
    return { reference: 0, limit: indentWidth(before), opened: opensBlock(before + lines[0], syntax), chosen: false };
  }
  const reference = lines.findIndex((line, i) => !isBlank(i === 0 ? before + line : line));
  if (reference === -1) return undefined;
  const width = indentWidth(reference === 0 ? before + lines[0] : lines[reference]!);
  if (before.length > 0) return { reference, limit: width, opened: false, chosen: false };
  // The model chose the level: the code after the cursor must still fit after the completion.
  const following = followingIndent(context);
  return { reference, limit: Math.min(width, following ?? Math.min(width, 1)), opened: false, chosen: true };
}

function isComment(line: string, syntax: Syntax | undefined): boolean {
  if (!syntax) return /^\s*(?:#|\/\/)/.test(line);
  // A line whose scan meets no code character holds only a comment.
  return scan(line, syntax, CODE).previous === '';
}

/** Indentation of the next line of code after the completion, or undefined at the end of the document. */
function followingIndent(context: PostprocessContext): number | undefined {
  const before = lineBeforeCursor(context);
  const rest = restOfLine(context);
  if (!isBlank(rest) && isBlank(before)) return indentWidth(before + rest);
  const next = firstNonBlank(linesAfterCursorLine(context, SUFFIX_LOOKAHEAD));
  return next === undefined ? undefined : indentWidth(next);
}

/** Whether the code after the cursor starts by closing a brace block. */
function followingCodeCloses(context: PostprocessContext): boolean {
  const rest = restOfLine(context);
  const next = isBlank(rest) ? firstNonBlank(linesAfterCursorLine(context, SUFFIX_LOOKAHEAD)) : rest;
  return next?.trimStart().startsWith('}') ?? false;
}
