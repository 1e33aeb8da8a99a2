/**
 * Parsing with one reusable parser per language. Trees live in WASM memory, so callers get them
 * through `withTree`, which frees the tree when the callback is done.
 */
import type { Node, Parser, Query, Tree } from 'web-tree-sitter';
import { loadLanguage, treeSitter, type LanguageId } from './languages.js';

const parsers = new Map<LanguageId, Promise<Parser>>();
const queries = new Map<string, Promise<Query>>();

async function parserFor(id: LanguageId): Promise<Parser> {
  let pending = parsers.get(id);
  if (!pending) {
    pending = Promise.all([treeSitter(), loadLanguage(id)]).then(([module, language]) => {
      const parser = new module.Parser();
      parser.setLanguage(language);
      return parser;
    });
    pending.catch(() => parsers.delete(id));
    parsers.set(id, pending);
  }
  return pending;
}

/** Parses `text` and runs `use` on the tree, deleting the tree afterwards. */
export async function withTree<T>(id: LanguageId, text: string, use: (tree: Tree) => T): Promise<T> {
  const parser = await parserFor(id);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter could not parse the ${id} text`);
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

/**
 * A compiled query, cached per language and source. `key` names the query in the cache so
 * that callers do not hash long query sources on every call.
 */
export async function compileQuery(id: LanguageId, key: string, source: string): Promise<Query> {
  const cacheKey = `${id}\u0000${key}`;
  let pending = queries.get(cacheKey);
  if (!pending) {
    pending = Promise.all([treeSitter(), loadLanguage(id)]).then(([module, language]) => new module.Query(language, source));
    pending.catch(() => queries.delete(cacheKey));
    queries.set(cacheKey, pending);
  }
  return pending;
}

/** Counts ERROR and MISSING nodes: a cheap measure of how broken a parse is. */
export function countErrors(node: Node): number {
  if (!node.hasError) return 0;
  let count = node.isError || node.isMissing ? 1 : 0;
  for (const child of node.children) if (child) count += countErrors(child);
  return count;
}

export type { Node, Query, Tree };
