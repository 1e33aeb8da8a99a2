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

export async function scopeAt(language: LanguageId, text: string, offset: number): Promise<ScopeInfo> {
  // Query only the top-level statement holding the cursor, up to the cursor: every enclosing
  // definition (and its name) lies in there, and the rest of a long file is skipped.
  const around = await withTree(language, text, (tree) => {
    const at = Math.max(0, Math.min(offset, text.length - 1));
    let node = tree.rootNode.descendantForIndex(at) ?? tree.rootNode;
    // Between top-level statements nothing encloses the cursor; querying the whole file to learn
    // that would cost tens of milliseconds on a long one.
    if (node.id === tree.rootNode.id) return undefined;
    while (node.parent && node.parent.id !== tree.rootNode.id) node = node.parent;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    let row = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < lineStart; i = text.indexOf('\n', i + 1)) row++;
    return { startPosition: node.startPosition, endPosition: { row, column: offset - lineStart + 1 } };
  }, { document: true });
  if (!around) return { scopes: [] };
  const scopes = enclosingScopes(await extractSymbols(language, text, around), offset);
  const innermost = scopes.at(-1);
  return innermost ? { scopes, innermost } : { scopes };
}
