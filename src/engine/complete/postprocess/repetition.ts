/**
 * Models that lose their way repeat themselves. Three shapes are caught: a completion that only
 * repeats the lines just before the cursor (rejected), a block of lines repeated three or more
 * times at the end (cut to its first occurrence), and a last line that ends in a long loop of
 * the same few characters (the line is dropped).
 */
import { content, isBlank, keepLines, lineBeforeCursor, linesBeforeCursorLine, splitLines } from './lines.js';
import { openAtCursor, scan } from './scanner.js';
import { syntaxOf } from './syntax.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

/** Longest repeated block, in lines, that is looked for. */
const MAX_BLOCK_LINES = 8;
/** Occurrences of a block at the end that count as a loop. */
const MIN_BLOCK_REPEATS = 3;
/** A repeat of earlier lines shorter than this (e.g. `}` or `break`) may well be meant. */
const MIN_REPEATED_CHARS = 6;
/** Longest unit of a character loop, and how long the loop must run to count. */
const MAX_LOOP_UNIT = 16;
const MIN_LOOP_REPEATS = 8;
const MIN_LOOP_CHARS = 32;

export const repetition: PostprocessFilter = {
  name: 'repetition',
  apply(completion: string, context: PostprocessContext): string | undefined {
    if (repeatsPrecedingLines(completion, context)) return undefined;
    const lines = splitLines(completion).map(content);
    // The first line is compared as the document will show it, after the cursor line's indentation.
    const kept = linesBeforeRepeatedBlocks([lineBeforeCursor(context) + lines[0], ...lines.slice(1)]);
    if (kept < lines.length) return keepLines(completion, kept, context);
    const looping = lineEndingInCharacterLoop(lines, context);
    if (looping === -1) return completion;
    return looping === 0 ? undefined : keepLines(completion, looping, context);
  },
};

/** Whether the completion's lines, with the cursor's line, are exactly the non-blank lines before it. */
function repeatsPrecedingLines(completion: string, context: PostprocessContext): boolean {
  const lines = splitLines(lineBeforeCursor(context) + completion)
    .map(content)
    .filter((line) => !isBlank(line));
  if (lines.length === 0 || lines.join('').replace(/\s/g, '').length < MIN_REPEATED_CHARS) return false;
  const before = linesBeforeCursorLine(context, lines.length * 4)
    .filter((line) => !isBlank(line))
    .slice(0, lines.length)
    .reverse();
  return before.length === lines.length && before.every((line, i) => line === lines[i]);
}

/**
 * How many lines to keep so that a block repeated at the end appears once. The last line may be
 * a repeat cut short by the token limit.
 */
function linesBeforeRepeatedBlocks(lines: readonly string[]): number {
  // Blank lines after the last repeat are no part of it.
  const last = lines.findLastIndex((line) => !isBlank(line));
  for (let size = 1; size <= MAX_BLOCK_LINES; size++) {
    let i = last;
    while (i - size >= 0 && (lines[i] === lines[i - size] || (i === last && lines[i - size]!.startsWith(lines[i]!)))) i--;
    const repeats = 1 + Math.floor((last - i) / size);
    const block = lines.slice(i + 1 - size, i + 1);
    if (repeats >= MIN_BLOCK_REPEATS && block.length === size && block.some((line) => /\w/.test(line))) return i + 1;
  }
  return lines.length;
}

/**
 * The index of the last non-blank line when it ends in a long run of one short unit standing in
 * code (a `// =====` rule or a string of zeros is fine), else -1.
 */
function lineEndingInCharacterLoop(lines: readonly string[], context: PostprocessContext): number {
  let index = lines.length - 1;
  while (index > 0 && isBlank(lines[index]!)) index--;
  const line = lines[index]!.trimEnd();
  for (let unit = 1; unit <= MAX_LOOP_UNIT && unit * MIN_LOOP_REPEATS <= line.length; unit++) {
    const pattern = line.slice(-unit);
    if (isBlank(pattern)) continue;
    let start = line.length - unit;
    while (start - unit >= 0 && line.startsWith(pattern, start - unit)) start -= unit;
    const covered = line.length - start;
    if (covered / unit < MIN_LOOP_REPEATS || covered < MIN_LOOP_CHARS) continue;
    const lineBefore = line.slice(0, start);
    const syntax = syntaxOf(context);
    // Without a known syntax, a quote or comment marker before the run may make it text.
    if (!syntax) return /["'`#]|\/\/|--/.test(lineBefore) ? -1 : index;
    const before = [...lines.slice(0, index), lineBefore].join('\n');
    return scan(before, syntax, openAtCursor(context, syntax).state).inside ? -1 : index;
  }
  return -1;
}
