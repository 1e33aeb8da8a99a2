/**
 * The name-lookup baseline the context engine has to beat: a table of declared names built with
 * one regex per language, no parsing, no imports. Visible mode looks up the identifier right
 * before the cursor; hidden mode has no callee to look up, so it tries every identifier of the
 * five lines above the cursor, nearest first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusFiles, corpusOfPath, type DevCase, type RetrievalQuery, type Retrieved, type Retriever } from './score.js';

export type NameTable = Map<string, Retrieved[]>;

const DECLARATION: Record<DevCase['corpus'], RegExp> = {
  // Indented defs (methods, nested functions) match too: that is what a line regex gives.
  'python-stdlib': /^\s*(?:async\s+)?(?:def|class)\s+(\w+)/gm,
  typescript: /^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/gm,
};

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
const HIDDEN_CONTEXT_LINES = 5;
const MAX_RESULTS = 50;

/** name → declarations, each list in path order. */
export function buildNameTable(root: string, files: string[], corpus: DevCase['corpus']): NameTable {
  const table: NameTable = new Map();
  for (const file of [...files].sort()) {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const seen = new Set<string>();
    for (const match of text.matchAll(DECLARATION[corpus])) {
      const name = match[1]!;
      if (seen.has(name)) continue;
      seen.add(name);
      const entries = table.get(name);
      if (entries) entries.push({ path: file, name });
      else table.set(name, [{ path: file, name }]);
    }
  }
  return table;
}

export function identifierBefore(text: string, offset: number): string | undefined {
  return /[A-Za-z_$][\w$]*$/.exec(text.slice(Math.max(0, offset - 256), offset))?.[0];
}

/** Identifiers of the cursor's line up to the cursor and the lines above it, nearest first, unique. */
export function identifiersAbove(text: string, offset: number, lines = HIDDEN_CONTEXT_LINES): string[] {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  // start - 1 is the newline ending the line above, so the search for its start begins one before.
  for (let up = 0; up < lines && start > 0; up++) start = start >= 2 ? text.lastIndexOf('\n', start - 2) + 1 : 0;
  const window = text.slice(start, offset);
  const names = [...window.matchAll(IDENTIFIER)].map((m) => m[0]).reverse();
  return [...new Set(names)];
}

export function lookup(table: NameTable, query: Pick<RetrievalQuery, 'text' | 'offset' | 'mode'>): Retrieved[] {
  if (query.mode === 'visible') {
    const name = identifierBefore(query.text, query.offset);
    return name ? (table.get(name) ?? []).slice(0, MAX_RESULTS) : [];
  }
  const out: Retrieved[] = [];
  const seen = new Set<string>();
  for (const name of identifiersAbove(query.text, query.offset)) {
    for (const entry of table.get(name) ?? []) {
      const key = `${entry.path}\0${entry.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(entry);
      if (out.length >= MAX_RESULTS) return out;
    }
  }
  return out;
}

/** A retriever with one table per corpus root, built on first use. */
export function createBaseline(files?: (root: string, corpus: DevCase['corpus']) => string[]): Retriever {
  const tables = new Map<string, NameTable>();
  return async (query) => {
    const corpus = corpusOfPath(query.file);
    const key = `${corpus}\0${query.root}`;
    let table = tables.get(key);
    if (!table) {
      table = buildNameTable(query.root, (files ?? corpusFiles)(query.root, corpus), corpus);
      tables.set(key, table);
    }
    return lookup(table, query);
  };
}
