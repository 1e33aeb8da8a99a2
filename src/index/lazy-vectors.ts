/**
 * The vector index, loaded on first use. Completions search by keywords only, so a daemon serving
 * them never needs the vectors (27 MB for 2,000 files); chat, `inline search` and explain load
 * them when they first search by meaning. Changes made before then are queued and applied on load.
 *
 * The stored file stays open: once newer generations prune it from the index directory, it is
 * still read through the open descriptor.
 */
import { closeSync, copyFileSync, existsSync, openSync } from 'node:fs';
import { VectorIndex } from './vectors.js';

export class LazyVectors {
  private loaded: VectorIndex | undefined;
  /** Set once a search asked for the vectors: from then on they stay in memory. */
  private searched = false;
  private readonly adds = new Map<number, Float32Array>();
  private readonly removes = new Set<number>();
  private fd: number | undefined;

  private constructor(
    readonly dimensions: number,
    private stored: string | undefined,
  ) {
    if (stored !== undefined) this.fd = openSync(stored, 'r');
  }

  /** An index with no vectors yet (a first build or a rebuild). */
  static empty(dimensions: number): LazyVectors {
    const vectors = new LazyVectors(dimensions, undefined);
    vectors.loaded = VectorIndex.create(dimensions);
    vectors.searched = true;
    return vectors;
  }

  /** The vectors saved at `path` (their checksum verified by the store), read and checked when first needed. */
  static stored(path: string, dimensions: number): LazyVectors {
    return new LazyVectors(dimensions, path);
  }

  get inMemory(): boolean {
    return this.loaded !== undefined;
  }

  add(id: number, vector: Float32Array): void {
    if (this.loaded) return this.loaded.add(id, vector);
    this.adds.set(id, vector);
  }

  remove(id: number): void {
    if (this.loaded) return this.loaded.remove(id);
    // Chunk ids are never reused, so a queued add removed again simply never happened.
    if (!this.adds.delete(id)) this.removes.add(id);
  }

  /** The vectors for a search; loaded now if they were not, and kept loaded. */
  forSearch(): VectorIndex {
    this.searched = true;
    return this.index();
  }

  /** Writes the vectors to `path`: a copy of the stored file when nothing changed and nothing was loaded. */
  save(path: string): void {
    if (!this.loaded && this.adds.size === 0 && this.removes.size === 0 && this.stored !== undefined) {
      copyFileSync(this.readablePath(), path);
      return;
    }
    this.index().save(path);
  }

  /** After a save: later loads read the new file, and vectors loaded only to save are let go. */
  savedTo(path: string): void {
    this.closeFile();
    this.stored = path;
    this.fd = openSync(path, 'r');
    if (!this.searched) this.loaded = undefined;
  }

  close(): void {
    this.closeFile();
  }

  private index(): VectorIndex {
    if (this.loaded) return this.loaded;
    if (this.stored === undefined) throw new Error('no stored vectors to load');
    const index = VectorIndex.load(this.readablePath(), this.dimensions);
    for (const id of this.removes) index.remove(id);
    for (const [id, vector] of this.adds) index.add(id, vector);
    this.removes.clear();
    this.adds.clear();
    this.loaded = index;
    return index;
  }

  /** The stored file's path, or the open descriptor's once the file was pruned. */
  private readablePath(): string {
    if (existsSync(this.stored!) || this.fd === undefined) return this.stored!;
    return process.platform === 'linux' ? `/proc/self/fd/${this.fd}` : `/dev/fd/${this.fd}`;
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
