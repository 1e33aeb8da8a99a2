/**
 * Locates a block's SEARCH lines in a file, in three increasingly tolerant passes that stop at
 * the first pass that finds anything:
 *   1. exact: every line identical (line endings never count, CRLF files match LF answers);
 *   2. whitespace: trailing whitespace ignored;
 *   3. indentation: every non-blank line shifted by the same indentation (a model that dropped
 *      or added a level, or wrote spaces where the block's outer level uses a tab); REPLACE is
 *      re-indented by the same shift.
 * Nothing looser: a fuzzy match could rewrite the wrong function. Two or more matches in the
 * deciding pass is an error, never a choice.
 */
import type { MatchLevel } from './types.js';

export type MatchOutcome =
  | { ok: true; level: MatchLevel; start: number; end: number; replacement: string[] }
  | { ok: false; kind: 'not-found' }
  | { ok: false; kind: 'ambiguous'; level: MatchLevel; starts: number[] }
  | { ok: false; kind: 'placeholder'; line: string };

/** Lines models write instead of quoting code: `...`, `// ... existing code ...`, `# rest of file`. */
const ELLIPSIS_LINE = /^(?:(?:\/\/+|#+|--|;+|\/\*+|\*|<!--|\{\/\*)\s*)?(?:\.{3}|…)(?:\s*(?:\*\/|-->|\*\/\}))?$/;
const ELIDED_COMMENT = /^(?:\/\/+|#+|--|;+|\/\*+|\*|<!--|\{\/\*)\s*(?:(?:\.{3}|…).*|.*\b(?:existing code|rest of (?:the )?(?:code|file|function|class|method|module))\b.*)$/i;

export function isPlaceholderLine(line: string): boolean {
  const text = line.trim();
  return ELLIPSIS_LINE.test(text) || ELIDED_COMMENT.test(text);
}

interface Shift {
  /** Indentation removed from the front of SEARCH lines... */
  from: string;
  /** ...and what the file has there instead. */
  to: string;
}

function shiftBetween(searchLine: string, fileLine: string): Shift | undefined {
  const s = searchLine.trimEnd();
  const f = fileLine.trimEnd();
  if (s.trimStart() !== f.trimStart()) return undefined;
  let common = 0;
  while (common < s.length && common < f.length && s[s.length - 1 - common] === f[f.length - 1 - common]) common++;
  return { from: s.slice(0, s.length - common), to: f.slice(0, f.length - common) };
}

type LineTest = (fileLines: string[], at: number, search: string[]) => Shift | boolean;

const exactAt: LineTest = (file, at, search) => search.every((line, i) => file[at + i] === line);

const whitespaceAt: LineTest = (file, at, search) => search.every((line, i) => file[at + i]!.trimEnd() === line.trimEnd());

const indentationAt: LineTest = (file, at, search) => {
  const first = search.findIndex((line) => line.trim() !== '');
  if (first === -1) return false;
  const shift = shiftBetween(search[first]!, file[at + first]!);
  if (!shift) return false;
  for (let i = 0; i < search.length; i++) {
    const s = search[i]!.trimEnd();
    const f = file[at + i]!.trimEnd();
    if (s.trim() === '') {
      if (f.trim() !== '') return false;
      continue;
    }
    if (!s.startsWith(shift.from) || !f.startsWith(shift.to) || s.slice(shift.from.length) !== f.slice(shift.to.length)) return false;
  }
  return shift;
};

function reindent(replace: string[], shift: Shift): string[] {
  return replace.map((line) => {
    if (line.trim() === '') return '';
    if (line.startsWith(shift.from)) return shift.to + line.slice(shift.from.length);
    // Dedented past the searched level: the best we can do is start it at the file's level.
    return shift.to + line.trimStart();
  });
}

const PASSES: Array<{ level: MatchLevel; test: LineTest }> = [
  { level: 'exact', test: exactAt },
  { level: 'whitespace', test: whitespaceAt },
  { level: 'indentation', test: indentationAt },
];

/**
 * Where `search` (non-empty) occurs in `fileLines`, and the lines that replace it.
 * `start`/`end` are 0-based line indexes, end exclusive.
 */
export function findMatch(fileLines: string[], search: string[], replace: string[]): MatchOutcome {
  for (const pass of PASSES) {
    const found: Array<{ start: number; shift: Shift | boolean }> = [];
    for (let at = 0; at + search.length <= fileLines.length; at++) {
      const shift = pass.test(fileLines, at, search);
      if (shift !== false) found.push({ start: at, shift });
    }
    if (found.length > 1) return { ok: false, kind: 'ambiguous', level: pass.level, starts: found.map((match) => match.start) };
    if (found.length === 1) {
      const { start, shift } = found[0]!;
      const replacement = typeof shift === 'object' ? reindent(replace, shift) : [...replace];
      const elided = elidedReplaceLine(search, replace);
      if (elided !== undefined) return { ok: false, kind: 'placeholder', line: elided };
      return { ok: true, level: pass.level, start, end: start + search.length, replacement };
    }
  }
  const placeholder = search.find(isPlaceholderLine);
  if (placeholder !== undefined) return { ok: false, kind: 'placeholder', line: placeholder };
  return { ok: false, kind: 'not-found' };
}

/**
 * A REPLACE line such as `// ... existing code ...` that SEARCH did not contain would delete the
 * code it stands for; a bare `...` is left alone because it is valid Python and JavaScript.
 */
function elidedReplaceLine(search: string[], replace: string[]): string | undefined {
  const searched = new Set(search.map((line) => line.trim()));
  return replace.find((line) => ELIDED_COMMENT.test(line.trim()) && !searched.has(line.trim()));
}
