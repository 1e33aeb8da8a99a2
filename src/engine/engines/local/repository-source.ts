/**
 * Where the local engine's corpus comes from: the code index's chunks when the repository has an
 * index (no second read of the tree), otherwise a walk with the index's own rules (.gitignore,
 * .inlineignore, no binaries, lockfiles, secrets or generated files). Code in a known language
 * comes first, so the size cap drops prose and configuration before code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InlineConfig } from '../../../config/schema.js';
import type { CodeIndex } from '../../../index/code-index.js';
import type { Chunk } from '../../../index/types.js';
import { walkRepository } from '../../../index/walk.js';
import type { SourceFile } from './corpus.js';

export interface RepositorySourceOptions {
  root: string;
  git: boolean;
  /** An index the caller has open already. */
  index?: CodeIndex;
  /** Lets the source open the stored index itself (its embedder comes from the configuration). */
  config?: InlineConfig;
  /** Stop reading once this many bytes of source are gathered. */
  maxBytes: number;
}

/**
 * A file of the corpus, read when the build reaches it: holding the whole repository's text at
 * once would double the memory a large build peaks at, and the process keeps that peak.
 */
export interface PendingFile {
  path: string;
  language?: string;
  /** Its size (bytes on disk, or characters), to reserve space before reading. */
  chars: number;
  /** Its text; undefined once it can no longer be read. */
  read(): string | undefined;
}

export interface RepositorySource {
  files: PendingFile[];
  origin: 'index' | 'walk';
}

function inMemory(file: SourceFile): PendingFile {
  return { path: file.path, ...(file.language ? { language: file.language } : {}), chars: file.text.length, read: () => file.text };
}

/** Files rebuilt from chunks: each line is placed by its line number, so overlaps do not repeat. */
export function filesFromChunks(chunks: Iterable<Pick<Chunk, 'path' | 'startLine' | 'text' | 'language'>>): SourceFile[] {
  const byPath = new Map<string, { lines: string[]; language?: string }>();
  for (const chunk of chunks) {
    let entry = byPath.get(chunk.path);
    if (!entry) {
      entry = { lines: [], language: chunk.language };
      byPath.set(chunk.path, entry);
    }
    const lines = chunk.text.split('\n');
    for (let i = 0; i < lines.length; i++) entry.lines[chunk.startLine - 1 + i] = lines[i]!;
  }
  const files: SourceFile[] = [];
  for (const [path, entry] of byPath) {
    const text = Array.from(entry.lines, (line) => line ?? '').join('\n');
    files.push(entry.language ? { path, text, language: entry.language } : { path, text });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function codeFirst<T extends { language?: string }>(files: T[]): T[] {
  return [...files.filter((f) => f.language), ...files.filter((f) => !f.language)];
}

function capped(files: SourceFile[], maxBytes: number): SourceFile[] {
  const out: SourceFile[] = [];
  let bytes = 0;
  for (const file of codeFirst(files)) {
    const size = Buffer.byteLength(file.text, 'utf8');
    if (bytes + size > maxBytes) continue;
    bytes += size;
    out.push(file);
  }
  return out;
}

async function fromStoredIndex(options: RepositorySourceOptions): Promise<SourceFile[] | undefined> {
  if (options.index) return filesFromChunks(options.index.chunks.values());
  if (!options.config) return undefined;
  try {
    const { openExistingIndex } = await import('../../../index/open.js');
    const index = await openExistingIndex({ root: options.root, git: options.git, config: options.config });
    if (!index) return undefined;
    try {
      return filesFromChunks(index.chunks.values());
    } finally {
      await index.close();
    }
  } catch {
    // An index that cannot be opened (another embedder, a broken store) is no reason to fail: walk instead.
    return undefined;
  }
}

async function fromWalk(options: RepositorySourceOptions): Promise<PendingFile[]> {
  const walked = await walkRepository({ root: options.root, git: options.git });
  const files: PendingFile[] = [];
  let bytes = 0;
  for (const file of codeFirst(walked.files)) {
    if (bytes + file.size > options.maxBytes) continue;
    bytes += file.size;
    const read = (): string | undefined => {
      try {
        return readFileSync(join(options.root, file.path), 'utf8');
      } catch {
        return undefined;
      }
    };
    files.push({ path: file.path, ...(file.language ? { language: file.language } : {}), chars: file.size, read });
  }
  return files;
}

export async function readRepository(options: RepositorySourceOptions): Promise<RepositorySource> {
  const indexed = await fromStoredIndex(options);
  if (indexed && indexed.length > 0) return { files: capped(indexed, options.maxBytes).map(inMemory), origin: 'index' };
  return { files: await fromWalk(options), origin: 'walk' };
}
