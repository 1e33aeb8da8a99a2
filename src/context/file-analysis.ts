/**
 * Per-file parse results (symbols, resolved imports, skeletons) cached by content, so that
 * consecutive keystrokes and repeated lookups reuse work. A file's entry is recomputed only
 * when its text changes.
 */
import { stableHash } from '../util/hash.js';
import { ImportResolver } from './imports.js';
import { languageForPath } from './languages.js';
import type { RepoFiles } from './repo-files.js';
import { skeleton } from './skeleton.js';
import { extractSymbols } from './symbols.js';
import type { ResolvedImport, SymbolDef } from './types.js';

interface Entry {
  hash: string;
  symbols?: Promise<SymbolDef[]>;
  imports?: Promise<ResolvedImport[]>;
  skeleton?: Promise<SkeletonResult>;
}

export interface SkeletonResult {
  text: string;
  lines: number;
  originalLines: number;
  ratio: number;
}

/** Content identity: length plus a 32-bit hash is plenty to tell edits of one file apart. */
function contentKey(text: string): string {
  return `${text.length}:${stableHash(text)}`;
}

export class FileAnalysis {
  readonly resolver: ImportResolver;
  private readonly entries = new Map<string, Entry>();

  constructor(readonly repo: RepoFiles) {
    this.resolver = new ImportResolver(repo);
  }

  /** The text to analyse: the caller's (an editor buffer) or the file on disk. */
  private entry(path: string, text: string | undefined): { entry: Entry; text: string } | undefined {
    const content = text ?? this.repo.read(path);
    if (content === undefined) return undefined;
    const hash = contentKey(content);
    let entry = this.entries.get(path);
    if (!entry || entry.hash !== hash) {
      entry = { hash };
      this.entries.set(path, entry);
    }
    return { entry, text: content };
  }

  symbols(path: string, text?: string): Promise<SymbolDef[]> {
    const language = languageForPath(path);
    const found = language && this.entry(path, text);
    if (!language || !found) return Promise.resolve([]);
    found.entry.symbols ??= extractSymbols(language, found.text);
    return found.entry.symbols;
  }

  imports(path: string, text?: string): Promise<ResolvedImport[]> {
    const found = languageForPath(path) && this.entry(path, text);
    if (!found) return Promise.resolve([]);
    found.entry.imports ??= this.resolver.resolveFile(path, found.text);
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
