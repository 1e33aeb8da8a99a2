/**
 * Python imports. Relative imports keep their dots in `source` ('..pkg.mod', '.'), so the
 * resolver needs nothing but the statement and the importing path.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { collectImports, dirname, isWithin, joinPath, unique, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = '[(import_statement) (import_from_statement)] @import';

function dottedName(node: Node): string {
  return node.text.replace(/\s+/g, '');
}

function visit(_name: string, node: Node, out: ImportStatement[]): void {
  const line = node.startPosition.row;
  if (node.type === 'import_statement') {
    for (const child of node.childrenForFieldName('name')) {
      if (child.type === 'aliased_import') {
        const name = child.childForFieldName('name');
        const alias = child.childForFieldName('alias');
        if (name) out.push({ source: dottedName(name), names: [], ...(alias ? { alias: alias.text } : {}), line });
      } else {
        out.push({ source: dottedName(child), names: [], line });
      }
    }
    return;
  }
  const module = node.childForFieldName('module_name');
  if (!module) return;
  const names: string[] = [];
  for (const child of node.childrenForFieldName('name')) {
    const name = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
    if (name) names.push(dottedName(name));
  }
  if (node.namedChildren.some((child) => child?.type === 'wildcard_import')) names.push('*');
  out.push({ source: dottedName(module), names, line });
}

/** `dir/name.py`, then the package `dir/name/__init__.py`, then a stub. */
function moduleFile(index: RepoIndex, path: string): string | undefined {
  for (const candidate of [`${path}.py`, `${path}/__init__.py`, `${path}.pyi`, `${path}/__init__.pyi`]) {
    if (index.has(candidate)) return candidate;
  }
  return undefined;
}

/** Where `.`-prefixed names start from, and the rest as path segments. */
function relativeBase(fromPath: string, source: string): { base: string; segments: string[] } | undefined {
  const dots = /^\.*/.exec(source)![0].length;
  let base: string | undefined = dirname(fromPath);
  for (let up = 1; up < dots; up++) {
    if (base === '') return undefined;
    base = dirname(base);
  }
  const rest = source.slice(dots);
  return { base, segments: rest === '' ? [] : rest.split('.') };
}

/** A directory that sys.path would hold: the parent of each top-level package, plus the usual suspects. */
function sourceRoots(index: RepoIndex): string[] {
  return index.memo('python:roots', () => {
    const roots = new Set<string>(['']);
    if (index.isDirectory('src')) roots.add('src');
    for (const init of index.withBasename('__init__.py')) {
      const pkg = dirname(init);
      const parent = dirname(pkg);
      if (pkg !== '' && !index.has(parent === '' ? '__init__.py' : `${parent}/__init__.py`)) roots.add(parent);
    }
    for (const pyproject of index.withBasename('pyproject.toml')) {
      const text = index.read(pyproject) ?? '';
      const dir = dirname(pyproject);
      const declared: string[] = [];
      // setuptools: package-dir = {"" = "lib"}; packages.find where = ["src"]; poetry: from = "src".
      const packageDir = /package-dir\s*=\s*\{([^}]*)\}/.exec(text);
      if (packageDir) for (const match of packageDir[1]!.matchAll(/["']\s*["']\s*=\s*["']([^"']+)["']/g)) declared.push(match[1]!);
      const where = /where\s*=\s*\[([^\]]*)\]/.exec(text);
      if (where) for (const match of where[1]!.matchAll(/["']([^"']+)["']/g)) declared.push(match[1]!);
      for (const match of text.matchAll(/\bfrom\s*=\s*["']([^"']+)["']/g)) declared.push(match[1]!);
      for (const entry of declared) {
        const root = joinPath(dir, entry);
        if (root !== undefined) roots.add(root);
      }
    }
    return [...roots].sort();
  });
}

/** Roots holding the importing file come first, deepest first; the script's own directory is last. */
function rootsFor(index: RepoIndex, fromPath: string): string[] {
  return index.memo(`python:roots:${dirname(fromPath)}`, () => {
    const all = sourceRoots(index);
    const containing = all.filter((root) => root !== '' && isWithin(fromPath, root)).sort((a, b) => b.length - a.length);
    const rest = all.filter((root) => !containing.includes(root)).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
    return unique([...containing, ...rest, dirname(fromPath)]);
  });
}

interface ModuleSummary {
  defines: Set<string>;
  /** Local name → where it comes from; `original` is '*' for star imports. */
  named: Map<string, { source: string; original: string }>;
  stars: string[];
}

/**
 * A regex summary rather than a parse: `resolve` is synchronous and runs per keystroke, and only
 * top-level `def`/`class`/assignments and `from ... import` lines matter for following re-exports.
 */
function summarize(index: RepoIndex, path: string): ModuleSummary {
  return index.memo(`python:summary:${path}`, () => {
    const text = index.read(path) ?? '';
    const summary: ModuleSummary = { defines: new Set(), named: new Map(), stars: [] };
    for (const match of text.matchAll(/^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)/gm)) summary.defines.add(match[1]!);
    for (const match of text.matchAll(/^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)/gm)) summary.defines.add(match[1]!);
    for (const match of text.matchAll(/^from\s+([.\w]+)\s+import\s+(\([^)]*\)|[^\n#;]+)/gm)) {
      const source = match[1]!;
      const list = match[2]!.replace(/[()\\]/g, ' ');
      for (const item of list.split(',')) {
        const [original, alias] = item.trim().split(/\s+as\s+/);
        if (!original) continue;
        if (original === '*') summary.stars.push(source);
        else summary.named.set((alias ?? original).trim(), { source, original: original.trim() });
      }
    }
    return summary;
  });
}

/** The module file for a dotted source seen from `fromPath`, plus the path it would live at. */
function locate(index: RepoIndex, fromPath: string, source: string): { path: string; file: string | undefined }[] {
  if (source.startsWith('.')) {
    const relative = relativeBase(fromPath, source);
    if (!relative) return [];
    const path = joinPath(relative.base, ...relative.segments);
    return path === undefined ? [] : [{ path, file: moduleFile(index, path) }];
  }
  const segments = source.split('.');
  const out: { path: string; file: string | undefined }[] = [];
  for (const root of rootsFor(index, fromPath)) {
    const path = joinPath(root, ...segments);
    if (path === undefined) continue;
    const file = moduleFile(index, path);
    if (file || index.isDirectory(path)) out.push({ path, file });
  }
  return out;
}

/** Follows `from .x import name` and `from .x import *` chains to the file that defines `name`. */
function definingFile(index: RepoIndex, file: string, name: string, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const summary = summarize(index, file);
  if (summary.defines.has(name)) return file;
  const named = summary.named.get(name);
  if (named) {
    for (const { path, file: target } of locate(index, file, named.source)) {
      const submodule = moduleFile(index, `${path}/${named.original}`);
      if (submodule) return submodule;
      if (target && target !== file) return definingFile(index, target, named.original, depth + 1) ?? target;
    }
  }
  for (const source of summary.stars) {
    for (const { file: target } of locate(index, file, source)) {
      if (!target || target === file) continue;
      const found = definingFile(index, target, name, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function resolveAt(index: RepoIndex, path: string, file: string | undefined, names: string[]): string[] {
  if (names.length === 0) return file ? [file] : [];
  const found: string[] = [];
  let needsModule = false;
  for (const name of names) {
    if (name === '*') {
      needsModule = true;
      continue;
    }
    const submodule = moduleFile(index, `${path}/${name.replace(/\./g, '/')}`);
    if (submodule) {
      found.push(submodule);
      continue;
    }
    needsModule = true;
    const defining = file ? definingFile(index, file, name) : undefined;
    if (defining) found.push(defining);
  }
  if (needsModule && file) found.push(file);
  return unique(found);
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement): string[] {
  // The first sys.path entry that has the module wins, as in Python itself.
  for (const { path, file } of locate(index, fromPath, statement.source)) {
    const files = resolveAt(index, path, file, statement.names);
    if (files.length > 0) return files;
  }
  return [];
}

export const python: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
