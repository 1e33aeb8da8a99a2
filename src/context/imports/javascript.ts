/**
 * TypeScript, TSX and JavaScript imports. Conventions for `names`: the default import is
 * 'default', named imports are the exported names (not local aliases), `export *` is '*', and a
 * namespace binding (`import * as ns`, `export * as ns`, `const x = require()`, `import x =
 * require()`) sets `alias` with no names.
 */
import type { Node } from 'web-tree-sitter';
import type { LanguageId } from '../languages.js';
import type { ImportStatement } from '../types.js';
import { configFor, mappedPaths, packageTargets, workspacePackage } from './js-config.js';
import { definingFile } from './js-exports.js';
import { collectImports, dirname, joinPath, stringContent, unique, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = `
(import_statement) @import
(export_statement source: (_)) @export
(call_expression function: (identifier) @fn (#eq? @fn "require") arguments: (arguments . (string))) @require
(call_expression function: (import) arguments: (arguments . (string))) @dynamic
`;

/** Names and alias from what a require() or import() result is assigned to. */
function binding(call: Node): { names: string[]; alias?: string } {
  let parent = call.parent;
  if (parent?.type === 'await_expression') parent = parent.parent;
  if (parent?.type === 'member_expression') {
    const property = parent.childForFieldName('property');
    return { names: property ? [property.text] : [] };
  }
  if (parent?.type !== 'variable_declarator') return { names: [] };
  const target = parent.childForFieldName('name');
  if (target?.type === 'identifier') return { names: [], alias: target.text };
  if (target?.type !== 'object_pattern') return { names: [] };
  const names: string[] = [];
  for (const child of target.namedChildren) {
    if (child?.type === 'shorthand_property_identifier_pattern') names.push(child.text);
    else if (child?.type === 'pair_pattern') {
      const key = child.childForFieldName('key');
      if (key) names.push(key.text);
    }
  }
  return { names };
}

function importStatement(node: Node, out: ImportStatement[]): void {
  const line = node.startPosition.row;
  const requireClause = node.namedChildren.find((child) => child?.type === 'import_require_clause');
  if (requireClause) {
    const source = requireClause.childForFieldName('source');
    const name = requireClause.namedChildren.find((child) => child?.type === 'identifier');
    if (source) out.push({ source: stringContent(source), names: [], ...(name ? { alias: name.text } : {}), line });
    return;
  }
  const source = node.childForFieldName('source');
  if (!source) return;
  const names: string[] = [];
  let alias: string | undefined;
  const clause = node.namedChildren.find((child) => child?.type === 'import_clause');
  for (const part of clause?.namedChildren ?? []) {
    if (part?.type === 'identifier') names.push('default');
    else if (part?.type === 'namespace_import') alias = part.namedChildren.find((child) => child?.type === 'identifier')?.text;
    else if (part?.type === 'named_imports') {
      for (const specifier of part.namedChildren) {
        const name = specifier?.type === 'import_specifier' ? specifier.childForFieldName('name') : undefined;
        if (name) names.push(stringContent(name));
      }
    }
  }
  out.push({ source: stringContent(source), names, ...(alias ? { alias } : {}), line });
}

function exportStatement(node: Node, out: ImportStatement[]): void {
  const source = node.childForFieldName('source');
  if (!source) return;
  const line = node.startPosition.row;
  const namespace = node.namedChildren.find((child) => child?.type === 'namespace_export');
  const clause = node.namedChildren.find((child) => child?.type === 'export_clause');
  if (namespace) {
    const alias = namespace.namedChildren[0]?.text;
    out.push({ source: stringContent(source), names: [], ...(alias ? { alias } : {}), line });
  } else if (clause) {
    const names: string[] = [];
    for (const specifier of clause.namedChildren) {
      const name = specifier?.type === 'export_specifier' ? specifier.childForFieldName('name') : undefined;
      if (name) names.push(stringContent(name));
    }
    out.push({ source: stringContent(source), names, line });
  } else {
    out.push({ source: stringContent(source), names: ['*'], line });
  }
}

function visit(name: string, node: Node, out: ImportStatement[]): void {
  if (name === 'import') importStatement(node, out);
  else if (name === 'export') exportStatement(node, out);
  else if (name === 'require' || name === 'dynamic') {
    const argument = node.childForFieldName('arguments')?.namedChildren[0];
    if (argument) out.push({ source: stringContent(argument), ...binding(node), line: node.startPosition.row });
  }
}

const EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
/** TypeScript sources that an emitted-JS specifier stands for (`./x.js` written in TS means `./x.ts`). */
const SOURCE_FOR_OUTPUT: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};

/** The file a path-like specifier lands on: exact, with an extension, or a directory index. */
function probe(index: RepoIndex, base: string, preferSource: boolean): string | undefined {
  const emitted = /\.[cm]?jsx?$/.exec(base)?.[0];
  const sources = emitted ? SOURCE_FOR_OUTPUT[emitted]!.map((ext) => base.slice(0, -emitted.length) + ext) : [];
  const ordered = preferSource ? [...sources, base] : [base, ...sources];
  for (const candidate of ordered) if (index.has(candidate)) return candidate;
  for (const ext of EXTENSIONS) if (index.has(base + ext)) return base + ext;
  const prefix = base === '' ? 'index' : `${base}/index`;
  for (const ext of EXTENSIONS) if (index.has(prefix + ext)) return prefix + ext;
  return undefined;
}

/** Build output is rarely in the repository; its source usually sits under src/ with a TS extension. */
function sourceOf(dir: string, target: string): string | undefined {
  const rewritten = target.replace(/^\.?\/?(?:dist|lib|build|out|esm|cjs)\//, 'src/').replace(/\.d\.([cm]?)ts$/, '.$1js');
  return rewritten === target ? undefined : joinPath(dir, rewritten);
}

function resolveWorkspace(index: RepoIndex, specifier: string, preferSource: boolean): string | undefined {
  const pkg = workspacePackage(index, specifier);
  if (!pkg) return undefined;
  for (const target of packageTargets(pkg)) {
    const path = joinPath(pkg.dir, target);
    const found = (path !== undefined ? probe(index, path, preferSource) : undefined) ?? mapDefined(sourceOf(pkg.dir, target), (source) => probe(index, source, true));
    if (found) return found;
  }
  const guesses = pkg.subpath === '' ? [joinPath(pkg.dir, 'src/index'), joinPath(pkg.dir, 'index')] : [joinPath(pkg.dir, pkg.subpath), joinPath(pkg.dir, 'src', pkg.subpath)];
  for (const guess of guesses) {
    const found = guess === undefined ? undefined : probe(index, guess, preferSource);
    if (found) return found;
  }
  return undefined;
}

function mapDefined<T, U>(value: T | undefined, map: (value: T) => U | undefined): U | undefined {
  return value === undefined ? undefined : map(value);
}

/** The one file a specifier means from `fromPath`; undefined for packages outside the repository. */
export function resolveSpecifier(index: RepoIndex, fromPath: string, raw: string, preferSource: boolean): string | undefined {
  const specifier = raw.replace(/\?.*$/, '');
  if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
    const base = joinPath(dirname(fromPath), specifier);
    return base === undefined ? undefined : probe(index, base, preferSource);
  }
  if (specifier === '' || specifier.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const config = configFor(index, fromPath);
  if (config) {
    for (const path of mappedPaths(config, specifier)) {
      const found = probe(index, path, preferSource);
      if (found) return found;
    }
    if (config.baseUrl !== undefined) {
      const path = joinPath(config.baseUrl, specifier);
      const found = path === undefined ? undefined : probe(index, path, preferSource);
      if (found) return found;
    }
  }
  return resolveWorkspace(index, specifier, preferSource);
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement, language: LanguageId): string[] {
  const preferSource = language !== 'javascript';
  const file = resolveSpecifier(index, fromPath, statement.source, preferSource);
  if (!file) return [];
  const follow = (from: string, specifier: string) => resolveSpecifier(index, from, specifier, true);
  const defining = statement.names.filter((name) => name !== '*').map((name) => definingFile(index, file, name, follow));
  return unique([...defining, file]);
}

export const javascript: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve,
};
