/**
 * Closing brackets that do not belong. Reading from the brackets open at the cursor (strings
 * and comments do not count):
 * - a closer that closes nothing, or a bracket of another kind the completion opened itself,
 *   means the model has lost track: the completion is cut there;
 * - closers that close brackets opened before the cursor are fine (finishing a call or a block),
 *   unless the rest of the cursor's line then has closers left over, because it already closed
 *   those brackets (an editor's auto-closed `)`): the completion is cut at the first of its
 *   closers the rest of the line provides.
 */
import { insertsWholeLines, restOfLine } from './lines.js';
import { balanceOf, isOpener, OPENER_OF, openAtCursor, scan } from './scanner.js';
import { syntaxOf, type Syntax } from './syntax.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

interface Open {
  bracket: string;
  /** Opened before the cursor rather than by the completion. */
  outer: boolean;
}

export const bracketBalance: PostprocessFilter = {
  name: 'bracket-balance',
  apply(completion: string, context: PostprocessContext): string | undefined {
    const syntax = syntaxOf(context);
    if (!syntax) return completion;
    return balanced(completion, context, syntax);
  },
};

function balanced(completion: string, context: PostprocessContext, syntax: Syntax): string | undefined {
  const start = openAtCursor(context, syntax);
  const open: Open[] = start.open.map((bracket) => ({ bracket, outer: true }));
  const outerCloses: number[] = [];
  let stray = -1;
  scan(completion, syntax, start.state, (bracket, index) => {
    if (stray !== -1) return;
    if (isOpener(bracket)) {
      open.push({ bracket, outer: false });
      return;
    }
    const opener = OPENER_OF[bracket]!;
    const top = open.at(-1);
    if (top?.bracket === opener) {
      open.pop();
      if (top.outer) outerCloses.push(index);
      return;
    }
    // Above an opener of its kind from the prefix, only prefix brackets can stand: a stray one
    // there is more likely a misread of the prefix than a mistake of the model.
    const match = top?.outer ? open.findLastIndex((entry) => entry.bracket === opener) : -1;
    if (match === -1) {
      stray = index;
      return;
    }
    open.length = match;
    outerCloses.push(index);
  });
  if (stray !== -1) {
    // What is left may still close what the rest of the line closes.
    const cut = cutAt(completion, stray, context);
    return cut === undefined ? undefined : balanced(cut, context, syntax);
  }

  const rest = restOfLine(context);
  const leftOver = balanceOf(completion, rest, syntax, start).stray - balanceOf('', rest, syntax, start).stray;
  if (leftOver <= 0 || leftOver > outerCloses.length) return completion;
  const cut = cutAt(completion, outerCloses[outerCloses.length - leftOver]!, context);
  const mended = cut !== undefined && balanceOf(cut, rest, syntax, start).stray <= balanceOf('', rest, syntax, start).stray;
  return mended ? cut : completion;
}

/** The completion up to `index`; a cut at a line start drops the empty line it would leave. */
function cutAt(completion: string, index: number, context: PostprocessContext): string | undefined {
  let kept = completion.slice(0, index).replace(/[ \t]+$/, '');
  if (kept.endsWith('\n')) {
    kept = kept.replace(/\s+$/, '');
    if (kept !== '' && insertsWholeLines(context)) kept += completion.includes('\r\n') ? '\r\n' : '\n';
  }
  return kept.trim() === '' ? undefined : kept;
}
