/**
 * Finds Aider-style AI comments in a file: a comment whose text starts or ends with the word `AI`,
 * optionally followed by `!` (make the change) or `?` (answer the question). A plain `AI`
 * comment is context for the others. Only real comments count: the file is scanned with its
 * language's comment and string syntax, so `AI!` inside a string or in a word like `MAIL!` is not
 * a trigger. Comment syntaxes: `#`, `//`, `--`, `;` to the end of the line, and `/* … *\/` when it
 * opens and closes on the same line.
 */

export type AiCommentKind = 'edit' | 'ask' | 'note';

export interface AiComment {
  /** 0-based line of the comment. */
  line: number;
  kind: AiCommentKind;
  /** The whole line as written, trailing whitespace removed. */
  lineText: string;
  /** Where the comment starts in the line: code before it stays when the comment is removed. */
  column: number;
  /** The comment's words without the comment syntax and without the AI marker. */
  request: string;
}

interface CommentSyntax {
  /** Openers of comments that run to the end of the line. */
  line: readonly string[];
  /** `/* … *\/` block comments. */
  block: boolean;
  /** String delimiters closed on the same line (an unclosed one ends at the line's end). */
  quotes: string;
  /** String delimiters that may span lines (JavaScript templates, Go raw strings). */
  multilineQuotes: string;
  /** Python's `"""` and `'''` strings. */
  tripleQuotes: boolean;
  /** `'` starts a character literal only when one closes right after (Rust lifetimes, C char literals). */
  charLiterals: boolean;
}

const HASH: CommentSyntax = { line: ['#'], block: false, quotes: `"'`, multilineQuotes: '', tripleQuotes: false, charLiterals: false };
const PYTHON: CommentSyntax = { ...HASH, tripleQuotes: true };
const SHELL: CommentSyntax = { ...HASH, quotes: `"'\`` };
const C_LIKE: CommentSyntax = { line: ['//'], block: true, quotes: '"', multilineQuotes: '', tripleQuotes: false, charLiterals: true };
const JS_LIKE: CommentSyntax = { ...C_LIKE, quotes: `"'`, multilineQuotes: '`', charLiterals: false };
const GO: CommentSyntax = { ...C_LIKE, multilineQuotes: '`' };
const PHP: CommentSyntax = { line: ['//', '#'], block: true, quotes: `"'`, multilineQuotes: '', tripleQuotes: false, charLiterals: false };
const DASH: CommentSyntax = { line: ['--'], block: true, quotes: `"'`, multilineQuotes: '', tripleQuotes: false, charLiterals: false };
const SEMICOLON: CommentSyntax = { line: [';'], block: false, quotes: '"', multilineQuotes: '', tripleQuotes: false, charLiterals: false };
/** An unknown language: every syntax we know, and only double quotes (apostrophes are common in prose). */
const ANY: CommentSyntax = { line: ['//', '#', '--', ';'], block: true, quotes: '"', multilineQuotes: '', tripleQuotes: false, charLiterals: false };

const BY_EXTENSION: Record<string, CommentSyntax> = {};
function register(syntax: CommentSyntax, extensions: string): void {
  for (const ext of extensions.split(' ')) BY_EXTENSION[ext] = syntax;
}
register(PYTHON, 'py pyi pyw');
register(HASH, 'rb rake gemspec yaml yml toml r pl pm cmake');
register(SHELL, 'sh bash zsh fish');
register(C_LIKE, 'c h cc cpp cxx c++ hpp hh hxx h++ ipp rs java cs swift kt kts scala dart proto');
register(JS_LIKE, 'js jsx mjs cjs ts tsx mts cts');
register(GO, 'go');
register(PHP, 'php');
register(DASH, 'sql lua hs elm ada');
register(SEMICOLON, 'clj cljs edn lisp el scm rkt asm s ini');
const BY_FILENAME: Record<string, CommentSyntax> = { Rakefile: HASH, Gemfile: HASH, Makefile: HASH, Dockerfile: HASH };

export function commentSyntaxFor(path: string): CommentSyntax {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  return BY_FILENAME[base] ?? BY_EXTENSION[ext] ?? ANY;
}

const CHAR_LITERAL = /'(?:\\[^'\n]{1,10}|[^\\'\n])'/y;

export interface LineComment {
  /** 0-based line. */
  line: number;
  /** Where the comment syntax starts in the line. */
  column: number;
  /** The comment's text without the syntax. */
  text: string;
}

/** Every comment in `text` that fits on one line. */
export function singleLineComments(text: string, syntax: CommentSyntax): LineComment[] {
  const comments: LineComment[] = [];
  let line = 0;
  let lineStart = 0;
  let i = 0;
  /** Moves to `end`, counting the line breaks passed over. */
  const advance = (end: number) => {
    for (let k = i; k < end && k < text.length; k++) {
      if (text[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    i = end;
  };
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\n') {
      advance(i + 1);
      continue;
    }
    const opener = syntax.line.find((o) => text.startsWith(o, i));
    if (opener) {
      const end = lineEnd(text, i);
      comments.push({ line, column: i - lineStart, text: stripRepeats(text.slice(i + opener.length, end), opener) });
      i = end;
      continue;
    }
    if (syntax.block && text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      if (close >= 0 && close < lineEnd(text, i)) comments.push({ line, column: i - lineStart, text: text.slice(i + 2, close).replace(/^\*+/, '') });
      advance(end);
      continue;
    }
    if (syntax.tripleQuotes && (text.startsWith('"""', i) || text.startsWith("'''", i))) {
      advance(closingQuote(text, i + 3, text.slice(i, i + 3), true));
      continue;
    }
    if (syntax.multilineQuotes.includes(char)) {
      advance(closingQuote(text, i + 1, char, true));
      continue;
    }
    if (char === "'" && syntax.charLiterals) {
      CHAR_LITERAL.lastIndex = i;
      i = CHAR_LITERAL.test(text) ? CHAR_LITERAL.lastIndex : i + 1;
      continue;
    }
    if (syntax.quotes.includes(char)) {
      i = closingQuote(text, i + 1, char, false);
      continue;
    }
    i++;
  }
  return comments;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

/** Where the string that opened before `from` ends (just past its delimiter), honouring backslash escapes. */
function closingQuote(text: string, from: number, delimiter: string, multiline: boolean): number {
  for (let k = from; k < text.length; k++) {
    const c = text[k]!;
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === '\n' && !multiline) return k;
    if (text.startsWith(delimiter, k)) return k + delimiter.length;
  }
  return text.length;
}

/** `## note`, `/// doc`, `;;; header`: the opener repeated (and Rust's `//!`) is still syntax. */
function stripRepeats(body: string, opener: string): string {
  const first = opener[0]!;
  let k = 0;
  while (k < body.length && (body[k] === first || (opener === '//' && body[k] === '!' && k === 0))) k++;
  return body.slice(k);
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const AT_END = /ai([!?]?)$/i;
const AT_START = /^ai([!?]?)/i;

/** The marker a comment carries, and its words without it; undefined when it is no AI comment. */
export function classifyComment(raw: string): { kind: AiCommentKind; request: string } | undefined {
  const text = raw.trim();
  const end = AT_END.exec(text);
  if (end && (end.index === 0 || !WORD_CHAR.test(text[end.index - 1]!))) {
    return { kind: kindOf(end[1]!), request: tidy(text.slice(0, end.index)) };
  }
  const start = AT_START.exec(text);
  if (start && (start[0].length === text.length || !WORD_CHAR.test(text[start[0].length]!) || start[1] !== '')) {
    return { kind: kindOf(start[1]!), request: tidy(text.slice(start[0].length)) };
  }
  return undefined;
}

function kindOf(mark: string): AiCommentKind {
  return mark === '!' ? 'edit' : mark === '?' ? 'ask' : 'note';
}

function tidy(words: string): string {
  return words.replace(/^[\s:,;\-–—]+/, '').replace(/[\s,;:\-–—]+$/, '').trim();
}

/** The AI comments of a file, in line order. */
export function findAiComments(path: string, text: string): AiComment[] {
  const lines = text.split('\n');
  const found: AiComment[] = [];
  for (const comment of singleLineComments(text, commentSyntaxFor(path))) {
    const marker = classifyComment(comment.text);
    if (!marker) continue;
    // Two comments on one line (`/* a */ x; // AI!`): the stronger marker wins.
    const previous = found.at(-1);
    if (previous?.line === comment.line) {
      if (rank(marker.kind) <= rank(previous.kind)) continue;
      found.pop();
    }
    found.push({ line: comment.line, column: comment.column, kind: marker.kind, lineText: lines[comment.line]!.replace(/\r$/, '').trimEnd(), request: marker.request });
  }
  return found;
}

function rank(kind: AiCommentKind): number {
  return kind === 'edit' ? 2 : kind === 'ask' ? 1 : 0;
}
