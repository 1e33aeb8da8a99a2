/**
 * The cursor window: the prefix before the cursor and the suffix after it, cut at line
 * boundaries to fit their budgets. The prefix start snaps to a multiple of SNAP_LINES so that
 * typing does not move it: consecutive prompts then share their beginning, and the server's
 * KV prefix cache keeps hitting.
 */
import type { TokenCounter } from './budget.js';

const SNAP_LINES = 16;

export interface CursorWindow {
  prefix: string;
  suffix: string;
  /** 0-based first line of the prefix and last line of the suffix. */
  prefixStartLine: number;
  suffixEndLine: number;
  cursorLine: number;
  cursorColumn: number;
  prefixTokens: number;
  suffixTokens: number;
}

/**
 * Texts whose line starts are kept: a keystroke asks for the document's several times, and for
 * the same few definition files again and again. Repository files are read once and shared, so
 * a kept text is usually found by a pointer comparison, where splitting a long file costs
 * hundreds of microseconds.
 */
const REMEMBERED_TEXTS = 16;
/** Each keystroke brings a new version of the document: old versions must not hold much memory. */
const REMEMBERED_CHARS = 4_000_000;
const remembered: Array<{ text: string; starts: readonly number[] }> = [];
let rememberedChars = 0;

/** Offsets at which each line starts. */
export function lineStarts(text: string): readonly number[] {
  const at = remembered.findIndex((entry) => entry.text === text);
  if (at !== -1) {
    const [entry] = remembered.splice(at, 1);
    remembered.unshift(entry!);
    return entry!.starts;
  }
  const entry = { text, starts: computeLineStarts(text) };
  remembered.unshift(entry);
  rememberedChars += text.length;
  // The newest text stays even alone over the bound: it is the one being asked about again.
  while (remembered.length > 1 && (remembered.length > REMEMBERED_TEXTS || rememberedChars > REMEMBERED_CHARS)) {
    rememberedChars -= remembered.pop()!.text.length;
  }
  return entry.starts;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function lineOfOffset(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function cursorWindow(text: string, offset: number, prefixBudget: number, suffixBudget: number, counter: TokenCounter): CursorWindow {
  const starts = lineStarts(text);
  const cursorLine = lineOfOffset(starts, offset);
  const lineText = (line: number) => text.slice(starts[line]!, line + 1 < starts.length ? starts[line + 1]! : text.length);

  // Walk back from the cursor line while the prefix fits.
  let prefixStartLine = cursorLine;
  let prefixTokens = counter.count(text.slice(starts[cursorLine]!, offset));
  while (prefixStartLine > 0) {
    const cost = counter.count(lineText(prefixStartLine - 1));
    if (prefixTokens + cost > prefixBudget) break;
    prefixTokens += cost;
    prefixStartLine--;
  }
  if (prefixStartLine > 0) {
    const snapped = Math.min(cursorLine, Math.ceil(prefixStartLine / SNAP_LINES) * SNAP_LINES);
    for (let line = prefixStartLine; line < snapped; line++) prefixTokens -= counter.count(lineText(line));
    prefixStartLine = snapped;
  }

  // Walk forward from the cursor while the suffix fits.
  let suffixEndLine = cursorLine;
  const cursorLineEnd = cursorLine + 1 < starts.length ? starts[cursorLine + 1]! : text.length;
  let suffixTokens = counter.count(text.slice(offset, cursorLineEnd));
  while (suffixEndLine + 1 < starts.length) {
    const cost = counter.count(lineText(suffixEndLine + 1));
    if (suffixTokens + cost > suffixBudget) break;
    suffixTokens += cost;
    suffixEndLine++;
  }
  const suffixEnd = suffixEndLine + 1 < starts.length ? starts[suffixEndLine + 1]! : text.length;

  return {
    prefix: text.slice(starts[prefixStartLine]!, offset),
    suffix: text.slice(offset, suffixEnd),
    prefixStartLine,
    suffixEndLine,
    cursorLine,
    cursorColumn: offset - starts[cursorLine]!,
    prefixTokens: Math.max(0, prefixTokens),
    suffixTokens,
  };
}
