/** Where an offset sits: the definitions around it, outermost first. */
import type { LanguageId } from './languages.js';
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
  const scopes = enclosingScopes(await extractSymbols(language, text), offset);
  const innermost = scopes.at(-1);
  return innermost ? { scopes, innermost } : { scopes };
}
