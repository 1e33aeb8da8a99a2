/**
 * Ruby `require`, `require_relative`, `load` and `autoload`. `require_relative 'x'` is recorded
 * with a './' prefix ('./x'; '../x' stays as written) so that the source alone tells a relative
 * require from a load-path one. `autoload :Name, 'x'` puts the constant in `names`.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { collectImports, dirname, directoriesByProximity, joinPath, unique, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = `(call method: (identifier) @method (#any-of? @method "require" "require_relative" "load" "autoload") arguments: (argument_list)) @call`;

function visit(name: string, node: Node, out: ImportStatement[]): void {
  if (name !== 'call' || node.childForFieldName('receiver')) return;
  const method = node.childForFieldName('method')?.text;
  const args = node.childForFieldName('arguments')?.namedChildren ?? [];
  const literal = args.find((arg) => arg?.type === 'string');
  // Interpolated paths cannot be resolved statically.
  if (!literal || literal.namedChildren.some((child) => child?.type === 'interpolation')) return;
  let source = literal.namedChildren.map((child) => child?.text ?? '').join('');
  if (!source) return;
  if (method === 'require_relative' && !source.startsWith('.') && !source.startsWith('/')) source = `./${source}`;
  const names: string[] = [];
  if (method === 'autoload') {
    const symbol = args.find((arg) => arg?.type === 'simple_symbol');
    if (symbol) names.push(symbol.text.replace(/^:/, ''));
  }
  out.push({ source, names, line: node.startPosition.row });
}

const withExtension = (path: string) => (path.endsWith('.rb') ? path : `${path}.rb`);

/** Every lib/ directory: the load path of the repository's gems. */
function libDirectories(index: RepoIndex): string[] {
  return index.memo('ruby:lib-dirs', () => {
    const dirs = new Set<string>();
    for (const dir of index.directoriesWithFiles()) {
      const segments = dir.split('/');
      const at = segments.lastIndexOf('lib');
      if (at >= 0) dirs.add(segments.slice(0, at + 1).join('/'));
    }
    return [...dirs].sort();
  });
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement): string[] {
  const source = statement.source;
  if (source.startsWith('./') || source.startsWith('../')) {
    const path = joinPath(dirname(fromPath), withExtension(source));
    return path !== undefined && index.has(path) ? [path] : [];
  }
  const file = withExtension(source);
  const candidates = directoriesByProximity(fromPath, libDirectories(index)).map((dir) => joinPath(dir, file));
  candidates.push(joinPath(file));
  return unique(candidates.filter((path) => path !== undefined && index.has(path)));
}

export const ruby: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
