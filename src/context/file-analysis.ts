/**
 * Per-file parse results (symbols, resolved imports, skeletons) cached by content, so that
 * consecutive keystrokes and repeated lookups reuse work. A file's entry is recomputed only
 * when its text changes.
 */
import { ImportResolver } from './imports.js';
import { languageForPath } from './languages.js';
import { diffTexts } from './parse.js';
import type { RepoFiles } from './repo-files.js';
import { skeleton } from './skeleton.js';
import { extractSymbols } from './symbols.js';
import { LruMap } from '../util/lru.js';
import type { ResolvedImport, SymbolDef } from './types.js';

interface Entry {
  text: string;
  symbols?: Promise<SymbolDef[]>;
  /** Set once `symbols` has resolved, so callers in a hurry can use it without waiting. */
  symbolsReady?: SymbolDef[];
  imports?: Promise<ResolvedImport[]>;
  skeleton?: Promise<SkeletonResult>;
}

export interface SkeletonResult {
  text: string;
  lines: number;
  originalLines: number;
  ratio: number;
}

/** Words that start an import in some language: an edit containing one may change the imports. */
const IMPORT_WORDS = /import|require|include|using|\buse\b|\bmod\b|\bfrom\b|autoload/;

/** Lines a multi-line import (`from x import (` … `)`) may span before we stop following it. */
const MAX_IMPORT_LINES = 50;

/** The last line of the statement starting on `line`: where its brackets balance again. */
function statementEnd(lines: string[], line: number): number {
  let depth = 0;
  for (let i = line; i < Math.min(lines.length, line + MAX_IMPORT_LINES); i++) {
    for (const char of lines[i]!) {
      if (char === '(' || char === '{' || char === '[') depth++;
      else if (char === ')' || char === '}' || char === ']') depth--;
    }
    if (depth <= 0) return i;
  }
  return line + MAX_IMPORT_LINES;
}

/**
 * Whether an edit from `before` to `after` leaves the import statements alone: it touches no
 * line of an import statement (imports inside functions, below the cursor, count too) and
 * neither removes nor adds anything that looks like one.
 */
function importsUnaffected(before: string, after: string, imports: ResolvedImport[]): boolean {
  const { edit } = diffTexts(before, after);
  if (!edit) return false;
  if (IMPORT_WORDS.test(before.slice(edit.startIndex, edit.oldEndIndex)) || IMPORT_WORDS.test(after.slice(edit.startIndex, edit.newEndIndex))) return false;
  if (imports.length === 0) return true;
  let lines: string[] | undefined;
  const first = edit.startPosition.row;
  const last = edit.oldEndPosition.row;
  // Splitting a long file costs milliseconds: only an edit just below an import needs its exact end.
  return imports.every(
    ({ statement }) =>
      last < statement.line - 1 || first > statement.line + MAX_IMPORT_LINES + 1 || first > statementEnd((lines ??= before.split('\n')), statement.line) + 1,
  );
}

/**
 * Files whose analysis is kept. A completion consults the open file and the few dozen it imports or
 * names; a daemon left running for days would otherwise keep every file it ever looked at.
 */
const ANALYSED_FILES = 400;
const IMPORTS_REMEMBERED = 64;

export class FileAnalysis {
  readonly resolver: ImportResolver;
  private readonly entries = new LruMap<string, Entry>(ANALYSED_FILES);
  /** The text each file's imports were last read from: keystrokes below the imports reuse them. */
  private readonly lastImports = new LruMap<string, { text: string; imports: Promise<ResolvedImport[]> }>(IMPORTS_REMEMBERED);
  private readonly backlog = new Set<string>();
  private draining = false;

  constructor(readonly repo: RepoFiles) {
    this.resolver = new ImportResolver(repo);
  }

  /** A file changed on disk: its text is read again and its analysis redone when next asked for. */
  fileChanged(path: string, exists: boolean): void {
    const addedOrDeleted = exists !== this.repo.files.has(path);
    this.repo.fileChanged?.(path, exists);
    this.entries.delete(path);
    this.lastImports.delete(path);
    this.resolver.filesChanged();
    if (!addedOrDeleted) return;
    // An import elsewhere may now resolve to the new file, or no longer to the deleted one.
    this.lastImports.clear();
    for (const entry of this.entries.values()) entry.imports = undefined;
  }

  /** The text to analyse: the caller's (an editor buffer) or the file on disk. */
  private entry(path: string, text: string | undefined): { entry: Entry; text: string } | undefined {
    const content = text ?? this.repo.read(path);
    if (content === undefined) return undefined;
    // String equality is a pointer check for the same text and a memcmp otherwise: cheaper than hashing.
    let entry = this.entries.get(path);
    if (!entry || entry.text !== content) {
      entry = { text: content };
      this.entries.set(path, entry);
    }
    return { entry, text: content };
  }

  symbols(path: string, text?: string): Promise<SymbolDef[]> {
    const language = languageForPath(path);
    const found = language && this.entry(path, text);
    if (!language || !found) return Promise.resolve([]);
    if (!found.entry.symbols) {
      const entry = found.entry;
      entry.symbols = extractSymbols(language, found.text);
      entry.symbols.then((symbols) => (entry.symbolsReady = symbols)).catch(() => undefined);
    }
    return found.entry.symbols!;
  }

  /** The file's symbols if they are already known; undefined (and a parse queued) otherwise. */
  symbolsIfReady(path: string): SymbolDef[] | undefined {
    const entry = this.entries.get(path);
    if (entry?.symbolsReady && entry.text === this.repo.read(path)) return entry.symbolsReady;
    this.parseLater(path);
    return undefined;
  }

  /**
   * Queues a parse for when the current request is done. Started at once, the parse would run
   * between the request's own awaits and add its tens of milliseconds to that request: the
   * very stall the caller avoided by not waiting. One file per macrotask, so a next keystroke
   * waits for one parse at most.
   */
  private parseLater(path: string): void {
    this.backlog.add(path);
    if (this.draining) return;
    this.draining = true;
    setTimeout(() => void this.drainBacklog(), 0).unref();
  }

  private async drainBacklog(): Promise<void> {
    for (const path of this.backlog) {
      this.backlog.delete(path);
      await this.symbols(path).catch(() => undefined);
      await new Promise<void>((resolve) => setImmediate(resolve).unref());
    }
    this.draining = false;
  }

  async imports(path: string, text?: string): Promise<ResolvedImport[]> {
    const found = languageForPath(path) && this.entry(path, text);
    if (!found) return Promise.resolve([]);
    if (!found.entry.imports) {
      const previous = this.lastImports.get(path);
      found.entry.imports =
        previous && (await previous.imports.then((list) => importsUnaffected(previous.text, found.text, list)).catch(() => false))
          ? previous.imports
          : this.resolver.resolveFile(path, found.text);
    }
    this.lastImports.set(path, { text: found.text, imports: found.entry.imports });
    return found.entry.imports;
  }

  skeleton(path: string, text?: string): Promise<SkeletonResult | undefined> {
    const language = languageForPath(path);
    const found = language && this.entry(path, text);
    if (!language || !found) return Promise.resolve(undefined);
    found.entry.skeleton ??= skeleton(language, found.text);
    return found.entry.skeleton;
  }
}
