/**
 * Splits a file into search chunks at definition boundaries: each top-level definition is a
 * chunk; a large class becomes its header plus one chunk per method; the code between
 * definitions (imports, module-level statements) is grouped into line windows. Files in
 * languages we do not parse are cut into overlapping line windows.
 */
import { createHash } from 'node:crypto';
import { languageForPath, type LanguageId } from '../context/languages.js';
import { extractSymbols } from '../context/symbols.js';
import type { SymbolDef } from '../context/types.js';
import type { Chunk } from './types.js';

export type ChunkDraft = Omit<Chunk, 'id'>;

export interface ChunkOptions {
  /** A definition longer than this is split (into its members, else into windows). */
  maxLines: number;
  /** Fallback window size and overlap. */
  windowLines: number;
  overlapLines: number;
}

const SMALL_GAP_LINES = 3;

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxLines: 80, windowLines: 60, overlapLines: 10 };

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}

interface Span {
  start: number;
  end: number;
  symbol?: string;
  kind: string;
}

function qualified(def: SymbolDef): string {
  return def.container ? `${def.container}.${def.name}` : def.name;
}

/** Definitions directly inside `parent` (or top-level ones when parent is undefined). */
function children(defs: SymbolDef[], parent: SymbolDef | undefined): SymbolDef[] {
  const inside = (d: SymbolDef, p: SymbolDef) => d !== p && p.range.startIndex <= d.range.startIndex && d.range.endIndex <= p.range.endIndex;
  const pool = parent ? defs.filter((d) => inside(d, parent)) : defs;
  return pool.filter((d) => !pool.some((other) => other !== d && inside(d, other)));
}

function windows(start: number, end: number, options: ChunkOptions, symbol: string | undefined, kind: string): Span[] {
  const out: Span[] = [];
  const step = Math.max(1, options.windowLines - options.overlapLines);
  for (let first = start; first <= end; first += step) {
    const last = Math.min(end, first + options.windowLines - 1);
    out.push({ start: first, end: last, symbol, kind });
    if (last === end) break;
  }
  return out;
}

/** Spans for one definition, split when it is too long. */
function definitionSpans(defs: SymbolDef[], def: SymbolDef, options: ChunkOptions): Span[] {
  const start = def.range.startLine;
  const end = def.range.endLine;
  if (end - start + 1 <= options.maxLines) return [{ start, end, symbol: qualified(def), kind: def.kind }];
  const members = children(defs, def).filter((m) => m.range.endLine - m.range.startLine >= 1);
  if (members.length === 0) return windows(start, end, options, qualified(def), def.kind);
  const spans: Span[] = [];
  // The header (signature, docstring, fields) up to the first member is a chunk of its own.
  const headerEnd = Math.min(members[0]!.range.startLine - 1, start + options.maxLines - 1);
  if (headerEnd >= start) spans.push({ start, end: headerEnd, symbol: qualified(def), kind: def.kind });
  let cursor = members[0]!.range.startLine;
  for (const member of members) {
    if (member.range.startLine > cursor) spans.push(...gapSpans(cursor, member.range.startLine - 1, options, qualified(def), def.kind));
    spans.push(...definitionSpans(defs, member, options));
    cursor = member.range.endLine + 1;
  }
  if (cursor <= end) spans.push(...gapSpans(cursor, end, options, qualified(def), def.kind));
  return spans;
}

function gapSpans(start: number, end: number, options: ChunkOptions, symbol: string | undefined, kind: string): Span[] {
  return end >= start ? windows(start, end, options, symbol, kind) : [];
}

function spansFor(defs: SymbolDef[], lineCount: number, options: ChunkOptions): Span[] {
  const top = children(defs, undefined).sort((a, b) => a.range.startLine - b.range.startLine);
  const spans: Span[] = [];
  let cursor = 0;
  for (const def of top) {
    if (def.range.startLine < cursor) continue;
    const own = definitionSpans(defs, def, options);
    const gap = def.range.startLine - cursor;
    // A short gap (a comment or decorator above the definition) belongs with it.
    if (gap > 0 && gap <= SMALL_GAP_LINES) own[0]!.start = cursor;
    else if (gap > 0) spans.push(...gapSpans(cursor, def.range.startLine - 1, options, undefined, 'module'));
    spans.push(...own);
    cursor = def.range.endLine + 1;
  }
  if (cursor < lineCount) spans.push(...gapSpans(cursor, lineCount - 1, options, undefined, 'module'));
  return coalesceMinor(spans, options);
}

const MINOR_KINDS = new Set(['module', 'constant', 'variable', 'field', 'macro', 'type']);

/** Runs of module-level statements and one-line constants become one chunk instead of many tiny ones. */
function coalesceMinor(spans: Span[], options: ChunkOptions): Span[] {
  const out: Span[] = [];
  for (const span of spans) {
    const previous = out[out.length - 1];
    const minor = MINOR_KINDS.has(span.kind) && span.end - span.start < options.windowLines / 4;
    if (minor && previous && previous.kind === 'module' && !previous.symbol && span.end - previous.start < options.windowLines) {
      previous.end = span.end;
    } else if (minor) {
      out.push({ start: span.start, end: span.end, kind: 'module' });
    } else {
      out.push(span);
    }
  }
  return out;
}

export async function chunkFile(path: string, text: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Promise<ChunkDraft[]> {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const language: LanguageId | undefined = languageForPath(path);
  let spans: Span[];
  if (language) {
    let defs: SymbolDef[] = [];
    try {
      defs = await extractSymbols(language, text);
    } catch {
      // A grammar failure must not lose the file: it is indexed by windows instead.
    }
    spans = defs.length > 0 ? spansFor(defs, lines.length, options) : windows(0, lines.length - 1, options, undefined, 'window');
  } else {
    spans = windows(0, Math.max(0, lines.length - 1), options, undefined, 'window');
  }
  const out: ChunkDraft[] = [];
  for (const span of spans) {
    const body = lines.slice(span.start, span.end + 1).join('\n');
    // Blank stretches between definitions are not worth a chunk.
    if (body.trim() === '') continue;
    const chunk: ChunkDraft = { path, startLine: span.start + 1, endLine: span.end + 1, kind: span.kind, hash: contentHash(body), text: body };
    if (span.symbol) chunk.symbol = span.symbol;
    if (language) chunk.language = language;
    out.push(chunk);
  }
  return out;
}
