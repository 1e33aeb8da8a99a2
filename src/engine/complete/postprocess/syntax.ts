/**
 * What the filters need to know about a language's lexical syntax to tell code from strings and
 * comments: comment markers and string delimiters. Brackets inside strings and comments must
 * not count, and neither must lines that sit inside a multi-line string.
 */
import { languageForPath, type LanguageId } from '../../../context/languages.js';
import type { PostprocessContext } from './types.js';

export interface StringForm {
  open: string;
  close: string;
  /** Whether the literal may span lines; single-line literals end at the line break at the latest. */
  multiline: boolean;
  /** Whether a backslash escapes the next character. */
  escapes: boolean;
}

export interface Syntax {
  lineComments: readonly string[];
  blockComment?: readonly [open: string, close: string];
  /** Longest delimiter first, so that `"""` wins over `"`. */
  strings: readonly StringForm[];
  /**
   * A single quote starts a character literal only when it closes a character later (`'x'`,
   * `'\n'`); otherwise it is a Rust lifetime or a stray apostrophe and is plain code.
   */
  charLiterals: boolean;
  /** JavaScript-like regular expression literals, whose brackets do not count either. */
  regexLiterals: boolean;
  /** Blocks are delimited by braces (C, Java, Go...), not by indentation (Python) or keywords (Ruby). */
  braceBlocks: boolean;
}

const line = (quote: string, escapes = true): StringForm => ({ open: quote, close: quote, multiline: false, escapes });
const block = (open: string, close = open, escapes = true): StringForm => ({ open, close, multiline: true, escapes });

const C_COMMENTS = { lineComments: ['//'], blockComment: ['/*', '*/'] } as const;

const C_LIKE: Syntax = { ...C_COMMENTS, strings: [line('"')], charLiterals: true, regexLiterals: false, braceBlocks: true };
const JAVASCRIPT: Syntax = { ...C_COMMENTS, strings: [block('`'), line('"'), line("'")], charLiterals: false, regexLiterals: true, braceBlocks: true };

const SYNTAX: Readonly<Record<LanguageId, Syntax>> = {
  python: { lineComments: ['#'], strings: [block('"""'), block("'''"), line('"'), line("'")], charLiterals: false, regexLiterals: false, braceBlocks: false },
  typescript: JAVASCRIPT,
  tsx: JAVASCRIPT,
  javascript: JAVASCRIPT,
  go: { ...C_COMMENTS, strings: [block('`', '`', false), line('"')], charLiterals: true, regexLiterals: false, braceBlocks: true },
  rust: { ...C_COMMENTS, strings: [block('"')], charLiterals: true, regexLiterals: false, braceBlocks: true },
  java: { ...C_COMMENTS, strings: [block('"""'), line('"')], charLiterals: true, regexLiterals: false, braceBlocks: true },
  c: C_LIKE,
  cpp: C_LIKE,
  // A verbatim string doubles its quotes; reading `""` as a close and a reopen keeps the count right.
  csharp: { ...C_COMMENTS, strings: [block('"""'), block('@"', '"', false), line('"')], charLiterals: true, regexLiterals: false, braceBlocks: true },
  ruby: { lineComments: ['#'], strings: [block('"'), block("'")], charLiterals: false, regexLiterals: false, braceBlocks: false },
  php: { lineComments: ['//', '#'], blockComment: ['/*', '*/'], strings: [block('"'), block("'")], charLiterals: false, regexLiterals: false, braceBlocks: true },
  swift: { ...C_COMMENTS, strings: [block('"""'), line('"')], charLiterals: false, regexLiterals: false, braceBlocks: true },
};

/** The document's language: the one the caller named, else the one its path implies. */
export function languageOf(context: PostprocessContext): LanguageId | undefined {
  return context.language ?? languageForPath(context.path);
}

/** Lexical syntax for the document's language, or undefined when the language is unknown. */
export function syntaxOf(context: PostprocessContext): Syntax | undefined {
  const language = languageOf(context);
  return language ? SYNTAX[language] : undefined;
}
