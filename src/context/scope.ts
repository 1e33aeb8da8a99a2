/** Where an offset sits: the definitions around it, outermost first. */
import type { LanguageId } from './languages.js';
import { withTree } from './parse.js';
import { extractSymbols } from './symbols.js';
import type { SymbolDef } from './types.js';

export interface ScopeInfo {
  /** Outermost first. */
  scopes: SymbolDef[];
  innermost?: SymbolDef;
}

/**
 * Every definition whose range contains `offset`, outermost first. The end is inclusive: a cursor
 * at the end of a function's last line (where Python and Ruby bodies end) is still inside it.
 */
export function enclosingScopes(definitions: SymbolDef[], offset: number): SymbolDef[] {
  return definitions
    .filter(({ range }) => range.startIndex <= offset && offset <= range.endIndex)
    .sort((a, b) => a.range.startIndex - b.range.startIndex || b.range.endIndex - a.range.endIndex);
}

/** Enclosing definitions start on their ancestors' first lines; more than this many is pathological nesting. */
const MAX_ANCESTOR_ROWS = 16;

export async function scopeAt(language: LanguageId, text: string, offset: number): Promise<ScopeInfo> {
  // Every enclosing definition is an ancestor of the node at the cursor, and its name and header
  // sit on the ancestor's first line. Querying just those lines finds them all, where querying
  // the whole top-level statement would cost tens of milliseconds inside a long class.
  const rows = await withTree(language, text, (tree) => {
    const at = Math.max(0, Math.min(offset, text.length - 1));
    const found = new Set<number>();
    for (let node = tree.rootNode.descendantForIndex(at); node && node.id !== tree.rootNode.id; node = node.parent) {
      found.add(node.startPosition.row);
    }
    return [...found].sort((a, b) => b - a).slice(0, MAX_ANCESTOR_ROWS);
  }, { document: true });
  const definitions = new Map<string, SymbolDef>();
  for (const row of rows) {
    for (const definition of await extractSymbols(language, text, { startPosition: { row, column: 0 }, endPosition: { row: row + 1, column: 0 } })) {
      definitions.set(`${definition.range.startIndex}:${definition.range.endIndex}:${definition.name}`, definition);
    }
  }
  const scopes = enclosingScopes([...definitions.values()], offset);
  const innermost = scopes.at(-1);
  return innermost ? { scopes, innermost } : { scopes };
}
