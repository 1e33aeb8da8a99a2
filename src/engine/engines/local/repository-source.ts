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

const READS_PER_PAUSE = 256;

export interface RepositorySource {
  files: SourceFile[];
  origin: 'index' | 'walk';
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

async function fromWalk(options: RepositorySourceOptions): Promise<SourceFile[]> {
  const walked = await walkRepository({ root: options.root, git: options.git });
  const files: SourceFile[] = [];
  let bytes = 0;
  let sinceYield = 0;
  for (const file of codeFirst(walked.files)) {
    if (bytes + file.size > options.maxBytes) continue;
    // Reading is synchronous; pausing now and then keeps a UI responsive during a large walk.
    if (++sinceYield % READS_PER_PAUSE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    let text: string;
    try {
      text = readFileSync(join(options.root, file.path), 'utf8');
    } catch {
      continue;
    }
    bytes += file.size;
    files.push(file.language ? { path: file.path, text, language: file.language } : { path: file.path, text });
  }
  return files;
}

export async function readRepository(options: RepositorySourceOptions): Promise<RepositorySource> {
  const indexed = await fromStoredIndex(options);
  if (indexed && indexed.length > 0) return { files: capped(indexed, options.maxBytes), origin: 'index' };
  return { files: await fromWalk(options), origin: 'walk' };
}
