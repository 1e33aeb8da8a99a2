/**
 * Rust `use`, `mod` and `extern crate`. Conventions:
 * - `use a::b::{C, D}` → source 'a::b', names ['C', 'D']; the last segment is always a name, since
 *   it may be an item or a module and only the resolver can tell (`use a::b;` → 'a', ['b']).
 *   Nested groups flatten to one statement per prefix; `self` in a group is the name 'self'; a
 *   glob is '*'; a renamed item gets a statement of its own with `alias`.
 * - `mod foo;` → source 'mod:foo'; inside inline `mod outer { mod foo; }` → 'mod:outer::foo'.
 *   Inline modules with bodies are not imports and produce nothing.
 * - `self::`/`super::` paths inside inline modules are rewritten relative to the file's module
 *   (`mod tests { use super::*; }` → source 'self', names ['*']).
 * - `extern crate serde as s;` → source 'serde', names [], alias 's'.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportStatement } from '../types.js';
import { basename, collectImports, dirname, isWithin, joinPath, unique, type ImportLanguage, type RepoIndex } from './shared.js';

const QUERY = '(use_declaration) @use (mod_item) @mod (extern_crate_declaration) @extern';

const clean = (text: string) => text.replace(/\s+/g, '');
const joinRust = (prefix: string, path: string) => (prefix === '' ? path : path === '' ? prefix : `${prefix}::${path}`);

type Emit = (path: string, wildcard: boolean, alias?: string) => void;

function flatten(node: Node, prefix: string, emit: Emit): void {
  switch (node.type) {
    case 'scoped_use_list': {
      const path = node.childForFieldName('path');
      const list = node.childForFieldName('list');
      if (list) flatten(list, joinRust(prefix, path ? clean(path.text) : ''), emit);
      return;
    }
    case 'use_list':
      for (const child of node.namedChildren) if (child) flatten(child, prefix, emit);
      return;
    case 'use_wildcard': {
      const path = node.namedChildren[0];
      emit(joinRust(prefix, path ? clean(path.text) : ''), true);
      return;
    }
    case 'use_as_clause': {
      const path = node.childForFieldName('path');
      const alias = node.childForFieldName('alias');
      if (path) emit(joinRust(prefix, clean(path.text)), false, alias?.text);
      return;
    }
    default:
      emit(joinRust(prefix, clean(node.text)), false);
  }
}

/** Names of the inline `mod x { ... }` blocks around a node, outermost first. */
function inlineModules(node: Node): string[] {
  const names: string[] = [];
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'mod_item') names.unshift(up.childForFieldName('name')?.text ?? '');
  }
  return names;
}

/**
 * Rewrites `self::`/`super::` paths written inside inline modules so that they are relative to
 * the file's module, which is all the resolver knows about: `mod tests { use super::*; }` is
 * `self::*` of the file.
 */
function rebase(path: string, inline: string[]): string {
  if (inline.length === 0) return path;
  const segments = path.split('::');
  if (segments[0] === 'self') return ['self', ...inline, ...segments.slice(1)].join('::');
  let supers = 0;
  while (segments[supers] === 'super') supers++;
  if (supers === 0) return path;
  const kept = inline.slice(0, Math.max(0, inline.length - supers));
  const climb = Array<string>(Math.max(0, supers - inline.length)).fill('super');
  return [...(climb.length > 0 ? climb : ['self']), ...kept, ...segments.slice(supers)].join('::');
}

function useStatements(node: Node, out: ImportStatement[]): void {
  const argument = node.childForFieldName('argument');
  if (!argument) return;
  const line = node.startPosition.row;
  const inline = inlineModules(node);
  const grouped = new Map<string, ImportStatement>();
  flatten(argument, '', (written, wildcard, alias) => {
    const path = rebase(written, inline);
    let source = path;
    let name: string | undefined = '*';
    if (!wildcard) {
      const split = path.lastIndexOf('::');
      source = split < 0 ? path : path.slice(0, split);
      name = split < 0 ? undefined : path.slice(split + 2);
    }
    if (alias) {
      out.push({ source, names: name ? [name] : [], alias, line });
      return;
    }
    let statement = grouped.get(source);
    if (!statement) {
      statement = { source, names: [], line };
      grouped.set(source, statement);
      out.push(statement);
    }
    if (name && !statement.names.includes(name)) statement.names.push(name);
  });
}

function visit(name: string, node: Node, out: ImportStatement[]): void {
  const line = node.startPosition.row;
  if (name === 'use') useStatements(node, out);
  else if (name === 'extern') {
    const crate = node.childForFieldName('name');
    const alias = node.childForFieldName('alias');
    if (crate) out.push({ source: crate.text, names: [], ...(alias ? { alias: alias.text } : {}), line });
  } else if (name === 'mod' && !node.childForFieldName('body')) {
    const moduleName = node.childForFieldName('name');
    if (!moduleName) return;
    out.push({ source: `mod:${[...inlineModules(node), moduleName.text].join('::')}`, names: [], line });
  }
}

interface Crate {
  /** Directory that the crate's module tree hangs from (src/ for the usual lib or main). */
  moduleDir: string;
  /** The crate root file: lib.rs, main.rs, a bin/test/example file. */
  root: string | undefined;
}

function section(text: string, name: string): string {
  const start = text.search(new RegExp(`^\\s*\\[${name.replace('.', '\\.')}\\]\\s*$`, 'm'));
  if (start < 0) return '';
  const rest = text.slice(start).replace(/^[^\n]*\n?/, '');
  const end = rest.search(/^\s*\[/m);
  return end < 0 ? rest : rest.slice(0, end);
}

function libRoot(index: RepoIndex, crateDir: string): string | undefined {
  const text = index.read(joinPath(crateDir, 'Cargo.toml') ?? '') ?? '';
  const declared = /^\s*path\s*=\s*"([^"]+)"/m.exec(section(text, 'lib'))?.[1];
  const candidates = [declared ? joinPath(crateDir, declared) : undefined, joinPath(crateDir, 'src/lib.rs')];
  return candidates.find((path) => path !== undefined && index.has(path));
}

/** Crates of the workspace by the name other crates `use` them under (hyphens become underscores). */
function workspaceCrates(index: RepoIndex): Map<string, Crate> {
  return index.memo('rust:crates', () => {
    const crates = new Map<string, Crate>();
    for (const manifest of index.withBasename('Cargo.toml')) {
      const text = index.read(manifest) ?? '';
      const dir = dirname(manifest);
      const root = libRoot(index, dir);
      if (!root) continue;
      const pattern = /^\s*name\s*=\s*"([^"]+)"/m;
      for (const name of [pattern.exec(section(text, 'package'))?.[1], pattern.exec(section(text, 'lib'))?.[1]]) {
        if (name) crates.set(name.replace(/-/g, '_'), { moduleDir: dirname(root), root });
      }
    }
    return crates;
  });
}

const TARGET_DIRS = [['src', 'bin'], ['tests'], ['examples'], ['benches']];

function crateOf(index: RepoIndex, fromPath: string): Crate | undefined {
  const crateDir = index.nearest(fromPath, 'Cargo.toml');
  if (crateDir === undefined) {
    const dir = index.nearest(fromPath, 'lib.rs') ?? index.nearest(fromPath, 'main.rs');
    if (dir === undefined) return undefined;
    const root = [joinPath(dir, 'lib.rs'), joinPath(dir, 'main.rs')].find((path) => path !== undefined && index.has(path));
    return { moduleDir: dir, root };
  }
  const parts = (crateDir === '' ? fromPath : fromPath.slice(crateDir.length + 1)).split('/');
  // Binaries, tests, examples and benches are crates of their own, rooted at a file or a dir/main.rs.
  for (const target of TARGET_DIRS) {
    if (!target.every((segment, i) => parts[i] === segment) || parts.length <= target.length) continue;
    const group = joinPath(crateDir, ...target)!;
    if (parts.length === target.length + 1) return { moduleDir: group, root: fromPath };
    const moduleDir = joinPath(group, parts[target.length]!)!;
    return { moduleDir, root: joinPath(moduleDir, 'main.rs') };
  }
  const moduleDir = joinPath(crateDir, 'src')!;
  const main = joinPath(moduleDir, 'main.rs')!;
  const root = fromPath === main ? main : (libRoot(index, crateDir) ?? (index.has(main) ? main : undefined));
  return { moduleDir: root ? dirname(root) : moduleDir, root };
}

function isModuleOwner(crate: Crate, fromPath: string): boolean {
  const name = basename(fromPath);
  return name === 'mod.rs' || fromPath === crate.root || (dirname(fromPath) === crate.moduleDir && (name === 'lib.rs' || name === 'main.rs'));
}

/** The module path of a file: src/a/b.rs and src/a/b/mod.rs are both ['a', 'b']. */
function modulePath(crate: Crate, fromPath: string): string[] | undefined {
  if (fromPath === crate.root) return [];
  if (!isWithin(fromPath, crate.moduleDir)) return undefined;
  const segments = (crate.moduleDir === '' ? fromPath : fromPath.slice(crate.moduleDir.length + 1)).split('/');
  const last = segments.pop()!.replace(/\.rs$/, '');
  if (last === 'mod') return segments;
  if (segments.length === 0 && (last === 'lib' || last === 'main')) return [];
  return [...segments, last];
}

function moduleFile(index: RepoIndex, crate: Crate, segments: string[]): string | undefined {
  if (segments.length === 0) return crate.root && index.has(crate.root) ? crate.root : undefined;
  const base = joinPath(crate.moduleDir, ...segments);
  if (base === undefined) return undefined;
  return [`${base}.rs`, `${base}/mod.rs`].find((path) => index.has(path));
}

/** The deepest existing module along `segments`; what is left over names items (or inline modules) inside it. */
function deepestModule(index: RepoIndex, crate: Crate, segments: string[], minimum: number): string | undefined {
  for (let length = segments.length; length >= minimum; length--) {
    const file = moduleFile(index, crate, segments.slice(0, length));
    if (file) return file;
  }
  return undefined;
}

interface Scope {
  crate: Crate;
  segments: string[];
  /** How many segments must match a module file for the scope to count. */
  minimum: number;
}

function scopes(index: RepoIndex, fromPath: string, segments: string[]): Scope[] {
  const own = crateOf(index, fromPath);
  const here = own ? modulePath(own, fromPath) : undefined;
  const [first, ...rest] = segments;
  if (first === 'crate') return own ? [{ crate: own, segments: rest, minimum: 0 }] : [];
  if (first === 'self' || first === 'super') {
    if (!own || !here) return [];
    let base = here;
    let at = first === 'self' ? 1 : 0;
    while (segments[at] === 'super') {
      if (base.length === 0) return [];
      base = base.slice(0, -1);
      at++;
    }
    return [{ crate: own, segments: [...base, ...segments.slice(at)], minimum: base.length }];
  }
  const out: Scope[] = [];
  const external = first === '' ? rest : segments;
  if (own && first !== '') {
    // Paths are relative to the current module (2018 edition), or to the crate root (2015).
    if (here) out.push({ crate: own, segments: [...here, ...segments], minimum: here.length + 1 });
    out.push({ crate: own, segments, minimum: 1 });
  }
  const crate = external[0] === undefined ? undefined : workspaceCrates(index).get(external[0]);
  if (crate) out.push({ crate, segments: external.slice(1), minimum: 0 });
  return out;
}

function resolve(index: RepoIndex, fromPath: string, statement: ImportStatement): string[] {
  if (statement.source.startsWith('mod:')) {
    const crate = crateOf(index, fromPath);
    const owner = crate ? isModuleOwner(crate, fromPath) : basename(fromPath) === 'mod.rs';
    const dir = owner ? dirname(fromPath) : fromPath.replace(/\.rs$/, '');
    const base = joinPath(dir, ...statement.source.slice(4).split('::'));
    return base === undefined ? [] : [`${base}.rs`, `${base}/mod.rs`].filter((path) => index.has(path)).slice(0, 1);
  }
  const segments = statement.source === '' ? [] : statement.source.split('::');
  const names = statement.names.length > 0 ? statement.names : [undefined];
  for (const scope of scopes(index, fromPath, segments)) {
    const files = names.map((name) => {
      const extra = name === undefined || name === '*' || name === 'self' ? [] : [name];
      return deepestModule(index, scope.crate, [...scope.segments, ...extra], scope.minimum);
    });
    const found = unique(files);
    if (found.length > 0) return found;
  }
  return [];
}

export const rust: ImportLanguage = {
  extract: (language, text) => collectImports(language, 'imports', QUERY, text, visit),
  resolve: (index, fromPath, statement) => resolve(index, fromPath, statement),
};
