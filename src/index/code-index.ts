/**
 * The repository's code index: chunks, BM25, vectors and the manifest that ties them to file
 * contents. `update` re-chunks only files whose content changed and drops deleted ones; every
 * save writes a complete new generation through the store, so a crash leaves the old one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkFile } from './chunk.js';
import { ChunkTextFile, chunksOverFile, writeChunkTexts, type StoredChunkRecord } from './chunk-texts.js';
import { LexicalIndex } from './lexical.js';
import { hybridSearch, type SearchOptions } from './search.js';
import { INDEX_FORMAT_VERSION, IndexStore, type IndexManifest, type LoadResult } from './store.js';
import type { Chunk, Embedder, SearchHit } from './types.js';
import { LazyVectors } from './lazy-vectors.js';
import { walkRepository, type SkipReason, type WalkedFile } from './walk.js';

export class EmbedderMismatch extends Error {
  readonly exitCode = 2 as const;
  constructor(built: string, wanted: string) {
    super(
      `The index was built with the "${built}" embedder, but "${wanted}" is configured now; vectors of the two cannot be mixed. ` +
        'Run `inline index --rebuild` to rebuild it with the new embedder, or set "index.embedder" back.',
    );
    this.name = 'EmbedderMismatch';
  }
}

export interface IndexProgress {
  phase: 'walk' | 'chunk' | 'embed' | 'save';
  done: number;
  total: number;
}

export interface UpdateSummary {
  files: number;
  chunks: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  skipped: Partial<Record<SkipReason, number>>;
  languages: Record<string, { files: number; chunks: number }>;
  seconds: number;
  rebuilt: boolean;
  embedder: string;
}

export interface OpenOptions {
  root: string;
  git: boolean;
  embedder: Embedder;
  /** Where the index lives; default `<root>/.inline/index`. */
  indexDir?: string;
  /** Narrows the walked files further (benchmarks index a chosen part of a tree). */
  include?: (path: string) => boolean;
}

const EMBED_BATCH = 256;

function sha1(buffer: Buffer): string {
  return createHash('sha1').update(buffer).digest('hex');
}

/** What BM25 and the embedder see: the path and symbol name help queries like "cart total". */
function searchText(chunk: Chunk): string {
  return `${chunk.path}\n${chunk.symbol ?? ''}\n${chunk.text}`;
}

export class CodeIndex {
  private byName: Map<string, Chunk[]> | undefined;
  private dirty = false;

  private constructor(
    private readonly options: OpenOptions,
    private readonly store: IndexStore,
    private manifest: IndexManifest,
    readonly chunks: Map<number, Chunk>,
    private lexical: LexicalIndex,
    private vectors: LazyVectors,
    /** Where the texts of loaded chunks are read from (chunks added since hold their own). */
    private texts?: ChunkTextFile,
    /** Set when the stored index could not be used and a fresh one was started. */
    readonly warning?: string,
  ) {}

  static empty(options: OpenOptions, store: IndexStore, warning?: string): CodeIndex {
    const now = new Date().toISOString();
    const manifest: IndexManifest = {
      version: INDEX_FORMAT_VERSION,
      embedder: { id: options.embedder.id, dimensions: options.embedder.dimensions },
      createdAt: now,
      updatedAt: now,
      nextChunkId: 1,
      files: {},
      stats: {},
    };
    return new CodeIndex(options, store, manifest, new Map(), new LexicalIndex(), LazyVectors.empty(options.embedder.dimensions), undefined, warning);
  }

  /** An empty index that will replace whatever is stored on its first save. */
  static fresh(options: OpenOptions): CodeIndex {
    return CodeIndex.empty(options, new IndexStore(options.root, options.indexDir));
  }

  /** Loads the stored index. A corrupt or outdated one is replaced by an empty index with a warning. */
  static open(options: OpenOptions, stored?: { store: IndexStore; loaded: LoadResult }): CodeIndex {
    const store = stored?.store ?? new IndexStore(options.root, options.indexDir);
    const loaded = stored?.loaded ?? store.load();
    if (loaded.status === 'missing') return CodeIndex.empty(options, store);
    if (loaded.status === 'invalid') return CodeIndex.empty(options, store, `the index in ${store.directory} could not be used (${loaded.reason}); rebuilding it`);
    const { manifest, dir } = loaded;
    if (manifest.embedder.id !== options.embedder.id || manifest.embedder.dimensions !== options.embedder.dimensions) {
      throw new EmbedderMismatch(manifest.embedder.id, options.embedder.id);
    }
    let texts: ChunkTextFile | undefined;
    let vectors: LazyVectors | undefined;
    try {
      texts = new ChunkTextFile(store.blobPath(dir, 'texts.bin'));
      const records = JSON.parse(readFileSync(store.blobPath(dir, 'chunks.json'), 'utf8')) as StoredChunkRecord[];
      const chunkList = chunksOverFile(records, texts, loaded.blobs['texts.bin']?.size ?? 0);
      const lexical = LexicalIndex.deserialize(readFileSync(store.blobPath(dir, 'lexical.bin')));
      vectors = LazyVectors.stored(store.blobPath(dir, 'vectors.hnsw'), manifest.embedder.dimensions);
      const embedderState = JSON.parse(readFileSync(store.blobPath(dir, 'embedder.json'), 'utf8')) as { state?: unknown };
      if (embedderState.state !== undefined) options.embedder.restore?.(embedderState.state);
      return new CodeIndex(options, store, manifest, new Map(chunkList.map((c) => [c.id, c])), lexical, vectors, texts);
    } catch (err) {
      texts?.close();
      vectors?.close();
      const reason = err instanceof Error ? err.message : String(err);
      return CodeIndex.empty(options, store, `the index in ${store.directory} could not be read (${reason}); rebuilding it`);
    }
  }

  async close(): Promise<void> {
    this.texts?.close();
    this.texts = undefined;
    this.vectors.close();
    await this.options.embedder.close?.();
  }

  get embedderId(): string {
    return this.manifest.embedder.id;
  }

  /** Whether the vectors are in memory (they load on the first search by meaning, or to save changes). */
  get vectorsInMemory(): boolean {
    return this.vectors.inMemory;
  }

  get fileCount(): number {
    return Object.keys(this.manifest.files).length;
  }

  /** Brings the index up to date with the working tree, or rebuilds it from scratch. */
  /**
   * `persist: false` keeps the changes in memory only (a daemon batching saves calls `save()`
   * later); by default the new generation is written before this returns.
   */
  async update(options: { rebuild?: boolean; persist?: boolean; onProgress?: (progress: IndexProgress) => void; signal?: AbortSignal } = {}): Promise<UpdateSummary> {
    const started = performance.now();
    const progress = options.onProgress ?? (() => undefined);
    const rebuild = options.rebuild === true || this.chunks.size === 0;
    if (options.rebuild) this.reset();

    progress({ phase: 'walk', done: 0, total: 1 });
    const walked = await walkRepository({ root: this.options.root, git: this.options.git });
    if (this.options.include) walked.files = walked.files.filter((f) => this.options.include!(f.path));
    const seen = new Set(walked.files.map((f) => f.path));
    const summary: UpdateSummary = { files: 0, chunks: 0, added: 0, changed: 0, removed: 0, unchanged: 0, skipped: {}, languages: {}, seconds: 0, rebuilt: rebuild, embedder: this.options.embedder.id };
    for (const skip of walked.skipped) summary.skipped[skip.reason] = (summary.skipped[skip.reason] ?? 0) + 1;

    for (const path of Object.keys(this.manifest.files)) {
      if (!seen.has(path)) {
        this.removeFile(path);
        summary.removed++;
      }
    }

    const pending: Array<{ file: WalkedFile; hash: string; text: string; isNew: boolean }> = [];
    for (const file of walked.files) {
      const known = this.manifest.files[file.path];
      if (known && known.size === file.size && known.mtimeMs === file.mtimeMs) {
        summary.unchanged++;
        continue;
      }
      let buffer: Buffer;
      try {
        buffer = readFileSync(join(this.options.root, file.path));
      } catch {
        continue;
      }
      const hash = sha1(buffer);
      if (known && known.hash === hash) {
        known.mtimeMs = file.mtimeMs;
        known.size = file.size;
        summary.unchanged++;
        continue;
      }
      pending.push({ file, hash, text: buffer.toString('utf8'), isNew: !known });
    }

    const fresh: Chunk[] = [];
    for (const [done, item] of pending.entries()) {
      progress({ phase: 'chunk', done, total: pending.length });
      if (options.signal?.aborted) throw options.signal.reason;
      this.removeFile(item.file.path);
      const drafts = await chunkFile(item.file.path, item.text);
      const ids: number[] = [];
      for (const draft of drafts) {
        const chunk: Chunk = { ...draft, id: this.manifest.nextChunkId++ };
        ids.push(chunk.id);
        fresh.push(chunk);
      }
      this.manifest.files[item.file.path] = { hash: item.hash, size: item.file.size, mtimeMs: item.file.mtimeMs, chunkIds: ids };
      if (item.isNew) summary.added++;
      else summary.changed++;
    }

    if (rebuild && this.options.embedder.fit) this.options.embedder.fit(fresh.map(searchText));
    for (let start = 0; start < fresh.length; start += EMBED_BATCH) {
      progress({ phase: 'embed', done: start, total: fresh.length });
      const batch = fresh.slice(start, start + EMBED_BATCH);
      const vectors = await this.options.embedder.embed(batch.map(searchText), options.signal);
      this.byName = undefined;
      for (const [i, chunk] of batch.entries()) {
        this.chunks.set(chunk.id, chunk);
        this.lexical.add(chunk.id, searchText(chunk));
        this.vectors.add(chunk.id, vectors[i]!);
      }
    }

    if (pending.length > 0 || summary.removed > 0 || rebuild) {
      this.dirty = true;
      if (options.persist !== false) {
        progress({ phase: 'save', done: 0, total: 1 });
        this.save();
      }
    }
    summary.files = Object.keys(this.manifest.files).length;
    summary.chunks = this.chunks.size;
    for (const chunk of this.chunks.values()) {
      const language = chunk.language ?? 'other';
      const entry = (summary.languages[language] ??= { files: 0, chunks: 0 });
      entry.chunks++;
    }
    for (const path of Object.keys(this.manifest.files)) {
      const first = this.manifest.files[path]!.chunkIds[0];
      const language = (first !== undefined ? this.chunks.get(first)?.language : undefined) ?? 'other';
      (summary.languages[language] ??= { files: 0, chunks: 0 }).files++;
    }
    summary.seconds = (performance.now() - started) / 1000;
    return summary;
  }

  search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    return hybridSearch({ chunks: this.chunks, lexical: this.lexical, vectors: () => this.vectors.forSearch(), embedder: this.options.embedder }, query, options);
  }

  /** Chunks holding a definition named `name` (the last segment of their symbol). */
  definitionsNamed(name: string): readonly Chunk[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const chunk of this.chunks.values()) {
        if (!chunk.symbol) continue;
        const last = chunk.symbol.slice(chunk.symbol.lastIndexOf('.') + 1);
        const list = this.byName.get(last);
        if (list) list.push(chunk);
        else this.byName.set(last, [chunk]);
      }
    }
    return this.byName.get(name) ?? [];
  }

  private removeFile(path: string): void {
    this.byName = undefined;
    const known = this.manifest.files[path];
    if (!known) return;
    for (const id of known.chunkIds) {
      this.chunks.delete(id);
      this.lexical.remove(id);
      this.vectors.remove(id);
    }
    delete this.manifest.files[path];
  }

  private reset(): void {
    this.manifest.files = {};
    this.chunks.clear();
    this.lexical = new LexicalIndex();
    this.vectors.close();
    this.vectors = LazyVectors.empty(this.options.embedder.dimensions);
  }

  /** Writes the in-memory index as a new generation, if anything changed since the last save. */
  save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.manifest.updatedAt = new Date().toISOString();
    const state = this.options.embedder.state?.();
    const ordered = [...this.chunks.values()];
    let records: StoredChunkRecord[] = [];
    // Blobs are written in this order: the chunk records are known once the texts are written.
    const dir = this.store.save(this.manifest, {
      'texts.bin': (path: string) => void (records = writeChunkTexts(path, ordered)),
      'chunks.json': (path: string) => writeFileSync(path, JSON.stringify(records), { mode: 0o600 }),
      'lexical.bin': this.lexical.serialize(),
      'vectors.hnsw': (path: string) => this.vectors.save(path),
      'embedder.json': Buffer.from(JSON.stringify({ id: this.options.embedder.id, state })),
    });
    this.readTextsFrom(dir, records);
    this.vectors.savedTo(this.store.blobPath(dir, 'vectors.hnsw'));
  }

  /** After a save, every chunk reads its text from the new blob and new chunks let go of theirs. */
  private readTextsFrom(dir: string, records: StoredChunkRecord[]): void {
    const path = this.store.blobPath(dir, 'texts.bin');
    const texts = new ChunkTextFile(path);
    const chunks = chunksOverFile(records, texts, statSync(path).size);
    this.chunks.clear();
    for (const chunk of chunks) this.chunks.set(chunk.id, chunk);
    this.byName = undefined;
    this.texts?.close();
    this.texts = texts;
  }
}
