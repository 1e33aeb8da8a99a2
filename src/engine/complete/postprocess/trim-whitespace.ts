/**
 * Whitespace the model adds at the edges of a completion: a completion of only whitespace is
 * rejected; spaces after its last character are dropped when nothing follows on the cursor's
 * line (they would be trailing whitespace in the document); spaces at its start are dropped
 * when the cursor already stands after a space in the middle of a line (a doubled space).
 */
import { isBlank, lineBeforeCursor, restOfLine } from './lines.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

export const trimWhitespace: PostprocessFilter = {
  name: 'trim-whitespace',
  apply(completion: string, context: PostprocessContext): string | undefined {
    if (isBlank(completion)) return undefined;
    let text = completion;
    if (isBlank(restOfLine(context))) text = text.replace(/[ \t]+$/, '');
    const before = lineBeforeCursor(context);
    if (/[ \t]$/.test(before) && !isBlank(before)) text = text.replace(/^[ \t]+/, '');
    return text;
  },
};
