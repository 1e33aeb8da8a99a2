/**
 * Parses Aider-style SEARCH/REPLACE blocks out of a Markdown answer:
 *
 *     src/app.py
 *     ```python
 *     <<<<<<< SEARCH
 *     old lines
 *     =======
 *     new lines
 *     >>>>>>> REPLACE
 *     ```
 *
 * The path may also be the first line inside the fence or in the fence's info string; a block
 * with no path of its own reuses the previous block's (models list several edits of one file
 * in a row). Markers may use 5 to 9 characters. An empty SEARCH creates a new file, or appends
 * to an existing one.
 */
import type { EditBlock, ParsedEdits, ParseProblem } from '../types.js';
import { answerLines, joinBlockLines, parseFence, pathBeforeFence, pathFromLine } from './markdown.js';

const SEARCH_MARKER = /^\s*<{5,9}\s*SEARCH\s*>?\s*$/i;
const DIVIDER_MARKER = /^\s*={5,9}\s*$/;
const REPLACE_MARKER = /^\s*>{5,9}\s*(?:REPLACE|UPDATED)\s*$/i;

export const MARKERS = { search: '<<<<<<< SEARCH', divider: '=======', replace: '>>>>>>> REPLACE' } as const;

/** The path for the block whose SEARCH marker is at `markerIndex`. */
function pathForBlock(lines: string[], markerIndex: number, previous: string | undefined): string | undefined {
  let j = markerIndex - 1;
  while (j >= 0 && markerIndex - j <= 3 && lines[j]!.trim() === '') j--;
  if (j < 0 || markerIndex - j > 3) return previous;
  const line = lines[j]!;
  if (REPLACE_MARKER.test(line)) return previous;
  if (parseFence(line)) return pathBeforeFence(lines, j) ?? previous;
  return pathFromLine(line) ?? previous;
}

export function parseSearchReplace(answer: string): ParsedEdits {
  const lines = answerLines(answer);
  const blocks: EditBlock[] = [];
  const problems: ParseProblem[] = [];
  let previousPath: string | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (REPLACE_MARKER.test(line) || DIVIDER_MARKER.test(line)) {
      problems.push({
        answerLine: i + 1,
        message: `"${line.trim()}" appears outside a block`,
        expected: `a block starting with "${MARKERS.search}"`,
      });
      i++;
      continue;
    }
    if (!SEARCH_MARKER.test(line)) {
      i++;
      continue;
    }
    const start = i;
    const path = pathForBlock(lines, start, previousPath);
    const search: string[] = [];
    let k = start + 1;
    while (k < lines.length && !DIVIDER_MARKER.test(lines[k]!) && !SEARCH_MARKER.test(lines[k]!) && !REPLACE_MARKER.test(lines[k]!)) {
      search.push(lines[k]!);
      k++;
    }
    if (k >= lines.length || !DIVIDER_MARKER.test(lines[k]!)) {
      problems.push({
        answerLine: start + 1,
        ...(path ? { path } : {}),
        message: k >= lines.length ? 'the block ends before its divider' : `found "${lines[k]!.trim()}" before the divider`,
        expected: `"${MARKERS.divider}" between the SEARCH and the REPLACE text`,
      });
      i = k >= lines.length ? k : REPLACE_MARKER.test(lines[k]!) ? k + 1 : k;
      continue;
    }
    const replace: string[] = [];
    k++;
    while (k < lines.length && !REPLACE_MARKER.test(lines[k]!) && !SEARCH_MARKER.test(lines[k]!) && !DIVIDER_MARKER.test(lines[k]!)) {
      replace.push(lines[k]!);
      k++;
    }
    if (k >= lines.length || !REPLACE_MARKER.test(lines[k]!)) {
      problems.push({
        answerLine: start + 1,
        ...(path ? { path } : {}),
        message: k >= lines.length ? 'the block ends before its closing marker' : `found "${lines[k]!.trim()}" before the closing marker`,
        expected: `"${MARKERS.replace}" after the REPLACE text`,
      });
      i = k >= lines.length ? k : SEARCH_MARKER.test(lines[k]!) ? k : k + 1;
      continue;
    }
    i = k + 1;
    if (!path) {
      problems.push({
        answerLine: start + 1,
        message: 'the block names no file',
        expected: 'the file path alone on the line before the opening ``` fence',
      });
      continue;
    }
    previousPath = path;
    blocks.push({ path, search: joinBlockLines(search), replace: joinBlockLines(replace), kind: 'replace', answerLine: start + 1 });
  }
  return { blocks, problems };
}
