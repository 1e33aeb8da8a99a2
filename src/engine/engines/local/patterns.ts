/**
 * Repeated patterns: when the two lines above the cursor have the same shape and differ only in
 * some names, numbers or strings, the next line likely continues the progression. Numbers step
 * on (`case 1:`, `case 2:` → `case 3:`); a name steps to the one that follows it in a list seen
 * earlier (`self.a = a`, `self.b = b` after `def __init__(self, a, b, c)` → `self.c = c`).
 * Affixes are kept (`get_a`, `get_b` → `get_c`). When a step cannot be worked out, or the list has
 * ended, nothing is proposed.
 */
import type { Candidate } from './decoder.js';
import type { CursorDocument } from './document.js';
import type { LexedLine, Lexeme } from './lexer.js';

/** Two matching lines; a third one above, following the same steps, raises confidence. */
const TWO_LINE_CONFIDENCE = 0.5;
const THREE_LINE_CONFIDENCE = 0.8;
/** Separators longer than this between list items do not count as a list. */
const MAX_SEPARATOR = 2;
/** How far back to look for the list a name steps through. */
const SEARCH_LINES = 200;

interface Step {
  at: number;
  replacement: string;
}

function sameShape(a: LexedLine, b: LexedLine): number[] | undefined {
  if (a.lexemes.length !== b.lexemes.length || a.indent !== b.indent) return undefined;
  const differing: number[] = [];
  for (let i = 0; i < a.lexemes.length; i++) {
    const x = a.lexemes[i]!;
    const y = b.lexemes[i]!;
    if (x.kind !== y.kind || x.spaced !== y.spaced) return undefined;
    if (x.text === y.text) continue;
    if (x.kind === 'punct') return undefined;
    differing.push(i);
  }
  return differing.length > 0 ? differing : undefined;
}

/** The value a lexeme stands for in a list: a string's content, else its text. */
function valueOf(lexeme: Lexeme): string {
  if (lexeme.kind !== 'string') return lexeme.text;
  const quote = lexeme.text.search(/["'`]/);
  return quote === -1 ? lexeme.text : lexeme.text.slice(quote + 1, -1);
}

function splitAffixes(a: string, b: string): { head: string; tail: string; x: string; y: string } | undefined {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  // Keep a number whole: `x18` → `x19` steps 18 → 19, not 8 → 9.
  if (/\d/.test(a[head] ?? '') && /\d/.test(b[head] ?? '')) while (head > 0 && /\d/.test(a[head - 1]!)) head--;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  if (!x || !y) return undefined;
  return { head: a.slice(0, head), tail: a.slice(a.length - tail), x, y };
}

class ListSearch {
  private readonly values: Lexeme[];

  constructor(lines: readonly LexedLine[]) {
    this.values = lines.flatMap((line) => line.lexemes);
  }

  /** The item after `second` in a list where `first` directly precedes it, searching from the end. */
  successor(first: string, second: string): string | undefined {
    const items = this.values;
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i]!.kind === 'punct' || valueOf(items[i]!) !== second) continue;
      for (let gap = 1; gap <= MAX_SEPARATOR + 1; gap++) {
        const before = i - gap;
        const after = i + gap;
        if (before < 0 || after >= items.length) break;
        if (items[before]!.kind === 'punct' || valueOf(items[before]!) !== first) continue;
        let sameSeparators = true;
        for (let k = 1; k < gap; k++) if (items[before + k]!.text !== items[i + k]!.text || items[i + k]!.kind !== 'punct') sameSeparators = false;
        if (sameSeparators && items[after]!.kind !== 'punct') return valueOf(items[after]!);
      }
    }
    return undefined;
  }
}

function nextInProgression(a: string, b: string, lists: ListSearch): string | undefined {
  const parts = splitAffixes(a, b);
  if (!parts) return undefined;
  let next: string | undefined;
  if (/^\d+$/.test(parts.x) && /^\d+$/.test(parts.y)) {
    const step = Number(parts.y) - Number(parts.x);
    if (step !== 0) next = String(Number(parts.y) + step);
  } else {
    next = lists.successor(parts.x, parts.y);
  }
  return next === undefined ? undefined : parts.head + next + parts.tail;
}

/** The line after `above`, `line` in the same progression; undefined when a step is unknown. */
function project(above: LexedLine, line: LexedLine, differing: number[], lists: ListSearch, window: string, lineEnd: number): string | undefined {
  const steps: Step[] = [];
  for (const i of differing) {
    const replacement = nextInProgression(above.lexemes[i]!.text, line.lexemes[i]!.text, lists);
    if (replacement === undefined) return undefined;
    steps.push({ at: i, replacement });
  }
  let out = '';
  let cursor = line.start + line.indent.length;
  for (const { at, replacement } of steps) {
    const lexeme = line.lexemes[at]!;
    out += window.slice(cursor, lexeme.start) + replacement;
    cursor = lexeme.start + lexeme.text.length;
  }
  // Up to the line's last lexeme: a trailing comment describes the line above, not this one.
  const lastLexeme = line.lexemes.at(-1)!;
  return out + window.slice(cursor, Math.min(lineEnd, Math.max(cursor, lastLexeme.start + lastLexeme.text.length)));
}

export function repeatedPatterns(document: CursorDocument): Candidate[] {
  const lines = document.previousLines;
  const { cursorLine, window } = document;
  if (lines.length < 2 || cursorLine.blankBefore > 0 || document.lineSuffix.trim().length > 0) return [];
  const last = lines.at(-1)!;
  const above = lines.at(-2)!;
  if (last.blankBefore > 0 || last.indent !== cursorLine.indent) return [];
  const differing = sameShape(above, last);
  if (!differing) return [];
  const lineEnd = (line: LexedLine) => {
    const end = window.indexOf('\n', line.start);
    return end === -1 ? window.length : end;
  };
  const lists = new ListSearch(lines.slice(Math.max(0, lines.length - SEARCH_LINES), -2));
  const projected = project(above, last, differing, lists, window, lineEnd(last));
  if (projected === undefined || !projected.startsWith(cursorLine.typed) || projected === document.nextLines[0]) return [];
  const completion = projected.slice(cursorLine.typed.length);
  if (completion.trim().length === 0) return [];
  // A third line above that steps the same way makes the progression much more certain.
  const third = lines.at(-3);
  const thirdDiffering = third && above.blankBefore === 0 ? sameShape(third, above) : undefined;
  const confirmed = thirdDiffering !== undefined && thirdDiffering.join() === differing.join() && project(third!, above, differing, lists, window, lineEnd(above)) === project(above, last, [], lists, window, lineEnd(last));
  return [{ text: completion, logprob: Math.log(confirmed ? THREE_LINE_CONFIDENCE : TWO_LINE_CONFIDENCE), complete: true }];
}
