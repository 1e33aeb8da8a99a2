/**
 * Hybrid search: BM25 over code tokens and nearest neighbours over embeddings, fused with
 * reciprocal rank fusion (each list contributes 1 / (RRF_K + rank)). Lexical search finds exact
 * identifiers; vectors find code that is about the same thing under other names.
 */
import type { LanguageId } from '../context/languages.js';
import { globToRegExp } from './glob.js';
import type { LexicalIndex } from './lexical.js';
import type { Chunk, Embedder, SearchFilters, SearchHit } from './types.js';
import type { VectorIndex } from './vectors.js';

/** The usual RRF constant: it damps the weight of the very top ranks of either list. */
const RRF_K = 60;

export interface SearchParts {
  chunks: ReadonlyMap<number, Chunk>;
  lexical: LexicalIndex;
  /** Called only when the search uses vectors, so an index can load them on first use. */
  vectors: () => VectorIndex;
  embedder: Embedder;
}

export interface SearchOptions {
  k: number;
  filters?: SearchFilters;
  /** Chunks to leave out (e.g. those of the file being edited). */
  exclude?: (chunk: Chunk) => boolean;
  signal?: AbortSignal;
  /**
   * BM25 alone. For callers on the keystroke path: a query embedding may be a network round trip
   * (http embedder) or a model call, and the vectors need not be in memory at all.
   */
  lexicalOnly?: boolean;
}

export function chunkFilter(chunks: ReadonlyMap<number, Chunk>, options: Pick<SearchOptions, 'filters' | 'exclude'>): (id: number) => boolean {
  const pathPattern = options.filters?.path ? globToRegExp(options.filters.path) : undefined;
  const language: LanguageId | undefined = options.filters?.language;
  return (id) => {
    const chunk = chunks.get(id);
    if (!chunk) return false;
    if (language && chunk.language !== language) return false;
    if (pathPattern && !pathPattern.test(chunk.path)) return false;
    return !options.exclude?.(chunk);
  };
}

export async function hybridSearch(parts: SearchParts, query: string, options: SearchOptions): Promise<SearchHit[]> {
  if (query.trim() === '' || parts.chunks.size === 0) return [];
  const accept = chunkFilter(parts.chunks, options);
  // Each retriever looks deeper than k so that fusion can promote what both agree on.
  const depth = Math.max(50, options.k * 5);
  const lexical = parts.lexical.search(query, depth, accept);
  let vectors: Array<{ id: number }> = [];
  if (!options.lexicalOnly) {
    const [queryVector] = await parts.embedder.embed([query], options.signal);
    if (queryVector) vectors = vectorSearch(parts, parts.vectors(), queryVector, depth, accept, Boolean(options.filters?.path || options.filters?.language || options.exclude));
  }

  const fused = new Map<number, { score: number; lexicalRank?: number; vectorRank?: number }>();
  lexical.forEach((hit, index) => {
    fused.set(hit.id, { score: 1 / (RRF_K + index + 1), lexicalRank: index + 1 });
  });
  vectors.forEach((hit, index) => {
    const entry = fused.get(hit.id) ?? { score: 0 };
    entry.score += 1 / (RRF_K + index + 1);
    entry.vectorRank = index + 1;
    fused.set(hit.id, entry);
  });
  return [...fused.entries()]
    .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
    .slice(0, options.k)
    .map(([id, ranks]) => ({ chunk: parts.chunks.get(id)!, ...ranks }));
}

/** Below this many accepted chunks, exact scoring beats a filtered graph walk. */
const EXACT_LIMIT = 1500;
/** How much deeper than needed an unfiltered look goes before filtering. */
const WIDE_FACTOR = 20;

/**
 * HNSW with a selective filter walks most of the graph before it finds k accepted nodes. A
 * filtered query therefore takes a deep unfiltered look and filters that; when too few pass, it
 * scores the accepted chunks exactly if they are few, else walks the graph with the filter.
 */
function vectorSearch(parts: SearchParts, index: VectorIndex, query: Float32Array, depth: number, accept: (id: number) => boolean, filtered: boolean) {
  if (!filtered) return index.search(query, depth, accept);
  const wide = index.search(query, depth * WIDE_FACTOR).filter((hit) => accept(hit.id));
  if (wide.length >= Math.min(depth, 10)) return wide.slice(0, depth);
  const accepted: number[] = [];
  for (const id of parts.chunks.keys()) {
    if (accept(id)) accepted.push(id);
    if (accepted.length > EXACT_LIMIT) return index.search(query, depth, accept);
  }
  return index.exact(query, accepted, depth);
}
