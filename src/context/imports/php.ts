/**
 * PHP `use` and `require`/`include`. Conventions:
 * - `use A\B\C;` → source 'A\B\C', names [] (one statement per class, group uses expanded);
 * - `use function A\b\f;` / `use const A\B\K;` → source 'A\b', names ['f'];
 * - `require 'x.php'` → 'x.php'; `__DIR__ . '/x.php'` → './x.php'; `dirname(__DIR__) . '/x.php'`
 *   → '../x.php'. Other computed paths are skipped. A source with a '/' or a PHP extension is a
 *   path; anything else is a namespace.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { byProximity, collectImports, dirname, joinPath, stringContent, unique, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = `
(namespace_use_declaration) @use
[(require_expression) (require_once_expression) (include_expression) (include_once_expression)] @require
`;

const hasKeyword = (node: Node) => node.children.some((child) => child?.type === 'function' || child?.type === 'const');
const clean = (text: string) => text.replace(/\s+/g, '').replace(/^\\/, '');

function useDeclaration(node: Node, out: ImportStatement[]): void {
  const line = node.startPosition.row;
  const prefix = node.namedChildren.find((child) => child?.type === 'namespace_name');
  const group = node.childForFieldName('body');
  const declarationKind = hasKeyword(node);
  const clauses = (group ?? node).namedChildren.filter((child) => child?.type === 'namespace_use_clause');
  for (const clause of clauses) {
    const target = clause!.namedChildren.find((child) => child?.type === 'qualified_name' || child?.type === 'name');
    if (!target) continue;
    const alias = clause!.childForFieldName('alias');
    const full = prefix ? `${clean(prefix.text)}\\${clean(target.text)}` : clean(target.text);
    if (declarationKind || hasKeyword(clause!)) {
      const split = full.lastIndexOf('\\');
      out.push({ source: split < 0 ? '' : full.slice(0, split), names: [full.slice(split + 1)], ...(alias ? { alias: alias.text } : {}), line });
    } else {
      out.push({ source: full, names: [], ...(alias ? { alias: alias.text } : {}), line });
    }
  }
}

function literalPath(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'parenthesized_expression') return literalPath(node.namedChildren[0]);
  if (node.type === 'string' || node.type === 'encapsed_string') {
    if (node.namedChildren.some((child) => child && child.type !== 'string_content')) return undefined;
    return stringContent(node);
  }
  if (node.type !== 'binary_expression') return undefined;
  const left = node.childForFieldName('left');
  const right = literalPath(node.childForFieldName('right'));
  if (!left || right === undefined) return undefined;
  const tail = right.replace(/^\/+/, '');
  if (left.text === '__DIR__') return tail.startsWith('../') ? tail : `./${tail}`;
  if (/^dirname\(__DIR__\)$/.test(left.text.replace(/\s+/g, ''))) return `../${tail}`;
  return undefined;
}

function visit(name: string, node: Node, out: ImportStatement[]): void {
  if (name === 'use') return useDeclaration(node, out);
  const source = literalPath(node.namedChildren[0]);
  if (source) out.push({ source, names: [], line: node.startPosition.row });
}

interface Autoload {
  prefix: string;
  dirs: string[];
  /** PSR-0 keeps the whole namespace in the path; PSR-4 drops the prefix. */
  psr0: boolean;
}

function composer(index: RepoIndex): { autoload: Autoload[]; files: string[] } {
  return index.memo('php:composer', () => {
    const autoload: Autoload[] = [];
    const files: string[] = [];
    for (const manifest of index.withBasename('composer.json')) {
      if (manifest.includes('vendor/')) continue;
      let json: unknown;
      try {
        json = JSON.parse(index.read(manifest) ?? '');
      } catch {
        continue;
      }
      const dir = dirname(manifest);
      for (const section of ['autoload', 'autoload-dev']) {
        const block = (json as Record<string, Record<string, unknown> | undefined>)[section];
        if (!block) continue;
        for (const [kind, psr0] of [['psr-4', false], ['psr-0', true]] as const) {
          for (const [prefix, value] of Object.entries((block[kind] ?? {}) as Record<string, unknown>)) {
            const targets = (Array.isArray(value) ? value : [value]).filter((target): target is string => typeof target === 'string');
            autoload.push({ prefix, psr0, dirs: targets.map((target) => joinPath(dir, target)).filter((path): path is string => path !== undefined) });
          }
        }
        if (Array.isArray(block.files)) for (const file of block.files) if (typeof file === 'string') files.push(joinPath(dir, file) ?? file);
      }
    }
    autoload.sort((a, b) => b.prefix.length - a.prefix.length);
    return { autoload, files };
  });
}

/** Where the autoloader would look for a class, or the directories of a namespace (`suffix` ''). */
function autoloadPaths(index: RepoIndex, name: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of composer(index).autoload) {
    if (!name.startsWith(entry.prefix) && `${name}\\` !== entry.prefix) continue;
    const relative = (entry.psr0 ? name : name.slice(entry.prefix.length)).replace(/\\/g, '/');
    for (const dir of entry.dirs) {
      const path = joinPath(dir, relative + suffix);
      if (path !== undefined) out.push(path);
    }
  }
  return out;
}

function resolveClass(index: RepoIndex, fromPath: string, name: string): string[] {
  const mapped = autoloadPaths(index, name, '.php').filter((path) => index.has(path));
  if (mapped.length > 0) return unique(mapped);
  // Without an autoload map, guess from the path: the longest namespace tail that some file ends with.
  const segments = name.split('\\');
  for (let length = segments.length; length >= Math.min(2, segments.length); length--) {
    const matches = index.withSuffix(`${segments.slice(-length).join('/')}.php`);
    if (matches.length > 0) return byProximity(fromPath, matches);
  }
  return [];
}

function resolveFunction(index: RepoIndex, namespace: string, name: string): string[] {
  const dirs = autoloadPaths(index, namespace, '');
  const candidates = unique([...dirs.flatMap((dir) => index.filesIn(dir).filter((path) => path.endsWith('.php'))), ...composer(index).files]);
  const escaped = name.replace(/[^\w]/g, '');
  const declares = new RegExp(`\\bfunction\\s+&?${escaped}\\s*\\(|\\bconst\\s+${escaped}\\b|define\\(\\s*['"]${escaped}['"]`);
  return candidates.filter((path) => declares.test(index.read(path) ?? ''));
}

export function isPathSource(source: string): boolean {
  return source.includes('/') || /\.(php|inc|phtml)$/i.test(source);
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement): string[] {
  const source = statement.source;
  if (statement.names.length > 0) return resolveFunction(index, source, statement.names[0]!);
  if (!isPathSource(source)) return resolveClass(index, fromPath, source);
  const candidates = source.startsWith('./') || source.startsWith('../') ? [joinPath(dirname(fromPath), source)] : [joinPath(dirname(fromPath), source), joinPath(source)];
  return unique(candidates.filter((path) => path !== undefined && index.has(path))).slice(0, 1);
}

export const php: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
