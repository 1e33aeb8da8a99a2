/**
 * What extractSymbols must find in each fixture under fixtures/languages: one row per definition,
 * in document order, each checked by hand against the fixture source.
 */
import type { LanguageId } from '../../../src/context/languages.js';
import type { SymbolKind } from '../../../src/context/types.js';
import { COMPILED } from './compiled.js';
import { SCRIPTING } from './scripting.js';

/** kind, name, container ('' for none), first line of the signature, doc when there is one. */
export type ExpectedSymbol = [kind: SymbolKind, name: string, container: string, signature: string, doc?: string];

export interface FixtureExpectation {
  language: LanguageId;
  /** Relative to fixtures/languages. */
  file: string;
  symbols: ExpectedSymbol[];
}

export const FIXTURES: FixtureExpectation[] = [...COMPILED, ...SCRIPTING];
