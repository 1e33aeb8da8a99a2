/**
 * How the local engine reads a file: which statistics family it belongs to (languages close
 * enough to share n-grams share one) and the comment and string syntax its lexer must know.
 */
import { languageForPath, type LanguageId } from '../../../context/languages.js';

export interface Syntax {
  lineComments: readonly string[];
  blockComments: ReadonlyArray<readonly [open: string, close: string]>;
  /** Python's ''' and """ strings, which may span lines. */
  tripleQuotes: boolean;
  /** Backtick strings that may span lines (JavaScript templates, Go raw strings). */
  backtickStrings: boolean;
  /** `'` delimits only short character literals (C, Java, Rust lifetimes stay punctuation). */
  charQuotes: boolean;
}

const C_LIKE: Syntax = { lineComments: ['//'], blockComments: [['/*', '*/']], tripleQuotes: false, backtickStrings: false, charQuotes: true };
const ECMASCRIPT: Syntax = { ...C_LIKE, backtickStrings: true, charQuotes: false };
const HASH: Syntax = { lineComments: ['#'], blockComments: [], tripleQuotes: false, backtickStrings: false, charQuotes: false };
const PYTHON: Syntax = { ...HASH, tripleQuotes: true };
const DASHES: Syntax = { lineComments: ['--'], blockComments: [], tripleQuotes: false, backtickStrings: false, charQuotes: false };
const MARKUP: Syntax = { lineComments: [], blockComments: [['<!--', '-->']], tripleQuotes: false, backtickStrings: false, charQuotes: false };
const PLAIN: Syntax = { lineComments: [], blockComments: [], tripleQuotes: false, backtickStrings: false, charQuotes: false };

const BY_LANGUAGE: Record<LanguageId, Syntax> = {
  python: PYTHON,
  typescript: ECMASCRIPT,
  tsx: ECMASCRIPT,
  javascript: ECMASCRIPT,
  go: { ...C_LIKE, backtickStrings: true },
  rust: C_LIKE,
  java: C_LIKE,
  c: C_LIKE,
  cpp: C_LIKE,
  ruby: HASH,
  csharp: C_LIKE,
  php: { ...C_LIKE, lineComments: ['//', '#'], charQuotes: false },
  swift: C_LIKE,
};

/** Languages whose code is alike enough that one set of statistics serves them all. */
const FAMILY_OF: Partial<Record<LanguageId, string>> = { typescript: 'ecmascript', tsx: 'ecmascript', javascript: 'ecmascript', c: 'c', cpp: 'c' };

const BY_EXTENSION: Record<string, Syntax> = {
  sh: HASH, bash: HASH, zsh: HASH, fish: HASH, yml: HASH, yaml: HASH, toml: HASH, cfg: HASH, conf: HASH, ini: HASH, r: HASH, pl: HASH, pm: HASH,
  mk: HASH, cmake: HASH, dockerfile: HASH, nix: HASH, tf: HASH, ex: HASH, exs: HASH, jl: HASH, coffee: HASH,
  sql: DASHES, lua: DASHES, hs: DASHES, elm: DASHES,
  kt: C_LIKE, kts: C_LIKE, scala: C_LIKE, dart: ECMASCRIPT, zig: C_LIKE, proto: C_LIKE, groovy: C_LIKE, gradle: C_LIKE, css: C_LIKE, scss: C_LIKE, less: C_LIKE,
  vue: ECMASCRIPT, svelte: ECMASCRIPT,
  html: MARKUP, htm: MARKUP, xml: MARKUP, svg: MARKUP, md: MARKUP, markdown: MARKUP,
};

const BY_NAME: Record<string, string> = { makefile: 'mk', gnumakefile: 'mk', dockerfile: 'dockerfile', cmakelists: 'cmake' };

export interface FileSyntax {
  /** Names the statistics this file feeds and is completed from. */
  family: string;
  syntax: Syntax;
}

function extensionKey(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  if (dot > 0) return base.slice(dot + 1);
  const stem = dot === 0 ? base.slice(1) : base;
  return BY_NAME[stem.replace(/\.txt$/, '')] ?? stem;
}

export function syntaxForLanguage(language: LanguageId): FileSyntax {
  return { family: FAMILY_OF[language] ?? language, syntax: BY_LANGUAGE[language] };
}

/** The family and syntax of a path; an explicit language id (from the editor) wins over the extension. */
export function syntaxForPath(path: string, language?: string): FileSyntax {
  const known = (language && Object.hasOwn(BY_LANGUAGE, language) ? (language as LanguageId) : undefined) ?? languageForPath(path);
  if (known) return syntaxForLanguage(known);
  const key = extensionKey(path);
  return { family: `ext:${key}`, syntax: BY_EXTENSION[key] ?? PLAIN };
}
