/** Shapes shared by the code index: chunks, embedders, and search results. */
import type { LanguageId } from '../context/languages.js';

/** A piece of a file that is indexed and returned by search as a unit. */
export interface Chunk {
  /** Stable within one index; never reused after a deletion. */
  id: number;
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The definition the chunk holds (`Cart.total`), when it came from one. */
  symbol?: string;
  /** Symbol kind ('function', 'class', ...) or 'window' for a fallback line window. */
  kind: string;
  language?: LanguageId;
  /** Hash of the chunk text, to tell whether it changed. */
  hash: string;
  /** The chunk's text. Kept in memory while indexing; stored chunks keep it for snippets and BM25. */
  text: string;
}

/** Turns texts into vectors. Implementations: hashing (default), http (/v1/embeddings), llama (GGUF). */
export interface Embedder {
  /** Recorded in the index: an index built by one embedder is never mixed with another's vectors. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /**
   * Learns corpus statistics (e.g. IDF weights) before a full build. Incremental updates keep the
   * learned state, so vectors of old and new chunks stay comparable.
   */
  fit?(texts: string[]): void;
  /** Serializable learned state, stored with the index and given back through `restore`. */
  state?(): unknown;
  restore?(state: unknown): void;
  close?(): Promise<void>;
}

export interface SearchFilters {
  /** Glob on the repository-relative path, e.g. `src/**` or `*.py`. */
  path?: string;
  language?: LanguageId;
}

export interface SearchHit {
  chunk: Omit<Chunk, 'text'> & { text?: string };
  /** Fused score (higher is better) and the ranks each retriever gave (1-based), for explanations. */
  score: number;
  lexicalRank?: number;
  vectorRank?: number;
}
