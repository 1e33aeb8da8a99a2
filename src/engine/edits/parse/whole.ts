/**
 * Parses the `whole` format, meant for small models: each changed file is written out in full
 * in a fence, with its path on the line before the fence (or in the fence's info string).
 * Fences nested inside the file (a Markdown file with code samples) are tracked so the inner
 * closing fence does not end the file early.
 */
import type { EditBlock, ParsedEdits, ParseProblem } from '../types.js';
import { answerLines, closesFence, joinBlockLines, parseFence, pathBeforeFence } from './markdown.js';

export function parseWhole(answer: string): ParsedEdits {
  const lines = answerLines(answer);
  const blocks: EditBlock[] = [];
  const problems: ParseProblem[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = parseFence(lines[i]!);
    if (!open) {
      i++;
      continue;
    }
    const path = pathBeforeFence(lines, i);
    let nested = 0;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const inner = parseFence(lines[j]!);
      if (!inner || inner.marker[0] !== open.marker[0]) continue;
      if (inner.info !== '') nested++;
      else if (nested > 0) nested--;
      else if (closesFence(lines[j]!, open)) break;
    }
    if (j >= lines.length) {
      problems.push({
        answerLine: i + 1,
        ...(path ? { path } : {}),
        message: 'the fence is never closed',
        expected: `a closing ${open.marker} after the file content`,
      });
      break;
    }
    if (path) {
      blocks.push({ path, search: '', replace: joinBlockLines(lines.slice(i + 1, j)), kind: 'whole', answerLine: i + 1 });
    } else {
      problems.push({ answerLine: i + 1, message: 'the file listing names no file', expected: 'the file path alone on the line before the opening fence' });
    }
    i = j + 1;
  }
  return { blocks, problems };
}
