/**
 * Retrieved snippets for context assembly: the code index searched with the lines just above
 * the cursor, which say what is being written better than any single name does.
 */
import type { Retriever } from './assemble.js';
import type { Snippet } from './snippets.js';
import { lineStarts, lineOfOffset } from './window.js';

/** What the context engine needs from the code index (kept narrow so context stays testable). */
export interface ChunkSearch {
  search(
    query: string,
    options: { k: number; exclude?: (chunk: { path: string }) => boolean; lexicalOnly?: boolean },
  ): Promise<Array<{ chunk: { path: string; startLine: number; endLine: number; symbol?: string; kind?: string; text?: string }; lexicalRank?: number; vectorRank?: number }>>;
}

const QUERY_LINES = 6;
const MAX_RESULTS = 4;
const MAX_SNIPPET_LINES = 40;

export function indexRetriever(index: ChunkSearch): Retriever {
  return async ({ path, text, offset }) => {
    const starts = lineStarts(text);
    const line = lineOfOffset(starts, offset);
    const query = text.slice(starts[Math.max(0, line - QUERY_LINES)]!, offset);
    if (query.trim().length < 3) return [];
    // Keywords only: this runs on every keystroke, which must not wait for a query embedding.
    const hits = await index.search(query, { k: MAX_RESULTS, exclude: (chunk) => chunk.path === path, lexicalOnly: true });
    return hits.map((hit, rank): Snippet => {
      const lines = (hit.chunk.text ?? '').split('\n');
      const shown = lines.slice(0, MAX_SNIPPET_LINES).join('\n') + (lines.length > MAX_SNIPPET_LINES ? '\n...' : '');
      const why = [hit.lexicalRank ? `keywords #${hit.lexicalRank}` : '', hit.vectorRank ? `embedding #${hit.vectorRank}` : ''].filter(Boolean).join(', ');
      return {
        kind: 'retrieved',
        path: hit.chunk.path,
        startLine: hit.chunk.startLine,
        endLine: Math.min(hit.chunk.endLine, hit.chunk.startLine + MAX_SNIPPET_LINES - 1),
        reason: `similar to the code above the cursor${hit.chunk.symbol ? ` (${hit.chunk.symbol})` : ''}: ${why}`,
        content: shown,
        score: 1 / (1 + rank),
      };
    });
  };
}
