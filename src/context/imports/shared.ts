/**
 * What every per-language import module shares: posix path arithmetic on repository-relative
 * paths, a lazily built index over the repository's file set, and the query-driven extraction
 * helper. Resolution runs on every keystroke, so everything here that scans the whole repository
 * is built once per index and cached.
 */
import type { Node } from 'web-tree-sitter';
import type { LanguageId } from '../languages.js';
import { compileQuery, withTree } from '../parse.js';
import type { RepoFiles } from '../repo-files.js';
import type { ImportStatement } from '../types.js';

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Resolves `.` and `..` segments; undefined when the path climbs above the repository root. */
export function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out.join('/');
}

export function joinPath(...parts: string[]): string | undefined {
  return normalize(parts.filter((part) => part !== '').join('/'));
}

/** True when `path` is `dir` itself or inside it; '' is the repository root and contains everything. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

function sharedSegments(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  let count = 0;
  while (count < left.length && count < right.length && left[count] === right[count]) count++;
  return count;
}

function orderByShared(fromDir: string, items: Iterable<string>, dirOf: (item: string) => string): string[] {
  return [...items]
    .map((item) => ({ item, shared: sharedSegments(fromDir, dirOf(item)) }))
    .sort((a, b) => b.shared - a.shared || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
    .map((entry) => entry.item);
}

/**
 * Orders candidates so that the ones sharing the longest directory prefix with `fromPath` come
 * first: when a name matches in several places, the nearest copy is usually the one meant.
 */
export function byProximity(fromPath: string, paths: Iterable<string>): string[] {
  return orderByShared(dirname(fromPath), paths, dirname);
}

export function directoriesByProximity(fromPath: string, dirs: Iterable<string>): string[] {
  return orderByShared(dirname(fromPath), dirs, (dir) => dir);
}

export function unique(paths: Iterable<string | undefined>): string[] {
  const seen = new Set<string>();
  for (const path of paths) if (path !== undefined) seen.add(path);
  return [...seen];
}

const EMPTY: readonly string[] = Object.freeze([]);

export class RepoIndex {
  private directories?: Map<string, string[]>;
  private allDirectories?: Set<string>;
  private basenames?: Map<string, string[]>;
  private readonly memos = new Map<string, unknown>();

  constructor(readonly repo: RepoFiles) {}

  has(path: string): boolean {
    return this.repo.files.has(path);
  }

  read(path: string): string | undefined {
    return this.repo.files.has(path) ? this.repo.read(path) : undefined;
  }

  /** The files directly inside `dir`, sorted. */
  filesIn(dir: string): readonly string[] {
    this.build();
    return this.directories!.get(dir) ?? EMPTY;
  }

  /** True for any directory that holds a file at some depth. */
  isDirectory(dir: string): boolean {
    this.build();
    return this.allDirectories!.has(dir);
  }

  /** Every directory that directly holds files. */
  directoriesWithFiles(): Iterable<string> {
    this.build();
    return this.directories!.keys();
  }

  withBasename(name: string): readonly string[] {
    this.build();
    return this.basenames!.get(name) ?? EMPTY;
  }

  /** Files whose path is `suffix` or ends with `/suffix`. */
  withSuffix(suffix: string): string[] {
    return this.withBasename(basename(suffix)).filter((path) => path === suffix || path.endsWith(`/${suffix}`));
  }

  /** Nearest ancestor directory of `fromPath` (its own directory first) that holds `fileName`. */
  nearest(fromPath: string, fileName: string): string | undefined {
    let dir = dirname(fromPath);
    for (;;) {
      if (this.has(dir === '' ? fileName : `${dir}/${fileName}`)) return dir;
      if (dir === '') return undefined;
      dir = dirname(dir);
    }
  }

  /** Files were added, deleted or changed: listings and derived values are rebuilt when next needed. */
  invalidate(): void {
    this.directories = undefined;
    this.allDirectories = undefined;
    this.basenames = undefined;
    this.memos.clear();
  }

  /** Caches a value derived from the repository until it changes. */
  memo<T>(key: string, build: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = build();
    this.memos.set(key, value);
    return value;
  }

  private build(): void {
    if (this.directories) return;
    const directories = new Map<string, string[]>();
    const all = new Set<string>(['']);
    const basenames = new Map<string, string[]>();
    for (const path of this.repo.files) {
      const dir = dirname(path);
      let list = directories.get(dir);
      if (!list) directories.set(dir, (list = []));
      list.push(path);
      const name = basename(path);
      let named = basenames.get(name);
      if (!named) basenames.set(name, (named = []));
      named.push(path);
      for (let up = dir; up !== '' && !all.has(up); up = dirname(up)) all.add(up);
    }
    for (const list of directories.values()) list.sort();
    for (const list of basenames.values()) list.sort();
    this.directories = directories;
    this.allDirectories = all;
    this.basenames = basenames;
  }
}

/** One language's half of the import machinery. */
export interface ImportLanguage {
  extract(language: LanguageId, text: string): Promise<ImportStatement[]>;
  resolve(index: RepoIndex, fromPath: string, statement: ImportStatement, language: LanguageId): string[];
}

/**
 * Runs a query over a fresh parse and hands each capture to `visit`, which must finish with the
 * nodes before returning: the tree is freed right after.
 */
export async function collectImports(
  language: LanguageId,
  key: string,
  source: string,
  text: string,
  visit: (name: string, node: Node, out: ImportStatement[]) => void,
): Promise<ImportStatement[]> {
  const query = await compileQuery(language, key, source);
  return withTree(language, text, (tree) => {
    const out: ImportStatement[] = [];
    for (const capture of query.captures(tree.rootNode)) visit(capture.name, capture.node, out);
    return out;
  });
}

/** The contents of a string literal node, from its fragment children so that quotes never leak in. */
export function stringContent(node: Node): string {
  const parts = node.namedChildren.filter((child) => child && /fragment|content/.test(child.type));
  if (parts.length > 0) return parts.map((part) => part!.text).join('');
  return node.text.replace(/^['"`]|['"`]$/g, '');
}
