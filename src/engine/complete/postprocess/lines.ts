/**
 * Line arithmetic shared by the filters. Documents may use CRLF, so lines are split on "\n" and
 * keep their "\r"; `content` drops it wherever lines are compared or measured. Only the lines
 * near the cursor are ever looked at, so nothing here splits a whole document.
 */
import type { PostprocessContext } from './types.js';

/** Width of a tab when indentation made of tabs and spaces is compared. */
const TAB_WIDTH = 4;

export function splitLines(text: string): string[] {
  return text.split('\n');
}

/** The line without its trailing "\r". */
export function content(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export function isBlank(line: string): boolean {
  return line.trim() === '';
}

export function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

export function indentWidth(line: string): number {
  let width = 0;
  for (const char of leadingWhitespace(line)) width = char === '\t' ? width + TAB_WIDTH - (width % TAB_WIDTH) : width + 1;
  return width;
}

/** The text of the cursor's line before the cursor. */
export function lineBeforeCursor(context: PostprocessContext): string {
  return context.prefix.slice(context.prefix.lastIndexOf('\n') + 1);
}

/** The text of the cursor's line after the cursor, without its line break. */
export function restOfLine(context: PostprocessContext): string {
  const end = context.suffix.indexOf('\n');
  return content(end === -1 ? context.suffix : context.suffix.slice(0, end));
}

/** Up to `max` lines of the suffix after the cursor's line, nearest first. */
export function linesAfterCursorLine(context: PostprocessContext, max: number): string[] {
  const lines: string[] = [];
  let start = context.suffix.indexOf('\n');
  while (start !== -1 && lines.length < max) {
    const end = context.suffix.indexOf('\n', start + 1);
    lines.push(content(context.suffix.slice(start + 1, end === -1 ? undefined : end)));
    start = end;
  }
  return lines;
}

/** Up to `max` lines of the prefix before the cursor's line, nearest first. */
export function linesBeforeCursorLine(context: PostprocessContext, max: number): string[] {
  const lines: string[] = [];
  let end = context.prefix.lastIndexOf('\n');
  while (end !== -1 && lines.length < max) {
    const start = context.prefix.lastIndexOf('\n', end - 1);
    lines.push(content(context.prefix.slice(start + 1, end)));
    if (start === -1) break;
    end = start;
  }
  return lines;
}

/**
 * Whether text inserted at the cursor is followed by a line of its own: the cursor stands at
 * the start of a line (only indentation before it) that already holds code after it. A
 * completion that ends with a line break there inserts whole lines above that code.
 */
export function insertsWholeLines(context: PostprocessContext): boolean {
  return isBlank(lineBeforeCursor(context)) && !isBlank(restOfLine(context));
}

/**
 * The completion cut to its first `count` lines, without blank lines left at the end, or
 * undefined when nothing but whitespace is left. The kept lines keep their line break only when
 * the cursor stands before code of its own line (`insertsWholeLines`), which must stay on a line
 * of its own; otherwise the document's own line break follows the completion, as editors expect.
 */
export function keepLines(completion: string, count: number, context: PostprocessContext): string | undefined {
  const lines = splitLines(completion);
  if (count >= lines.length) return completion;
  let end = count;
  while (end > 1 && isBlank(lines[end - 1]!)) end--;
  const kept = content(lines.slice(0, end).join('\n'));
  if (isBlank(kept)) return undefined;
  return insertsWholeLines(context) ? `${kept}${completion.includes('\r\n') ? '\r\n' : '\n'}` : kept;
}

/** The first non-blank line in `lines`, or undefined. */
export function firstNonBlank(lines: readonly string[]): string | undefined {
  return lines.find((line) => !isBlank(line));
}
