/**
 * C and C++ `#include`. A quoted include's source is the path as written ('util/x.h'); a system
 * include keeps its angle brackets ('<stdio.h>'), which is how the resolver knows to skip it unless
 * a repository file ends with that path. Includes named by a macro are not recorded.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { basename, byProximity, collectImports, dirname, directoriesByProximity, joinPath, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = '(preproc_include) @include';

function visit(_name: string, node: Node, out: ImportStatement[]): void {
  const path = node.childForFieldName('path');
  const line = node.startPosition.row;
  if (path?.type === 'system_lib_string') out.push({ source: path.text.trim(), names: [], line });
  else if (path?.type === 'string_literal') {
    const content = path.namedChildren.find((child) => child?.type === 'string_content')?.text ?? '';
    if (content) out.push({ source: content, names: [], line });
  }
}

export function isSystemInclude(source: string): boolean {
  return source.startsWith('<') && source.endsWith('>');
}

/** Directories a build would likely pass with -I: every `include/` directory in the repository. */
function includeDirectories(index: RepoIndex): string[] {
  return index.memo('c:include-dirs', () => {
    const dirs = new Set<string>();
    for (const dir of index.directoriesWithFiles()) {
      const segments = dir.split('/');
      const at = segments.lastIndexOf('include');
      if (at >= 0) dirs.add(segments.slice(0, at + 1).join('/'));
    }
    return [...dirs].sort();
  });
}

/** Repository files ending with the include path; `../` prefixes say nothing about where that is. */
function bySuffix(index: RepoIndex, fromPath: string, path: string): string[] {
  const suffix = path.replace(/^(?:\.\.?\/)+/, '');
  if (suffix === '' || basename(suffix) === '') return [];
  return byProximity(fromPath, index.withSuffix(suffix));
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement): string[] {
  if (isSystemInclude(statement.source)) return bySuffix(index, fromPath, statement.source.slice(1, -1).trim());
  const path = statement.source;
  // The compiler's own order: the including file's directory, then the -I directories.
  const local = joinPath(dirname(fromPath), path);
  if (local !== undefined && index.has(local)) return [local];
  for (const dir of directoriesByProximity(fromPath, includeDirectories(index))) {
    const candidate = joinPath(dir, path);
    if (candidate !== undefined && index.has(candidate)) return [candidate];
  }
  return bySuffix(index, fromPath, path);
}

export const c: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
