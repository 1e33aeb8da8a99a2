/**
 * Go imports name packages, i.e. directories. An import path resolves through the module paths of
 * the repository's go.mod files (the nearest one above the importer, and any other module in a
 * multi-module repository), then through a vendor/ directory.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { collectImports, dirname, isWithin, joinPath, stringContent, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = '(import_spec) @spec';

function visit(_name: string, node: Node, out: ImportStatement[]): void {
  const path = node.childForFieldName('path');
  if (!path) return;
  const name = node.childForFieldName('name');
  out.push({ source: stringContent(path), names: [], ...(name ? { alias: name.text } : {}), line: node.startPosition.row });
}

interface GoModule {
  dir: string;
  path: string;
}

function modules(index: RepoIndex): GoModule[] {
  return index.memo('go:modules', () => {
    const out: GoModule[] = [];
    for (const file of index.withBasename('go.mod')) {
      const match = /^\s*module\s+"?([^\s"]+)"?/m.exec(index.read(file) ?? '');
      if (match) out.push({ dir: dirname(file), path: match[1]! });
    }
    return out;
  });
}

export function isGoTest(path: string): boolean {
  return path.endsWith('_test.go');
}

/** The package's files in `dir`, tests left out: they are not part of what an importer sees. */
function packageFiles(index: RepoIndex, dir: string): string[] {
  return index.filesIn(dir).filter((path) => path.endsWith('.go') && !isGoTest(path));
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement): string[] {
  const importPath = statement.source;
  const all = modules(index);
  // The importer's own module first, then the longest module path that prefixes the import.
  const own = all.filter((module) => isWithin(fromPath, module.dir)).sort((a, b) => b.dir.length - a.dir.length)[0];
  const candidates = [...(own ? [own] : []), ...[...all].sort((a, b) => b.path.length - a.path.length)];
  for (const module of candidates) {
    if (importPath !== module.path && !importPath.startsWith(`${module.path}/`)) continue;
    const dir = joinPath(module.dir, importPath.slice(module.path.length));
    const files = dir === undefined ? [] : packageFiles(index, dir);
    if (files.length > 0) return files;
  }
  const vendorRoot = own?.dir ?? '';
  const vendored = joinPath(vendorRoot, 'vendor', importPath);
  return vendored === undefined ? [] : packageFiles(index, vendored);
}

/** The other files of the importer's package; test files join only when asking from a test. */
export function goSamePackage(index: RepoIndex, fromPath: string): string[] {
  const fromTest = isGoTest(fromPath);
  return index.filesIn(dirname(fromPath)).filter((path) => path !== fromPath && path.endsWith('.go') && (fromTest || !isGoTest(path)));
}

export const go: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
