/**
 * Targets for the scriptable commands (explain, test, fix, review): `path`, `path:START-END`
 * (1-based lines, inclusive) and `path#symbol` (`Class.method` or a bare name), resolved with the
 * context engine. An unknown symbol is an error that lists the closest names in the file.
 */
import { languageForPath } from '../../context/languages.js';
import { readSource } from '../../context/source-file.js';
import { extractSymbols } from '../../context/symbols.js';
import type { SymbolDef } from '../../context/types.js';
import { editDistance } from '../../util/edit-distance.js';

export interface TargetSpec {
  file: string;
  lines?: { start: number; end: number };
  symbol?: string;
}

export interface ResolvedTarget {
  /** Repository-relative POSIX path. */
  path: string;
  text: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The code the target names (the whole file for a bare path). */
  code: string;
  symbol?: SymbolDef;
}

/** A target that cannot be resolved; `exitCode` 2 marks it as the user's to fix. */
export class TargetError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export function parseTarget(spec: string): TargetSpec {
  const hash = spec.lastIndexOf('#');
  if (hash > 0) {
    const symbol = spec.slice(hash + 1).trim();
    if (symbol === '') throw new TargetError(`"${spec}" names no symbol after #; write e.g. src/app.py#handler`);
    return { file: spec.slice(0, hash), symbol };
  }
  const range = /^(.*):(\d+)(?:-(\d+))?$/.exec(spec);
  if (range) {
    const start = Number(range[2]);
    const end = range[3] === undefined ? start : Number(range[3]);
    if (start < 1 || end < start) throw new TargetError(`"${spec}": lines must be 1-based and START ≤ END, e.g. src/app.py:10-40`);
    return { file: range[1]!, lines: { start, end } };
  }
  return { file: spec };
}

export async function resolveTarget(root: string, cwd: string, spec: string): Promise<ResolvedTarget> {
  const parsed = parseTarget(spec);
  const { path, text } = readSource(root, cwd, parsed.file, (message) => new TargetError(message));
  const lines = text.split('\n');
  const lastLine = text.endsWith('\n') ? lines.length - 1 : lines.length;
  if (parsed.lines) {
    if (parsed.lines.start > lastLine) throw new TargetError(`${path} has ${lastLine} lines; line ${parsed.lines.start} is past its end`);
    const endLine = Math.min(parsed.lines.end, lastLine);
    return { path, text, startLine: parsed.lines.start, endLine, code: lines.slice(parsed.lines.start - 1, endLine).join('\n') };
  }
  if (parsed.symbol) {
    const symbol = await findSymbol(path, text, parsed.symbol);
    const startLine = symbol.range.startLine + 1;
    const endLine = symbol.range.endLine + 1;
    return { path, text, startLine, endLine, code: text.slice(symbol.range.startIndex, symbol.range.endIndex), symbol };
  }
  return { path, text, startLine: 1, endLine: Math.max(1, lastLine), code: text };
}

/** `name`, or `Container.name` matched against the symbol's container chain. */
async function findSymbol(path: string, text: string, wanted: string): Promise<SymbolDef> {
  const language = languageForPath(path);
  if (!language) throw new TargetError(`${path} is not in a language inline parses, so #${wanted} cannot be found; use ${path}:START-END`);
  const symbols = await extractSymbols(language, text);
  const qualified = (s: SymbolDef) => (s.container ? `${s.container}.${s.name}` : s.name);
  const exact = symbols.filter((s) => qualified(s) === wanted || (!wanted.includes('.') && s.name === wanted));
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) {
    const where = exact.map((s) => `${qualified(s)} (line ${s.range.startLine + 1})`).join(', ');
    throw new TargetError(`#${wanted} is ambiguous in ${path}: ${where}; qualify it, e.g. #${qualified(exact[0]!)}`);
  }
  const close = closestNames(wanted, [...new Set(symbols.map(qualified))]);
  const hint = close.length > 0 ? ` Did you mean: ${close.join(', ')}?` : symbols.length === 0 ? ' It defines nothing inline can see.' : '';
  throw new TargetError(`${path} has no symbol ${wanted}.${hint}`);
}

/** Up to five names nearest to `wanted` by edit distance (case-insensitive), names containing it first. */
export function closestNames(wanted: string, names: string[]): string[] {
  const w = wanted.toLowerCase();
  return names
    .map((name) => {
      const n = name.toLowerCase();
      const tail = n.slice(n.lastIndexOf('.') + 1);
      const score = n.includes(w) ? -1 : Math.min(editDistance(w, n), editDistance(w, tail));
      return { name, score };
    })
    .filter(({ score }) => score <= Math.max(2, Math.floor(w.length / 3)))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, 5)
    .map(({ name }) => name);
}
