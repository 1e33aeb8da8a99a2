/**
 * C# `using` directives. `using A.B;` → source 'A.B'; `using static A.B.C;` → 'A.B.C' with names
 * ['*'] (every static member of the type); `using X = A.B.C;` → 'A.B.C' with alias 'X';
 * `global using` reads the same. Namespaces need not follow folders, so resolution goes through
 * the `namespace` declarations of the repository's .cs files.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { basename, collectImports, dirname, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = '(using_directive) @using';
const NAME_TYPES = new Set(['qualified_name', 'identifier', 'alias_qualified_name', 'generic_name']);

function visit(_name: string, node: Node, out: ImportStatement[]): void {
  const alias = node.childForFieldName('name');
  const path = node.namedChildren.find((child) => child && NAME_TYPES.has(child.type) && child.startIndex !== alias?.startIndex);
  if (!path) return;
  const source = path.text.replace(/\s+/g, '').replace(/^global::/, '');
  const isStatic = node.children.some((child) => child?.type === 'static');
  out.push({ source, names: isStatic ? ['*'] : [], ...(alias ? { alias: alias.text } : {}), line: node.startPosition.row });
}

/**
 * Namespace → files declaring it, from a cheap regex over every .cs file (block and file-scoped
 * forms). Built once per resolver, on the first C# lookup.
 */
function namespaces(index: RepoIndex): Map<string, string[]> {
  return index.memo('csharp:namespaces', () => {
    const byName = new Map<string, string[]>();
    for (const dir of index.directoriesWithFiles()) {
      for (const path of index.filesIn(dir)) {
        if (!path.endsWith('.cs')) continue;
        for (const match of (index.read(path) ?? '').matchAll(/^\s*namespace\s+([\w.]+)/gm)) {
          let files = byName.get(match[1]!);
          if (!files) byName.set(match[1]!, (files = []));
          if (!files.includes(path)) files.push(path);
        }
      }
    }
    return byName;
  });
}

function declaresType(index: RepoIndex, path: string, name: string): boolean {
  const types = index.memo(`csharp:types:${path}`, () => {
    const found = new Set<string>();
    for (const match of (index.read(path) ?? '').matchAll(/\b(?:class|struct|interface|enum|record)\s+(\w+)/g)) found.add(match[1]!);
    return found;
  });
  return types.has(name);
}

/** How many trailing folder names agree with the trailing namespace segments. */
function folderAgreement(path: string, namespace: string): number {
  const folders = dirname(path).split('/');
  const segments = namespace.split('.');
  let count = 0;
  while (count < folders.length && count < segments.length && folders[folders.length - 1 - count] === segments[segments.length - 1 - count]) count++;
  return count;
}

function resolve(index: RepoIndex, _fromPath: string, statement: ImportStatement): string[] {
  const all = namespaces(index);
  const source = statement.source;
  const direct = all.get(source);
  if (direct) {
    return [...direct].sort((a, b) => folderAgreement(b, source) - folderAgreement(a, source) || (a < b ? -1 : 1));
  }
  // Not a namespace: a type (static using or alias), found in its namespace's files.
  const split = source.lastIndexOf('.');
  if (split < 0) return [];
  const type = source.slice(split + 1).replace(/<.*$/, '');
  const declaring = (all.get(source.slice(0, split)) ?? []).filter((path) => declaresType(index, path, type));
  const named = (path: string) => (basename(path) === `${type}.cs` ? 0 : 1);
  return declaring.sort((a, b) => named(a) - named(b) || (a < b ? -1 : 1));
}

export const csharp: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
