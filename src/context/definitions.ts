/**
 * Finds the definitions behind the code at the cursor. Candidates come from the definition
 * index (no parsing), ranked by how they are linked to the cursor: the name being typed, a
 * module qualifier right before the cursor, the file's imports, the same package, or only the
 * name. Only the best few are then parsed to get their exact ranges, which keeps a lookup in an
 * unfamiliar file cheap.
 */
import { approximateDefinition, DefinitionIndex, type IndexedDefinition } from './definition-index.js';
import { FileAnalysis } from './file-analysis.js';
import { languageForPath } from './languages.js';
import { createRepoFiles, type RepoFiles } from './repo-files.js';
import { referencesNear } from './symbols.js';
import type { ChunkSearch } from './retrieval.js';
import type { Reference, ResolvedImport, SymbolDef } from './types.js';

export type DefinitionReason = 'import' | 'qualifier' | 'imported-unused' | 'same-package' | 'name-match' | 'retrieved';

export interface DefinitionHit {
  path: string;
  symbol: SymbolDef;
  /** The name at the cursor that led here. */
  name: string;
  reason: DefinitionReason;
  score: number;
}

export interface DefinitionQuery {
  path: string;
  text: string;
  offset: number;
}

interface Candidate {
  entry: IndexedDefinition;
  reason: DefinitionReason;
  score: number;
}

const REASON_WEIGHT: Record<DefinitionReason, number> = { import: 4, qualifier: 4, 'same-package': 2, 'name-match': 1, 'imported-unused': 0.8, retrieved: 0.7 };
/** Name-only matches are considered in at most this many files per name (nearest paths first). */
const NAME_MATCH_FILES = 6;
/** References beyond this many (nearest first) add little and cost lookups. */
const MAX_REFERENCES = 16;
const RETRIEVAL_QUERY_LINES = 6;
const RETRIEVAL_RESULTS = 8;
const RETRIEVAL_AGREEMENT = 0.5;
const CALLABLE_KINDS = new Set(['function', 'method', 'constructor', 'class', 'struct']);

/** Time one request may spend parsing candidate files it has not seen before. */
const CONFIRM_BUDGET_MS = 4;
/** Files up to this size parse within a few milliseconds; longer ones wait for the background. */
const INLINE_PARSE_MAX_CHARS = 16_000;
/** The name right at the cursor is what is being completed: it outweighs everything around it. */
const AT_CURSOR_BOOST = 6;

const QUALIFIER_BEFORE = /([A-Za-z_$][\w$]*(?:\s*(?:\.|::)\s*[A-Za-z_$][\w$]*)*)\s*(?:\.|::|->)\s*$/;

/** Names a statement binds in the importing file: imported names, its alias, or the module's segments. */
function boundNames(resolved: ResolvedImport): string[] {
  const { statement } = resolved;
  const names = statement.names.filter((n) => n !== '*' && n !== 'default');
  if (statement.alias) names.push(statement.alias);
  if (statement.names.includes('default') && !statement.alias) names.push(...statement.names);
  if (statement.names.length === 0 && !statement.alias) {
    const segments = statement.source.split(/[./:\\]+/).filter(Boolean);
    if (segments.length > 0) names.push(segments[segments.length - 1]!, segments[0]!);
  }
  return names;
}

/** Shared leading directories: a crude but effective proximity in a source tree. */
function proximity(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let shared = 0;
  while (shared < x.length - 1 && shared < y.length - 1 && x[shared] === y[shared]) shared++;
  return shared;
}

/** How often `qualifier.name` already appears in the document, per name. */
function memberUse(text: string, qualifier: string): Map<string, number> {
  const counts = new Map<string, number>();
  const escaped = qualifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*');
  for (const match of text.matchAll(new RegExp(`\\b${escaped}\\s*(?:\\.|::|->)\\s*([A-Za-z_$][\\w$]*)`, 'g'))) {
    counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
  }
  return counts;
}

function wordCount(text: string, name: string): number {
  let count = 0;
  for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + name.length)) count++;
  return count;
}

export class DefinitionFinder {
  readonly index: DefinitionIndex;

  /** The code index, when there is one: it adds definitions similar to the code before the cursor. */
  private chunkSearch: ChunkSearch | undefined;

  constructor(
    readonly analysis: FileAnalysis,
    index?: DefinitionIndex,
  ) {
    this.index = index ?? new DefinitionIndex(analysis.repo).build();
  }

  useCodeIndex(search: ChunkSearch): this {
    this.chunkSearch = search;
    return this;
  }

  static async forRepository(root: string, files: string[]): Promise<DefinitionFinder> {
    return new DefinitionFinder(new FileAnalysis(createRepoFiles(root, files)));
  }

  static forRepo(repo: RepoFiles): DefinitionFinder {
    return new DefinitionFinder(new FileAnalysis(repo));
  }

  /** A file changed on disk (`exists` false: deleted): its text, analysis and definitions are read again. */
  fileChanged(path: string, exists: boolean): void {
    this.analysis.fileChanged(path, exists);
    this.index.refresh(path);
  }

  async find(query: DefinitionQuery, limit = 10): Promise<DefinitionHit[]> {
    const language = languageForPath(query.path);
    if (!language) return [];
    const [references, imports] = await Promise.all([
      referencesNear(language, query.text, query.offset),
      this.analysis.imports(query.path, query.text),
    ]);
    const ranked = this.rank(query, references.slice(0, MAX_REFERENCES), imports);
    if (this.chunkSearch) await this.addRetrieved(query, ranked);
    return this.confirm(ranked, limit);
  }

  private rank(query: DefinitionQuery, references: Reference[], imports: ResolvedImport[]): Candidate[] {
    const bindings = new Map<string, string[]>();
    const bySource = new Map<string, string[]>();
    for (const resolved of imports) {
      if (resolved.files.length === 0) continue;
      bySource.set(resolved.statement.source, resolved.files);
      for (const name of boundNames(resolved)) bindings.set(name, [...(bindings.get(name) ?? []), ...resolved.files]);
    }
    const filesOf = (qualifier: string): string[] | undefined => {
      const compact = qualifier.replace(/\s+/g, '');
      const segments = compact.split(/\.|::/);
      return bySource.get(compact) ?? bindings.get(compact) ?? bindings.get(segments[segments.length - 1]!) ?? bindings.get(segments[0]!);
    };

    const candidates = new Map<IndexedDefinition, Candidate>();
    const add = (entry: IndexedDefinition, reason: DefinitionReason, closeness: number) => {
      if (entry.path === query.path) return;
      const score = REASON_WEIGHT[reason] * closeness;
      const existing = candidates.get(entry);
      if (!existing || existing.score < score) candidates.set(entry, { entry, reason, score });
    };
    const localNames = new Set(this.index.inFile(query.path).map((e) => e.name));
    const samePackage = this.analysis.resolver.samePackageFiles(query.path);

    // A qualifier right before the cursor (`re.`, `this.client.`) names the module being used.
    const before = query.text.slice(Math.max(0, query.offset - 120), query.offset);
    const cursorQualifier = QUALIFIER_BEFORE.exec(before)?.[1];
    if (cursorQualifier) {
      const files = filesOf(cursorQualifier);
      if (files) {
        const uses = memberUse(query.text, cursorQualifier);
        for (const file of files) {
          for (const entry of this.index.inFile(file)) {
            if (entry.hint === 'callable') add(entry, 'qualifier', 1 + (uses.get(entry.name) ?? 0));
          }
        }
      }
    }

    for (const [rank, ref] of references.entries()) {
      let closeness = 1 / (1 + rank * 0.25);
      const atCursor = ref.index + ref.name.length === query.offset || ref.index === query.offset;
      if (atCursor) closeness *= AT_CURSOR_BOOST;
      const wantsCallable = /^\s*\(/.test(query.text.slice(ref.index + ref.name.length, ref.index + ref.name.length + 8));
      const accept = (entry: IndexedDefinition) => entry.name === ref.name && (!wantsCallable || entry.hint === 'callable');
      const qualifier = QUALIFIER_BEFORE.exec(query.text.slice(Math.max(0, ref.index - 120), ref.index))?.[1];

      const viaImport = (qualifier ? filesOf(qualifier) : undefined) ?? bindings.get(ref.name);
      let found = false;
      for (const file of viaImport ?? []) {
        for (const entry of this.index.inFile(file)) {
          if (accept(entry)) {
            add(entry, 'import', closeness);
            found = true;
          }
        }
      }
      // A local definition of the name shadows the rest, unless the reference is qualified.
      if (found || (!qualifier && localNames.has(ref.name))) continue;
      for (const file of samePackage) {
        for (const entry of this.index.inFile(file)) if (accept(entry)) add(entry, 'same-package', closeness);
      }
      const byName = this.index
        .lookup(ref.name)
        .filter((entry) => accept(entry) && entry.path !== query.path && !samePackage.includes(entry.path))
        .map((entry) => ({ entry, near: proximity(entry.path, query.path) }))
        .sort((a, b) => b.near - a.near || a.entry.path.localeCompare(b.entry.path))
        .slice(0, NAME_MATCH_FILES);
      for (const { entry } of byName) add(entry, 'name-match', closeness);
    }

    // Imported callables not used near the cursor: likely what is about to be called.
    const near = new Set(references.map((r) => r.name));
    for (const resolved of imports) {
      const file = resolved.files[0];
      if (!file) continue;
      for (const name of resolved.statement.names) {
        if (name === '*' || name === 'default' || near.has(name)) continue;
        const uses = wordCount(query.text, name);
        for (const entry of this.index.inFile(file)) {
          if (entry.name === name && entry.hint === 'callable') add(entry, 'imported-unused', Math.min(uses, 6) / 6);
        }
      }
    }

    return [...candidates.values()].sort(
      (a, b) => b.score - a.score || a.entry.path.localeCompare(b.entry.path) || a.entry.line - b.entry.line,
    );
  }

  /**
   * Definitions whose chunks resemble the lines before the cursor (hybrid search). They rank
   * below anything linked by imports or names, and fill in when nothing is: mostly the case of a
   * call about to be typed.
   */
  private async addRetrieved(query: DefinitionQuery, ranked: Candidate[]): Promise<void> {
    const lineStart = query.text.lastIndexOf('\n', query.offset - 1);
    let from = lineStart;
    for (let i = 0; i < RETRIEVAL_QUERY_LINES && from > 0; i++) from = query.text.lastIndexOf('\n', from - 1);
    const text = query.text.slice(Math.max(0, from), query.offset);
    if (text.trim().length < 3) return;
    const hits = await this.chunkSearch!.search(text, { k: RETRIEVAL_RESULTS, exclude: (chunk) => chunk.path === query.path, lexicalOnly: true });
    const known = new Map(ranked.map((c) => [`${c.entry.path}:${c.entry.name}`, c]));
    for (const [rank, hit] of hits.entries()) {
      const symbol = hit.chunk.symbol;
      if (!symbol || !CALLABLE_KINDS.has(hit.chunk.kind ?? '')) continue;
      const name = symbol.slice(symbol.lastIndexOf('.') + 1);
      const existing = known.get(`${hit.chunk.path}:${name}`);
      // Agreement between the links to the cursor and similar code is worth more than either.
      if (existing) existing.score *= 1 + RETRIEVAL_AGREEMENT / (1 + rank);
      else ranked.push({ entry: { path: hit.chunk.path, name, line: hit.chunk.startLine - 1, hint: 'callable' }, reason: 'retrieved', score: REASON_WEIGHT.retrieved / (1 + rank) });
    }
    ranked.sort((a, b) => b.score - a.score || a.entry.path.localeCompare(b.entry.path) || a.entry.line - b.entry.line);
  }

  /**
   * Parses the best candidates' files to get exact definitions and drop index false positives.
   * Past CONFIRM_BUDGET_MS, files not parsed yet are read by indentation instead (their parse
   * goes on in the background for the next keystroke), so one request never stalls on a cold file.
   */
  private async confirm(ranked: Candidate[], limit: number): Promise<DefinitionHit[]> {
    const hits: DefinitionHit[] = [];
    const seen = new Set<string>();
    const deadline = performance.now() + CONFIRM_BUDGET_MS;
    for (const candidate of ranked) {
      if (hits.length >= limit) break;
      const { entry } = candidate;
      let symbols = this.analysis.symbolsIfReady(entry.path);
      // One parse of a long file costs more than the whole budget: read it by indentation now.
      const small = (this.analysis.repo.read(entry.path)?.length ?? 0) <= INLINE_PARSE_MAX_CHARS;
      if (!symbols && small && performance.now() < deadline) symbols = await this.analysis.symbols(entry.path);
      if (!symbols) {
        const text = this.analysis.repo.read(entry.path);
        if (text === undefined) continue;
        const approximate = approximateDefinition(text, entry);
        const key = `${entry.path}:${approximate.range.startLine}`;
        if (seen.has(key)) continue;
        seen.add(key);
        hits.push({ path: entry.path, symbol: approximate, name: entry.name, reason: candidate.reason, score: candidate.score });
        continue;
      }
      const named = symbols.filter((d) => d.name === entry.name);
      if (named.length === 0) continue;
      const symbol = named.reduce((best, d) =>
        Math.abs(d.range.startLine - entry.line) < Math.abs(best.range.startLine - entry.line) ? d : best,
      );
      const key = `${entry.path}:${symbol.range.startLine}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ path: entry.path, symbol, name: entry.name, reason: candidate.reason, score: candidate.score });
    }
    return hits;
  }
}
