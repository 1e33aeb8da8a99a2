/**
 * Java imports. `import a.b.C;` → source 'a.b.C'; `import a.b.*;` → 'a.b' with names ['*'];
 * `import static a.b.C.m;` → 'a.b.C' with names ['m'] (and '*' for a static wildcard), so the
 * source is always a class or a package and the resolver tries the class first.
 * Source roots (src/main/java, src/test/java, plain src/) are not configured anywhere, so paths
 * are matched by suffix.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { basename, byProximity, collectImports, dirname, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = '(import_declaration) @import';

function visit(_name: string, node: Node, out: ImportStatement[]): void {
  const path = node.namedChildren.find((child) => child?.type === 'scoped_identifier' || child?.type === 'identifier');
  if (!path) return;
  const isStatic = node.children.some((child) => child?.type === 'static');
  const wildcard = node.namedChildren.some((child) => child?.type === 'asterisk');
  const dotted = path.text.replace(/\s+/g, '');
  const line = node.startPosition.row;
  if (wildcard) out.push({ source: dotted, names: ['*'], line });
  else if (isStatic) {
    const split = dotted.lastIndexOf('.');
    out.push({ source: dotted.slice(0, split), names: [dotted.slice(split + 1)], line });
  } else out.push({ source: dotted, names: [], line });
}

/**
 * The file of a class, walking out of nested classes (a.b.C.Inner lives in a/b/C.java) but never
 * up into the package: enclosing classes are the capitalised segments.
 */
function classFiles(index: RepoIndex, fromPath: string, dotted: string): string[] {
  const segments = dotted.split('.');
  for (let length = segments.length; length >= 1; length--) {
    if (length < segments.length && !/^[A-Z]/.test(segments[length - 1]!)) break;
    const matches = index.withSuffix(`${segments.slice(0, length).join('/')}.java`);
    if (matches.length > 0) return byProximity(fromPath, matches);
  }
  return [];
}

function packageFiles(index: RepoIndex, fromPath: string, dotted: string): string[] {
  // Keyed by the last folder name so a wildcard import only compares against a handful of directories.
  const directories = index.memo('java:dirs', () => {
    const byLast = new Map<string, string[]>();
    for (const dir of index.directoriesWithFiles()) {
      if (!index.filesIn(dir).some((path) => path.endsWith('.java'))) continue;
      const last = basename(dir);
      byLast.set(last, [...(byLast.get(last) ?? []), dir]);
    }
    return byLast;
  });
  const suffix = dotted.replace(/\./g, '/');
  const matching = (directories.get(basename(suffix)) ?? []).filter((dir) => dir === suffix || dir.endsWith(`/${suffix}`));
  return byProximity(fromPath, matching.flatMap((dir) => index.filesIn(dir).filter((path) => path.endsWith('.java'))));
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement): string[] {
  if (statement.names.includes('*')) {
    // `a.b.*` names a package, `static a.b.C.*` a class: only the class reading has a file of that name.
    const asClass = index.withSuffix(`${statement.source.replace(/\./g, '/')}.java`);
    return asClass.length > 0 ? byProximity(fromPath, asClass) : packageFiles(index, fromPath, statement.source);
  }
  return classFiles(index, fromPath, statement.source);
}

export function javaSamePackage(index: RepoIndex, fromPath: string): string[] {
  return index.filesIn(dirname(fromPath)).filter((path) => path !== fromPath && path.endsWith('.java'));
}

export const java: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
