/**
 * Fixes how a multi-line completion is indented, before anything judges its block structure:
 * - indentation in the other style than the document's (tabs in a file indented with spaces, or
 *   the reverse) is rewritten in the document's style;
 * - a completion written as if its first line stood at column 0, while the cursor is indented,
 *   is shifted by the cursor's indentation. That is only certain when the first line opens a
 *   block whose body the model put no deeper than the cursor; other dedents are left to the
 *   end-of-block filter.
 * Lines that start inside a string or comment are text, not code, and are never touched.
 */
import { opensBlock } from './block-shape.js';
import { content, indentWidth, isBlank, leadingWhitespace, lineBeforeCursor, linesAfterCursorLine, linesBeforeCursorLine, splitLines } from './lines.js';
import { linesStartingInLiterals, openAtCursor, CODE } from './scanner.js';
import { syntaxOf } from './syntax.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

/** Lines either side of the cursor that vote on the document's indentation style. */
const STYLE_SAMPLE_LINES = 200;
/** Indented lines needed before the document counts as using a style. */
const MIN_STYLE_VOTES = 3;
const DEFAULT_SPACES = 4;

interface IndentStyle {
  tabs: boolean;
  /** Spaces per level in a document indented with spaces. */
  width: number;
}

export const indentation: PostprocessFilter = {
  name: 'indentation',
  apply(completion: string, context: PostprocessContext): string | undefined {
    if (!completion.includes('\n')) return completion;
    const syntax = syntaxOf(context);
    const start = syntax ? openAtCursor(context, syntax).state : CODE;
    const lines = splitLines(completion);
    const inLiteral = linesStartingInLiterals(lines, syntax, start);
    const before = lineBeforeCursor(context);
    // Line 0 continues the cursor's line; its leading whitespace is the completion's own only at a line start.
    const owned = (i: number): boolean => !inLiteral[i] && !isBlank(lines[i]!) && (i > 0 || isBlank(before));

    let changed = false;
    const style = documentStyle(context);
    if (style && wholly(lines.filter((_, i) => owned(i)), !style.tabs)) {
      const unit = completionSpaceUnit(lines.filter((_, i) => owned(i)));
      for (const [i, line] of lines.entries()) {
        if (!owned(i)) continue;
        const restyled = restyle(line, style, unit);
        if (restyled !== line) {
          lines[i] = restyled;
          changed = true;
        }
      }
    }
    if (writtenFromColumnZero(lines, before, owned, syntax)) {
      for (let i = 1; i < lines.length; i++) if (owned(i)) lines[i] = before + lines[i];
      changed = true;
    }
    return changed ? lines.join('\n') : completion;
  },
};

/** The document's indentation style, from the lines around the cursor; undefined when mixed or unclear. */
function documentStyle(context: PostprocessContext): IndentStyle | undefined {
  const sample = [...linesBeforeCursorLine(context, STYLE_SAMPLE_LINES), ...linesAfterCursorLine(context, STYLE_SAMPLE_LINES)];
  let tabs = 0;
  let spaces = 0;
  let width = 0;
  for (const line of sample) {
    if (isBlank(line)) continue;
    const indent = leadingWhitespace(line);
    if (indent.startsWith('\t')) tabs++;
    else if (indent.length >= 2 && !indent.includes('\t')) {
      spaces++;
      width = gcd(width, indent.length);
    }
  }
  // A document that mixes the styles at all (GNU style: spaces, then a tab for eight) has no one style to enforce.
  if (tabs >= MIN_STYLE_VOTES && spaces === 0) return { tabs: true, width: DEFAULT_SPACES };
  if (spaces >= MIN_STYLE_VOTES && tabs === 0) return { tabs: false, width: width >= 2 && width <= 8 ? width : DEFAULT_SPACES };
  return undefined;
}

/**
 * Whether every indented line is in one style, tabs or spaces: a completion that mixes them
 * (GNU style, a tab for eight columns) means it, and converting part of it would misalign it.
 */
function wholly(lines: readonly string[], tabs: boolean): boolean {
  const indents = lines.map(leadingWhitespace).filter((indent) => indent !== '');
  return indents.length > 0 && indents.every((indent) => (tabs ? /^\t+ *$/.test(indent) : !indent.includes('\t')));
}

/** Spaces per level in the completion's own space indentation, for turning it into tabs. */
function completionSpaceUnit(lines: readonly string[]): number {
  let width = 0;
  for (const line of lines) {
    const indent = leadingWhitespace(line);
    if (!indent.includes('\t')) width = gcd(width, indent.length);
  }
  return width >= 2 && width <= 8 ? width : DEFAULT_SPACES;
}

/** The line with its leading whitespace in the document's style. Mixed indentation is left alone. */
function restyle(line: string, style: IndentStyle, completionUnit: number): string {
  const indent = leadingWhitespace(line);
  const body = line.slice(indent.length);
  if (style.tabs && indent.length >= 2 && !indent.includes('\t')) {
    const levels = Math.floor(indent.length / completionUnit);
    return '\t'.repeat(levels) + ' '.repeat(indent.length - levels * completionUnit) + body;
  }
  if (!style.tabs && /^\t+ *$/.test(indent)) return indent.replace(/\t/g, ' '.repeat(style.width)) + body;
  return line;
}

/**
 * Whether the model indented the completion as if its first line were at column 0: the cursor
 * sits after indentation, the first line opens a block, and that block's first line is indented
 * but not deeper than the cursor, which no absolute reading allows.
 */
function writtenFromColumnZero(lines: readonly string[], before: string, owned: (i: number) => boolean, syntax: Parameters<typeof opensBlock>[1]): boolean {
  if (!isBlank(before) || before.length === 0 || !owned(0) || leadingWhitespace(lines[0]!) !== '') return false;
  if (!opensBlock(content(lines[0]!), syntax)) return false;
  const next = lines.findIndex((line, i) => i > 0 && !isBlank(line));
  if (next === -1 || !owned(next)) return false;
  const width = indentWidth(lines[next]!);
  return width > 0 && width <= indentWidth(before);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
