/**
 * Text geometry for LSP positions: lines end at `\n`, `\r\n` or `\r`, and a position's
 * `character` counts UTF-16 code units, which is what JavaScript string indices count.
 * Positions here are already validated (whole numbers ≥ 0); out-of-range ones are clamped as
 * LSP clients expect: past a line's end → that end, past the last line → the end of the text.
 */
import { lineOfOffset } from '../context/window.js';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

const LF = 0x0a;
const CR = 0x0d;
/** Past this many new lines in one edit, splicing them in as call arguments gives way to a rebuild. */
const SPLICE_LIMIT = 10_000;
/** Size of the pieces an edited text is held in, in UTF-16 code units. */
const CHUNK = 16 * 1024;

/** A line starts after `\n`, and after a `\r` not followed by `\n`: it depends only on the units around it. */
function startsLine(before: number, at: number): boolean {
  return before === LF || (before === CR && at !== LF);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let p = 1; p <= text.length; p++) {
    if (startsLine(text.charCodeAt(p - 1), text.charCodeAt(p))) starts.push(p);
  }
  return starts;
}

/** Index of the first line start at or after `offset` (the length when there is none). */
function firstStartFrom(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where a line's text ends, before its break, given where the next line starts. */
function contentEndBefore(next: number, lineStart: number, unitAt: (offset: number) => number): number {
  return next - 2 >= lineStart && unitAt(next - 1) === LF && unitAt(next - 2) === CR ? next - 2 : next - 1;
}

function clampOffset(length: number, offset: number): number {
  return Math.max(0, Math.min(Math.trunc(offset), length));
}

/**
 * Text with the offsets at which its lines start, both patched around each edit rather than
 * rebuilt. While edits arrive the text is held in pieces of about CHUNK units, so an edit copies
 * one piece, not the document; it is joined into one string only when someone reads `text`
 * (the server does so to compute a suggestion, after the debounce), and cut into pieces again,
 * cheaply since V8 slices share the parent string, at the next edit.
 */
export class LineIndexedText {
  private starts: number[];
  private flat: string | undefined;
  private chunks: string[] = [];
  private chunkStarts: number[] = [];
  private size: number;

  constructor(text: string) {
    this.flat = text;
    this.size = text.length;
    this.starts = lineStartsOf(text);
  }

  get text(): string {
    if (this.flat === undefined) {
      this.flat = this.chunks.join('');
      this.chunks = [];
      this.chunkStarts = [];
    }
    return this.flat;
  }

  /** The text if it is already one string; never joins. */
  get joinedText(): string | undefined {
    return this.flat;
  }

  get length(): number {
    return this.size;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  offsetAt(position: Position): number {
    if (position.line >= this.starts.length) return this.size;
    const start = this.starts[position.line]!;
    return Math.min(start + position.character, this.contentEnd(position.line));
  }

  positionAt(offset: number): Position {
    const clamped = clampOffset(this.size, offset);
    const line = lineOfOffset(this.starts, clamped);
    return { line, character: clamped - this.starts[line]! };
  }

  /** The units in [start, end), without joining the whole text. */
  slice(start: number, end: number): string {
    if (this.flat !== undefined) return this.flat.slice(start, end);
    const first = lineOfOffset(this.chunkStarts, start);
    const last = lineOfOffset(this.chunkStarts, Math.max(start, end - 1));
    const base = this.chunkStarts[first]!;
    return this.chunks.slice(first, last + 1).join('').slice(start - base, end - base);
  }

  /**
   * Replaces [start, end) with `inserted`. Line starts before `start` stay, those after `end`
   * shift by the change in length, and only those in between are recomputed: a start at p
   * depends on the units at p-1 and p, so the window reaches one unit past each side.
   */
  replace(start: number, end: number, inserted: string): void {
    const delta = inserted.length - (end - start);
    const insertedEnd = start + inserted.length;
    const before = start > 0 ? this.unitAt(start - 1) : Number.NaN;
    const after = end < this.size ? this.unitAt(end) : Number.NaN;
    const unitAt = (p: number): number => (p < start ? before : p < insertedEnd ? inserted.charCodeAt(p - start) : after);
    // Line 0 always starts at 0, so the window starts at 1.
    const first = Math.max(start, 1);
    const fresh: number[] = [];
    for (let p = first; p <= insertedEnd; p++) {
      if (startsLine(unitAt(p - 1), unitAt(p))) fresh.push(p);
    }
    const from = firstStartFrom(this.starts, first);
    const to = firstStartFrom(this.starts, end + 1);
    if (fresh.length <= SPLICE_LIMIT) {
      this.starts.splice(from, to - from, ...fresh);
    } else {
      this.starts = this.starts.slice(0, from).concat(fresh, this.starts.slice(to));
    }
    if (delta !== 0) {
      for (let i = from + fresh.length; i < this.starts.length; i++) this.starts[i]! += delta;
    }
    this.replaceUnits(start, end, inserted);
  }

  private replaceUnits(start: number, end: number, inserted: string): void {
    if (this.flat !== undefined) this.cutIntoChunks(this.flat);
    const first = lineOfOffset(this.chunkStarts, start);
    const last = lineOfOffset(this.chunkStarts, end);
    const base = this.chunkStarts[first]!;
    const joined = first === last ? this.chunks[first]! : this.chunks.slice(first, last + 1).join('');
    const edited = joined.slice(0, start - base) + inserted + joined.slice(end - base);
    this.chunks.splice(first, last - first + 1, ...pieces(edited));
    if (this.chunks.length === 0) this.chunks.push('');
    this.size += inserted.length - (end - start);
    this.chunkStarts.length = this.chunks.length;
    for (let i = first, offset = base; i < this.chunks.length; i++) {
      this.chunkStarts[i] = offset;
      offset += this.chunks[i]!.length;
    }
  }

  private cutIntoChunks(text: string): void {
    this.chunks = pieces(text);
    if (this.chunks.length === 0) this.chunks.push('');
    this.chunkStarts = [];
    for (let i = 0, offset = 0; i < this.chunks.length; i++) {
      this.chunkStarts.push(offset);
      offset += this.chunks[i]!.length;
    }
    this.flat = undefined;
  }

  private unitAt(offset: number): number {
    if (this.flat !== undefined) return this.flat.charCodeAt(offset);
    const chunk = lineOfOffset(this.chunkStarts, offset);
    return this.chunks[chunk]!.charCodeAt(offset - this.chunkStarts[chunk]!);
  }

  /** Where a line's text ends, before its line break. */
  private contentEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.size;
    return contentEndBefore(this.starts[line + 1]!, this.starts[line]!, (offset) => this.unitAt(offset));
  }
}

/** A text cut into pieces of CHUNK to 2·CHUNK units (one piece if shorter; none if empty). */
function pieces(text: string): string[] {
  if (text.length <= 2 * CHUNK) return text === '' ? [] : [text];
  const count = Math.floor(text.length / CHUNK);
  const size = Math.ceil(text.length / count);
  const result: string[] = [];
  for (let offset = 0; offset < text.length; offset += size) result.push(text.slice(offset, offset + size));
  return result;
}

/** Offset where the line after the one holding `from` starts, or -1 on the last line. */
function nextLineStart(text: string, from: number): number {
  for (let p = from + 1; p <= text.length; p++) {
    if (startsLine(text.charCodeAt(p - 1), text.charCodeAt(p))) return p;
  }
  return -1;
}

/** offsetAt for a text without an index: scans only up to the position's line. */
export function scanOffsetAt(text: string, position: Position): number {
  let start = 0;
  for (let line = 0; line < position.line; line++) {
    const next = nextLineStart(text, start);
    if (next === -1) return text.length;
    start = next;
  }
  const next = nextLineStart(text, start);
  const end = next === -1 ? text.length : contentEndBefore(next, start, (offset) => text.charCodeAt(offset));
  return Math.min(start + position.character, end);
}

/** positionAt for a text without an index: scans only up to the offset. */
export function scanPositionAt(text: string, offset: number): Position {
  const clamped = clampOffset(text.length, offset);
  let line = 0;
  let start = 0;
  for (let next = nextLineStart(text, 0); next !== -1 && next <= clamped; next = nextLineStart(text, next)) {
    line++;
    start = next;
  }
  return { line, character: clamped - start };
}
