/**
 * Parses unified diffs the way models write them (Aider's `udiff`): `--- a/path` and
 * `+++ b/path` headers, then `@@` hunks whose line numbers are ignored because models get them
 * wrong. Each hunk becomes a SEARCH/REPLACE block: context plus removed lines are searched for,
 * context plus added lines replace them. `--- /dev/null` creates the file.
 */
import type { EditBlock, ParsedEdits, ParseProblem } from '../types.js';
import { answerLines, joinBlockLines, parseFence } from './markdown.js';

const NULL_PATH = '/dev/null';

function headerPath(line: string): string {
  // Drop a trailing timestamp (`--- a/x\t2024-01-01 ...`) and surrounding quotes.
  return line.slice(4).split('\t')[0]!.trim().replace(/^"|"$/g, '');
}

function stripPrefix(path: string, prefix: 'a/' | 'b/', other: string): string {
  const otherPrefix = prefix === 'a/' ? 'b/' : 'a/';
  if (path.startsWith(prefix) && (other.startsWith(otherPrefix) || other === NULL_PATH)) return path.slice(2);
  return path;
}

function isFileHeader(lines: string[], i: number): boolean {
  return lines[i]!.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ');
}

export function parseUdiff(answer: string): ParsedEdits {
  const lines = answerLines(answer);
  const blocks: EditBlock[] = [];
  const problems: ParseProblem[] = [];
  let oldPath: string | undefined;
  let newPath: string | undefined;
  let inFence = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (parseFence(line) && !line.startsWith(' ')) {
      inFence = !inFence;
      i++;
      continue;
    }
    if (isFileHeader(lines, i)) {
      const rawOld = headerPath(line);
      const rawNew = headerPath(lines[i + 1]!);
      oldPath = rawOld === NULL_PATH ? NULL_PATH : stripPrefix(rawOld, 'a/', rawNew);
      newPath = rawNew === NULL_PATH ? NULL_PATH : stripPrefix(rawNew, 'b/', rawOld);
      if (newPath === NULL_PATH) {
        problems.push({ answerLine: i + 2, path: oldPath, message: 'deleting files is not supported', expected: 'a diff that edits or creates the file' });
      }
      i += 2;
      continue;
    }
    if (!line.startsWith('@@')) {
      i++;
      continue;
    }
    const hunkLine = i + 1;
    if (!newPath || newPath === NULL_PATH) {
      if (!newPath) problems.push({ answerLine: hunkLine, message: 'a hunk comes before any file header', expected: '"--- a/path" and "+++ b/path" lines before the first @@' });
      i++;
      while (i < lines.length && /^[ +\-\\]/.test(lines[i]!) && !isFileHeader(lines, i)) i++;
      continue;
    }
    const search: string[] = [];
    const replace: string[] = [];
    let badLine: number | undefined;
    i++;
    for (; i < lines.length; i++) {
      const body = lines[i]!;
      if (body.startsWith('@@') || isFileHeader(lines, i)) break;
      if (parseFence(body) && !body.startsWith(' ')) break;
      if (body.startsWith('\\')) continue;
      const mark = body[0];
      const text = body.slice(1);
      if (body === '' || mark === ' ') {
        search.push(text);
        replace.push(text);
      } else if (mark === '-') {
        search.push(text);
      } else if (mark === '+') {
        replace.push(text);
      } else if (inFence) {
        badLine = i + 1;
        break;
      } else {
        break;
      }
    }
    // Blank lines trailing a hunk are usually spacing in the answer, not context.
    while (search.length > 0 && replace.length > 0 && search[search.length - 1] === '' && replace[replace.length - 1] === '' && lines[i - 1] === '') {
      search.pop();
      replace.pop();
    }
    if (badLine !== undefined) {
      problems.push({ answerLine: badLine, path: newPath, message: `line ${badLine} of the answer is not part of the hunk`, expected: "every hunk line to start with ' ', '-' or '+'" });
      while (i < lines.length && !lines[i]!.startsWith('@@') && !isFileHeader(lines, i) && !parseFence(lines[i]!)) i++;
      continue;
    }
    if (search.length === 0 && oldPath !== NULL_PATH) {
      problems.push({
        answerLine: hunkLine,
        path: newPath,
        message: 'the hunk only adds lines, so there is nothing to locate it by',
        expected: 'a few unchanged context lines around the added ones, or "--- /dev/null" for a new file',
      });
      continue;
    }
    blocks.push({ path: newPath, search: joinBlockLines(search), replace: joinBlockLines(replace), kind: 'replace', answerLine: hunkLine });
  }
  return { blocks, problems };
}
