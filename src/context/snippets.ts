/**
 * Candidate context for a cursor, each with the reason it was considered: the enclosing scope's
 * signatures, definitions of names used near the cursor, and skeletons of imported files.
 * Selection under the token budget happens in assemble.ts.
 */
import type { DefinitionFinder, DefinitionHit } from './definitions.js';
import type { SymbolDef } from './types.js';
import { lineStarts } from './window.js';

export type SnippetKind = 'scope' | 'definition' | 'import-skeleton' | 'retrieved' | 'recent-edit';

export interface Snippet {
  kind: SnippetKind;
  path: string;
  /** 1-based, inclusive: what a person would type into an editor. */
  startLine: number;
  endLine: number;
  reason: string;
  content: string;
  /** Higher is more useful; only compared within a kind. */
  score: number;
}

export interface CandidateLimits {
  maxDefinitions: number;
  definitionBodyLines: number;
  maxImportSkeletons: number;
}

export function snippetKey(s: Pick<Snippet, 'kind' | 'path' | 'startLine'>): string {
  return `${s.kind}:${s.path}:${s.startLine}`;
}

/** Signatures of the scopes around the cursor whose headers lie above the prefix window. */
export function scopeSnippet(path: string, text: string, scopes: SymbolDef[], prefixStartLine: number): Snippet | undefined {
  const hidden = scopes.filter((scope) => scope.range.startLine < prefixStartLine);
  if (hidden.length === 0) return undefined;
  const starts = lineStarts(text);
  const headers = hidden.map((scope) => {
    const indent = /^[ \t]*/.exec(text.slice(starts[scope.range.startLine]!, scope.range.startIndex + 1))?.[0] ?? '';
    return `${indent}${scope.signature}`;
  });
  const innermost = hidden[hidden.length - 1]!;
  return {
    kind: 'scope',
    path,
    startLine: hidden[0]!.range.startLine + 1,
    endLine: innermost.range.startLine + 1,
    reason: `the cursor is inside ${hidden.map((s) => `${s.kind} ${s.name}`).join(' › ')}, whose header is above the window`,
    content: headers.join('\n'),
    score: 1,
  };
}

/** A definition's doc, header and the first lines of its body. */
function definitionText(source: string, def: SymbolDef, bodyLines: number): { content: string; endLine: number } {
  const starts = lineStarts(source);
  const docStart = def.doc ? findDocStart(source, starts, def.range.startLine) : def.range.startLine;
  const lastLine = Math.min(def.range.endLine, def.range.startLine + bodyLines);
  const end = lastLine + 1 < starts.length ? starts[lastLine + 1]! - 1 : source.length;
  let content = source.slice(starts[docStart]!, end);
  if (lastLine < def.range.endLine) content += `\n${/^[ \t]*/.exec(source.slice(starts[def.range.startLine]!))?.[0] ?? ''}    ...`;
  return { content, endLine: lastLine + 1 };
}

/** Comment lines directly above a definition belong with it. */
function findDocStart(source: string, starts: readonly number[], line: number): number {
  let first = line;
  while (first > 0) {
    const previous = source.slice(starts[first - 1]!, starts[first]! - 1).trim();
    if (/^(\/\/|#|\/\*|\*|--|<!--)/.test(previous) && !previous.startsWith('#include') && !previous.startsWith('#!')) first--;
    else break;
  }
  return first;
}

function describe(hit: DefinitionHit): string {
  switch (hit.reason) {
    case 'import':
      return `defines ${hit.name}, used near the cursor and imported by this file`;
    case 'same-package':
      return `defines ${hit.name}, used near the cursor, in the same package`;
    case 'name-match':
      return `defines ${hit.name}, used near the cursor (found by name)`;
    case 'imported-unused':
      return `defines ${hit.name}, imported by this file and not yet used nearby`;
    case 'retrieved':
      return `defines ${hit.name}, found by code search on the lines before the cursor`;
    case 'qualifier':
      return `defines ${hit.name}, a member of the module named right before the cursor`;
  }
}

export async function definitionSnippets(
  finder: DefinitionFinder,
  query: { path: string; text: string; offset: number },
  limits: CandidateLimits,
): Promise<Snippet[]> {
  const hits = await finder.find(query, limits.maxDefinitions);
  const out: Snippet[] = [];
  // A method inside a class that is already included would be sent twice.
  const contains = (outer: Snippet, path: string, start: number, end: number) => outer.path === path && outer.startLine <= start && end <= outer.endLine;
  for (const hit of hits) {
    const start = hit.symbol.range.startLine + 1;
    if (out.some((s) => contains(s, hit.path, start, Math.min(hit.symbol.range.endLine + 1, start + limits.definitionBodyLines)))) continue;
    const source = finder.analysis.repo.read(hit.path);
    if (source === undefined) continue;
    const { content, endLine } = definitionText(source, hit.symbol, limits.definitionBodyLines);
    out.push({ kind: 'definition', path: hit.path, startLine: hit.symbol.range.startLine + 1, endLine, reason: describe(hit), content, score: hit.score });
  }
  return out;
}

export async function importSkeletonSnippets(finder: DefinitionFinder, query: { path: string; text: string }, limits: CandidateLimits): Promise<Snippet[]> {
  const imports = await finder.analysis.imports(query.path, query.text);
  const out: Snippet[] = [];
  const seen = new Set<string>([query.path]);
  for (const resolved of imports) {
    const file = resolved.files[0];
    if (!file || seen.has(file)) continue;
    seen.add(file);
    const result = await finder.analysis.skeleton(file);
    if (!result || result.text.trim() === '') continue;
    out.push({
      kind: 'import-skeleton',
      path: file,
      startLine: 1,
      endLine: result.originalLines,
      reason: `imported on line ${resolved.statement.line + 1} (${resolved.statement.source}); skeleton is ${Math.round(result.ratio * 100)}% of the file`,
      content: result.text,
      // Earlier imports first: they are usually the module's main dependencies.
      score: 1 / (1 + out.length),
    });
    if (out.length >= limits.maxImportSkeletons) break;
  }
  return out;
}
