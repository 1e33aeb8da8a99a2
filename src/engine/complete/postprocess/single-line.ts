/**
 * A single-line request wants the rest of the current line only: the completion is cut at its
 * first line break. When the cursor stands at the start of a line that already holds code, a
 * completion that is one whole line ending in a line break inserts that line above the code,
 * so the break is kept.
 */
import { content, insertsWholeLines } from './lines.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

export const singleLine: PostprocessFilter = {
  name: 'single-line',
  apply(completion: string, context: PostprocessContext): string | undefined {
    if (context.multiline) return completion;
    const end = completion.indexOf('\n');
    if (end === -1) return completion;
    const first = content(completion.slice(0, end));
    if (first.trim() === '') return undefined;
    return insertsWholeLines(context) ? completion.slice(0, end + 1) : first;
  },
};
