/**
 * The repository's code as statistics: per family a vocabulary and an occurrence store, plus which
 * block of which store each file occupies, so one file can be replaced or removed on its own.
 * The total source kept is capped; files past the cap are left out (and counted).
 */
import { lex } from './lexer.js';
import { DEAD, OccurrenceStore } from './occurrences.js';
import { syntaxForPath, type FileSyntax } from './syntax.js';
import { detectIndentUnit, encodeLines } from './tokens.js';
import { Vocabulary } from './vocabulary.js';

export interface SourceFile {
  path: string;
  text: string;
  language?: string;
}

export interface FamilyStats {
  readonly syntax: FileSyntax;
  readonly vocabulary: Vocabulary;
  store: OccurrenceStore;
  files: number;
}

interface FileEntry {
  family: string;
  start: number;
  end: number;
  bytes: number;
}

export interface CorpusStats {
  files: number;
  bytes: number;
  tokens: number;
  /** Files left out because the corpus reached its cap. */
  overCap: number;
  families: Record<string, { files: number; tokens: number }>;
  /** Approximate heap bytes held by the statistics. */
  memoryBytes: number;
}

/** Source code averages five to six characters per token (indentation included). */
const CHARS_PER_TOKEN = 5;
/** Dead tokens are reclaimed once they are this share of a store and this many. */
const COMPACT_SHARE = 0.5;
const COMPACT_MIN_TOKENS = 1 << 16;

export class Corpus {
  private readonly families = new Map<string, FamilyStats>();
  private readonly files = new Map<string, FileEntry>();
  private totalBytes = 0;
  private overCap = 0;

  constructor(readonly maxBytes: number) {}

  family(name: string): FamilyStats | undefined {
    return this.families.get(name);
  }

  allFamilies(): IterableIterator<FamilyStats> {
    return this.families.values();
  }

  /** Sizes each family's store for the files about to be added, so it does not grow step by step. */
  reserve(files: Iterable<{ path: string; language?: string; chars: number }>): void {
    const expected = new Map<string, { syntax: FileSyntax; tokens: number }>();
    for (const file of files) {
      const fileSyntax = syntaxForPath(file.path, file.language);
      const entry = expected.get(fileSyntax.family) ?? { syntax: fileSyntax, tokens: 0 };
      entry.tokens += Math.ceil(file.chars / CHARS_PER_TOKEN);
      expected.set(fileSyntax.family, entry);
    }
    for (const { syntax, tokens } of expected.values()) this.familyStats(syntax, tokens);
  }

  addAll(files: readonly SourceFile[]): void {
    this.reserve(files.map((file) => ({ path: file.path, language: file.language, chars: file.text.length })));
    for (const file of files) this.set(file);
    this.finishBulkLoad();
  }

  /** After a bulk load: frees unused reserve and precomputes what requests would otherwise compute on first use. */
  finishBulkLoad(): void {
    for (const _ of this.finishBulkLoadInSlices()) continue;
  }

  /** The same in slices, for a caller that wants to let other work run in between. */
  *finishBulkLoadInSlices(): Generator<void> {
    for (const stats of this.families.values()) {
      stats.store.trim();
      yield* stats.store.countFrequentContextsInSlices();
    }
  }

  /** Adds or replaces one file; false when it does not fit under the cap (it is then absent). */
  set(file: SourceFile): boolean {
    const bytes = Buffer.byteLength(file.text, 'utf8');
    const previous = this.files.get(file.path);
    if (this.totalBytes - (previous?.bytes ?? 0) + bytes > this.maxBytes) {
      if (previous) this.remove(file.path);
      this.overCap++;
      return false;
    }
    if (previous) this.remove(file.path);
    const fileSyntax = syntaxForPath(file.path, file.language);
    const stats = this.familyStats(fileSyntax, Math.ceil(file.text.length / CHARS_PER_TOKEN));
    const ids = encodeFile(file.text, fileSyntax, stats.vocabulary);
    const { start, end } = stats.store.append(ids);
    for (const id of ids) stats.vocabulary.adjust(id, 1);
    stats.files++;
    this.files.set(file.path, { family: fileSyntax.family, start, end, bytes });
    this.totalBytes += bytes;
    return true;
  }

  remove(path: string): boolean {
    const entry = this.files.get(path);
    if (!entry) return false;
    const stats = this.families.get(entry.family)!;
    for (let g = entry.start; g < entry.end; g++) {
      const id = stats.store.tokenAt(g);
      if (id !== DEAD) stats.vocabulary.adjust(id, -1);
    }
    stats.store.kill(entry.start, entry.end);
    stats.files--;
    this.files.delete(path);
    this.totalBytes -= entry.bytes;
    return true;
  }

  /** Whether some store is mostly dead tokens and worth compacting. */
  needsCompaction(): boolean {
    for (const stats of this.families.values()) if (isWasteful(stats.store)) return true;
    return false;
  }

  /** Rebuilds every wasteful store from its live files. */
  compact(): void {
    for (const [family, stats] of this.families) {
      if (!isWasteful(stats.store)) continue;
      const entries = [...this.files.values()].filter((e) => e.family === family).sort((x, y) => x.start - y.start);
      const live = entries.reduce((sum, e) => sum + e.end - e.start, 0);
      const store = new OccurrenceStore(live);
      for (const entry of entries) {
        const placed = store.append(stats.store.slice(entry.start, entry.end));
        entry.start = placed.start;
        entry.end = placed.end;
      }
      stats.store = store;
    }
  }

  stats(): CorpusStats {
    const families: CorpusStats['families'] = {};
    let tokens = 0;
    let memoryBytes = 0;
    for (const [name, stats] of this.families) {
      const live = stats.store.length - stats.store.dead;
      families[name] = { files: stats.files, tokens: live };
      tokens += live;
      memoryBytes += stats.store.memoryBytes() + stats.vocabulary.approximateBytes();
    }
    return { files: this.files.size, bytes: this.totalBytes, tokens, overCap: this.overCap, families, memoryBytes };
  }

  private familyStats(fileSyntax: FileSyntax, expectedTokens: number): FamilyStats {
    let stats = this.families.get(fileSyntax.family);
    if (!stats) {
      stats = { syntax: fileSyntax, vocabulary: new Vocabulary(), store: new OccurrenceStore(expectedTokens), files: 0 };
      this.families.set(fileSyntax.family, stats);
    }
    return stats;
  }
}

function isWasteful(store: OccurrenceStore): boolean {
  return store.dead >= COMPACT_MIN_TOKENS && store.dead >= store.length * COMPACT_SHARE;
}

/** A whole file as token ids, starting with the file-start marker. */
export function encodeFile(text: string, fileSyntax: FileSyntax, vocabulary: Vocabulary): Int32Array {
  const { lines } = lex(text, fileSyntax.syntax);
  const tokens = encodeLines(lines, { fileStart: true, unit: detectIndentUnit(lines) });
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) ids[i] = vocabulary.intern(tokens[i]!);
  return ids;
}
