/**
 * Swift imports name modules. `import Module` and `import Module.Sub` → source as written;
 * `import struct Module.Thing` (any declaration kind) → source 'Module', names ['Thing'].
 * Resolution is best effort for SwiftPM layouts: a module is the .swift files under
 * `Sources/<Module>/` (or a directory of that name holding Swift files when there is no Sources/).
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { basename, collectImports, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = '(import_declaration) @import';
const KINDS = new Set(['typealias', 'struct', 'class', 'enum', 'protocol', 'let', 'var', 'func']);

function visit(_name: string, node: Node, out: ImportStatement[]): void {
  const path = node.namedChildren.find((child) => child?.type === 'identifier');
  if (!path) return;
  const dotted = path.text.replace(/\s+/g, '');
  const line = node.startPosition.row;
  if (node.children.some((child) => child && !child.isNamed && KINDS.has(child.type))) {
    const split = dotted.lastIndexOf('.');
    out.push({ source: dotted.slice(0, split), names: [dotted.slice(split + 1)], line });
  } else out.push({ source: dotted, names: [], line });
}

/** Module name → its Swift files, sorted. */
function modules(index: RepoIndex): Map<string, string[]> {
  return index.memo('swift:modules', () => {
    const bySources = new Map<string, string[]>();
    const byFolder = new Map<string, string[]>();
    for (const dir of index.directoriesWithFiles()) {
      const swift = index.filesIn(dir).filter((path) => path.endsWith('.swift'));
      if (swift.length === 0) continue;
      const segments = dir.split('/');
      const at = segments.lastIndexOf('Sources');
      const add = (map: Map<string, string[]>, name: string) => map.set(name, [...(map.get(name) ?? []), ...swift]);
      if (at >= 0 && at + 1 < segments.length) add(bySources, segments[at + 1]!);
      else add(byFolder, segments.at(-1)!);
    }
    for (const [name, files] of byFolder) if (!bySources.has(name)) bySources.set(name, files);
    for (const files of bySources.values()) files.sort();
    return bySources;
  });
}

function resolve(index: RepoIndex, statement: ImportStatement): string[] {
  const files = modules(index).get(statement.source.split('.')[0]!) ?? [];
  const wanted = statement.names[0];
  if (!wanted) return files;
  // The file named after the imported declaration is the likeliest home of it.
  return [...files].sort((a, b) => Number(basename(b) === `${wanted}.swift`) - Number(basename(a) === `${wanted}.swift`));
}

export const swift: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, _fromPath, statement) => resolve(index, statement),
};
