/**
 * Parsing with one reusable parser per language. Trees live in WASM memory, so callers get them
 * through `withTree`, which frees the tree when the callback is done.
 */
import type { Edit, Node, Parser, Query, Tree } from 'web-tree-sitter';
import { loadLanguage, treeSitter, type LanguageId } from './languages.js';
import { parsedEnd } from './parsed-extent.js';

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

/**
 * Parses `text` and runs `use` on the tree. Recent trees are kept per language, and a text that
 * differs from one of them by a small edit (the next keystroke in the same file) is re-parsed
 * incrementally from it, which costs a fraction of a full parse. `use` must not keep the tree.
 *
 * `document: true` marks the text as the document being edited (the one at the cursor): its
 * tree is kept ahead of the other files a request parses once (imports, definitions), so that
 * the next keystroke re-parses incrementally instead of from scratch.
 */
export async function withTree<T>(id: LanguageId, text: string, use: (tree: Tree) => T, options: { document?: boolean } = {}): Promise<T> {
  const [parser, module] = await Promise.all([parserFor(id), treeSitter()]);
  return use(treeCache(id).parse(parser, text, module.Edit, options.document === true));
}

interface CachedTree {
  text: string;
  tree: Tree;
  /** A document being edited: evicted only after every unpinned tree. */
  pinned: boolean;
}

/** Trees kept per language: enough for the files a user moves between. */
const TREES_PER_LANGUAGE = 8;
/**
 * Text of the unpinned trees kept per language. A tree takes about 20 bytes of WASM memory per
 * character, and WASM memory never shrinks: eight large files kept at once grew the daemon by
 * 8 MB for good. Other files' results are cached by content elsewhere, so dropping their trees
 * early costs little.
 */
const UNPINNED_CHARS_PER_LANGUAGE = 256 * 1024;
/** Documents being edited whose trees are kept ahead of others (two editors, or a split view). */
const PINNED_PER_LANGUAGE = 2;
/** Above this share of the text changed, a fresh parse is as cheap as an incremental one. */
const INCREMENTAL_LIMIT = 0.3;

class TreeCache {
  private readonly entries: CachedTree[] = [];

  parse(parser: Parser, text: string, EditClass: typeof Edit, pin: boolean): Tree {
    const exact = this.entries.findIndex((e) => e.text === text);
    if (exact !== -1) {
      const entry = this.touch(exact);
      if (pin) this.pin(entry);
      return entry.tree;
    }
    let best: { index: number; changed: number; edit: NonNullable<TextEdit['edit']> } | undefined;
    for (const [index, entry] of this.entries.entries()) {
      // At least the difference in length changed: a text that cannot be an incremental edit, or
      // cannot beat the best so far, is not compared (a compare runs over the common prefix).
      const lengthChange = Math.abs(entry.text.length - text.length);
      if (lengthChange > text.length * INCREMENTAL_LIMIT || (best && lengthChange >= best.changed)) continue;
      const { changed, edit } = diffTexts(entry.text, text);
      if (edit && (!best || changed < best.changed)) best = { index, changed, edit };
    }
    let tree: Tree | null;
    let inherited = false;
    if (best) {
      const [entry] = this.entries.splice(best.index, 1);
      entry!.tree.edit(new EditClass(best.edit));
      tree = parser.parse(text, entry!.tree);
      entry!.tree.delete();
      // The next version of a pinned document is that document.
      inherited = entry!.pinned;
    } else {
      tree = parser.parse(text);
    }
    if (!tree) throw new Error('tree-sitter could not parse the text');
    const added: CachedTree = { text, tree, pinned: false };
    this.entries.unshift(added);
    if (pin || inherited) this.pin(added);
    this.evict();
    return tree;
  }

  private pin(entry: CachedTree): void {
    entry.pinned = true;
    const pinned = this.entries.filter((e) => e.pinned);
    // Entries are most recent first: the oldest pinned ones go back to ordinary.
    for (const old of pinned.slice(PINNED_PER_LANGUAGE)) old.pinned = false;
  }

  /** Never evicts the newest entry: its tree is about to be used. */
  private evict(): void {
    let unpinnedChars = 0;
    for (const entry of this.entries) if (!entry.pinned) unpinnedChars += entry.text.length;
    while (this.entries.length > TREES_PER_LANGUAGE || unpinnedChars > UNPINNED_CHARS_PER_LANGUAGE) {
      let victim = this.entries.length - 1;
      while (victim > 0 && this.entries[victim]!.pinned) victim--;
      if (victim === 0) return;
      const [removed] = this.entries.splice(victim, 1);
      if (!removed!.pinned) unpinnedChars -= removed!.text.length;
      removed!.tree.delete();
    }
  }

  clear(): void {
    for (const entry of this.entries.splice(0)) entry.tree.delete();
  }

  private touch(index: number): CachedTree {
    const [entry] = this.entries.splice(index, 1);
    this.entries.unshift(entry!);
    return entry!;
  }
}

const treeCaches = new Map<LanguageId, TreeCache>();

/** Frees every kept tree (their WASM memory); the next parse of each text starts fresh. */
export function clearTreeCache(): void {
  for (const cache of treeCaches.values()) cache.clear();
}

function treeCache(id: LanguageId): TreeCache {
  let cache = treeCaches.get(id);
  if (!cache) treeCaches.set(id, (cache = new TreeCache()));
  return cache;
}

interface Point {
  row: number;
  column: number;
}

interface TextEdit {
  changed: number;
  /** Absent when so much changed that positions are not worth computing (parse afresh). */
  edit?: { startIndex: number; oldEndIndex: number; newEndIndex: number; startPosition: Point; oldEndPosition: Point; newEndPosition: Point };
}

/** Row and column (UTF-16 units, as web-tree-sitter counts them) of `index`, counting from `from`. */
function pointAt(text: string, index: number, from: Point = { row: 0, column: 0 }, fromIndex = 0): Point {
  // indexOf runs natively: a cursor deep in a long file is reached in microseconds.
  let { row } = from;
  let lineStart = -1;
  for (let i = text.indexOf('\n', fromIndex); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return lineStart === -1 ? { row, column: from.column + index - fromIndex } : { row, column: index - lineStart };
}

const BLOCK = 1024;

/** Length of the common prefix, compared a block at a time (slice equality is a memcmp) and then by character. */
function commonPrefix(a: string, b: string, limit: number): number {
  let i = 0;
  while (i + BLOCK <= limit && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix, at most `limit`, the same way from the end. */
function commonSuffix(a: string, b: string, limit: number): number {
  let n = 0;
  while (n + BLOCK <= limit && a.slice(a.length - n - BLOCK, a.length - n) === b.slice(b.length - n - BLOCK, b.length - n)) n += BLOCK;
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/** Where `before` and `after` differ: the common prefix and suffix kept, offsets into each. */
export function changedRegion(before: string, after: string): { start: number; oldEndIndex: number; newEndIndex: number } {
  const limit = Math.min(before.length, after.length);
  const start = commonPrefix(before, after, limit);
  const tail = commonSuffix(before, after, limit - start);
  return { start, oldEndIndex: before.length - tail, newEndIndex: after.length - tail };
}

/** The single edit that turns `before` into `after`: common prefix and suffix kept. */
export function diffTexts(before: string, after: string): TextEdit {
  const { start, oldEndIndex, newEndIndex } = changedRegion(before, after);
  const changed = Math.max(oldEndIndex, newEndIndex) - start;
  if (changed > after.length * INCREMENTAL_LIMIT) return { changed };
  const startPosition = pointAt(before, start);
  return {
    changed,
    edit: {
      startIndex: start,
      oldEndIndex,
      newEndIndex,
      startPosition,
      oldEndPosition: pointAt(before, oldEndIndex, startPosition, start),
      newEndPosition: pointAt(after, newEndIndex, startPosition, start),
    },
  };
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

/**
 * How many syntax errors inserting `insert` between `prefix` and `suffix` adds (negative when it
 * repairs some); 0 when the language's grammar cannot be loaded. The text without the insertion
 * is the document being edited, so its tree is usually kept and both parses are incremental.
 * Both texts end where a keystroke's parse of the document ends (parsed-extent.ts): a completion
 * that breaks what follows it shows within those thousands of characters, and parsing the rest
 * again would cost as much as parsing it from scratch.
 */
export async function syntaxErrorsAdded(language: LanguageId, prefix: string, insert: string, suffix: string): Promise<number> {
  const kept = suffix.slice(0, parsedEnd(suffix, 0));
  try {
    const before = await withTree(language, prefix + kept, (tree) => countErrors(tree.rootNode), { document: true });
    const after = await withTree(language, prefix + insert + kept, (tree) => countErrors(tree.rootNode));
    return after - before;
  } catch {
    return 0;
  }
}

export type { Node, Query, Tree };
