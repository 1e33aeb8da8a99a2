/** Shared shapes of the context engine. Positions are 0-based rows and columns, as tree-sitter gives them. */
import type { LanguageId } from './languages.js';

export interface Range {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** Offsets into the JavaScript string (UTF-16 code units): text.slice(startIndex, endIndex). */
  startIndex: number;
  endIndex: number;
}

export type SymbolKind =
  | 'function'
  | 'method'
  | 'constructor'
  | 'class'
  | 'interface'
  | 'struct'
  | 'trait'
  | 'enum'
  | 'type'
  | 'module'
  | 'namespace'
  | 'constant'
  | 'variable'
  | 'field'
  | 'macro';

export interface SymbolDef {
  name: string;
  kind: SymbolKind;
  /** The whole definition, body included. */
  range: Range;
  nameRange: Range;
  /** The body block, when the definition has one (skeletons elide it). */
  bodyRange?: Range;
  /** The header as written, up to where the body starts, trimmed (e.g. `def area(self, r: float) -> float`). */
  signature: string;
  /** Doc comment or docstring, without comment markers, when present. */
  doc?: string;
  /** Name of the enclosing class, impl, module or namespace, dotted when nested. */
  container?: string;
}

export interface Reference {
  name: string;
  line: number;
  column: number;
  index: number;
}

export interface ImportStatement {
  /** The module as written: './util', 'os.path', 'github.com/x/y/pkg', 'crate::net::tcp', 'stdio.h'. */
  source: string;
  /** Names brought in ('*' for a wildcard); empty when the module itself is bound. */
  names: string[];
  /** The local name bound to the module, when there is one (`import numpy as np` → 'np'). */
  alias?: string;
  line: number;
}

export interface ResolvedImport {
  statement: ImportStatement;
  /** Repository-relative paths, best first; empty when the module is outside the repository. */
  files: string[];
}

/** What the context engine knows about one file. */
export interface FileInfo {
  path: string;
  language: LanguageId;
}
