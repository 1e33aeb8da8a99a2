/**
 * The model often re-types what already follows the cursor. Two shapes are trimmed:
 * - whole lines: the completion's last lines are the lines that follow it in the document
 *   (a `}` or `return x` the file already has);
 * - the rest of the cursor's line: the completion ends with exactly the text after the cursor
 *   (`1;` before `;`, `x, y)` before `, y)`). Brackets make this ambiguous (`foo()` before `)`
 *   is right), so when the overlap holds brackets it is trimmed only if that mends the balance.
 * A completion that is nothing but what follows is rejected.
 */
import { content, isBlank, keepLines, lineBeforeCursor, linesAfterCursorLine, restOfLine, splitLines } from './lines.js';
import { balanceOf, openAtCursor, type Balance } from './scanner.js';
import { syntaxOf } from './syntax.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

export const suffixOverlap: PostprocessFilter = {
  name: 'suffix-overlap',
  apply(completion: string, context: PostprocessContext): string | undefined {
    const trimmed = withoutRestOfLine(completion, context);
    if (trimmed === undefined || isBlank(trimmed)) return undefined;
    return withoutFollowingLines(trimmed, context);
  },
};

function withoutFollowingLines(completion: string, context: PostprocessContext): string | undefined {
  const before = lineBeforeCursor(context);
  const rest = restOfLine(context);
  const lines = splitLines(before + completion).map(content);
  let complete: number;
  let following: string[];
  if (isBlank(rest)) {
    complete = lines.length;
    following = linesAfterCursorLine(context, lines.length * 2 + 8);
  } else if (isBlank(lines.at(-1)!) && lines.length > 1) {
    complete = lines.length - 1;
    following = [lines.at(-1)! + rest, ...linesAfterCursorLine(context, lines.length * 2 + 8)];
  } else {
    return completion;
  }
  // Lines the completion wrote whole: the cursor's line counts only when the cursor was at its start.
  const first = isBlank(before) ? 0 : 1;
  const own = range(first, complete).filter((i) => !isBlank(lines[i]!));
  const next = following.filter((line) => !isBlank(line));
  for (let count = Math.min(own.length, next.length); count > 0; count--) {
    const tail = own.slice(own.length - count);
    if (tail.every((index, k) => lines[index]!.trimEnd() === next[k]!.trimEnd())) {
      return tail[0] === 0 ? undefined : keepLines(completion, tail[0]!, context);
    }
  }
  return completion;
}

function withoutRestOfLine(completion: string, context: PostprocessContext): string | undefined {
  const rest = restOfLine(context).trimEnd();
  const overlap = rest.trimStart();
  if (overlap === '' || !content(completion).endsWith(overlap)) return completion;
  let trimmed = content(completion).slice(0, -overlap.length);
  if (rest !== overlap) trimmed = trimmed.replace(/[ \t]+$/, '');
  if (!/[()[\]{}]/.test(overlap)) return trimmed;
  const syntax = syntaxOf(context);
  if (!syntax) return completion;
  const start = openAtCursor(context, syntax);
  const baseline = balanceOf('', rest, syntax, start).depth;
  const badness = (b: Balance): number => b.stray + Math.abs(b.depth - baseline);
  const kept = badness(balanceOf(completion, rest, syntax, start));
  const cut = badness(balanceOf(trimmed, rest, syntax, start));
  return cut < kept || (cut === kept && /[^()[\]{}\s]/.test(overlap)) ? trimmed : completion;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
