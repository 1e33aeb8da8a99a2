/**
 * A small line-oriented syntax highlighter for fenced code blocks: keywords, strings, comments and
 * numbers for the main languages. State (open block comment or multi-line string) carries across
 * lines, so a block can be highlighted one line at a time while it streams.
 */

export type TokenKind = 'plain' | 'keyword' | 'string' | 'comment' | 'number';

export interface Token {
  kind: TokenKind;
  text: string;
}

interface Syntax {
  keywords: ReadonlySet<string>;
  lineComments: readonly string[];
  blockComment?: readonly [string, string];
  /** Longest delimiters first, so `"""` wins over `"`. */
  quotes: readonly string[];
  /** Quotes whose strings may span lines (template literals, triple quotes, raw strings). */
  multiLineQuotes: readonly string[];
}

const words = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/).filter(Boolean));

const C_FAMILY_QUOTES = ['"', "'"];

const JS = words(`break case catch class const continue debugger default delete do else export extends finally for
  from function if import in instanceof let new of return super switch this throw try typeof var void while with yield
  async await static get set true false null undefined interface type enum implements private protected public
  readonly abstract declare namespace as satisfies keyof infer never unknown any`);
const PYTHON = words(`and as assert async await break class continue def del elif else except finally for from global
  if import in is lambda nonlocal not or pass raise return try while with yield True False None self match case`);
const GO = words(`break case chan const continue default defer else fallthrough for func go goto if import interface
  map package range return select struct switch type var nil true false iota`);
const RUST = words(`as async await break const continue crate dyn else enum extern false fn for if impl in let loop
  match mod move mut pub ref return self Self static struct super trait true type unsafe use where while`);
const C_LIKE = words(`auto break case char const continue default do double else enum extern float for goto if inline
  int long register return short signed sizeof static struct switch typedef union unsigned void volatile while class
  namespace template typename public private protected virtual override new delete this true false nullptr using
  bool try catch throw final abstract extends implements import package interface boolean byte null super var record
  string object base readonly sealed`);
const SHELL = words(`if then else elif fi case esac for while until do done in function return local export
  readonly unset break continue exit set shift source alias echo cd`);
const RUBY = words(`alias and begin break case class def defined? do else elsif end ensure false for if in module
  next nil not or redo rescue retry return self super then true undef unless until when while yield require attr_reader`);
const JSON_WORDS = words('true false null');

const SYNTAXES: Record<string, Syntax> = {
  js: { keywords: JS, lineComments: ['//'], blockComment: ['/*', '*/'], quotes: ['`', ...C_FAMILY_QUOTES], multiLineQuotes: ['`'] },
  python: { keywords: PYTHON, lineComments: ['#'], quotes: ['"""', "'''", ...C_FAMILY_QUOTES], multiLineQuotes: ['"""', "'''"] },
  go: { keywords: GO, lineComments: ['//'], blockComment: ['/*', '*/'], quotes: ['`', ...C_FAMILY_QUOTES], multiLineQuotes: ['`'] },
  rust: { keywords: RUST, lineComments: ['//'], blockComment: ['/*', '*/'], quotes: ['"'], multiLineQuotes: ['"'] },
  c: { keywords: C_LIKE, lineComments: ['//'], blockComment: ['/*', '*/'], quotes: C_FAMILY_QUOTES, multiLineQuotes: [] },
  shell: { keywords: SHELL, lineComments: ['#'], quotes: C_FAMILY_QUOTES, multiLineQuotes: ['"', "'"] },
  ruby: { keywords: RUBY, lineComments: ['#'], quotes: C_FAMILY_QUOTES, multiLineQuotes: [] },
  json: { keywords: JSON_WORDS, lineComments: [], quotes: ['"'], multiLineQuotes: [] },
};

const ALIASES: Record<string, string> = {
  js: 'js', javascript: 'js', jsx: 'js', mjs: 'js', cjs: 'js', ts: 'js', typescript: 'js', tsx: 'js',
  py: 'python', python: 'python', python3: 'python',
  go: 'go', golang: 'go',
  rs: 'rust', rust: 'rust',
  c: 'c', h: 'c', cpp: 'c', 'c++': 'c', cc: 'c', hpp: 'c', cxx: 'c', java: 'c', kotlin: 'c', kt: 'c', cs: 'c',
  csharp: 'c', 'c#': 'c', swift: 'c', scala: 'c',
  sh: 'shell', bash: 'shell', zsh: 'shell', shell: 'shell', console: 'shell',
  rb: 'ruby', ruby: 'ruby',
  json: 'json', jsonc: 'json',
};

export function syntaxFor(language: string): Syntax | undefined {
  const key = ALIASES[language.trim().toLowerCase()];
  return key === undefined ? undefined : SYNTAXES[key];
}

/** What is still open at the end of a line. */
export type LineState = { kind: 'code' } | { kind: 'block-comment' } | { kind: 'string'; quote: string };

export const INITIAL_STATE: LineState = { kind: 'code' };

const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[a-zA-Z]*/;
const WORD = /^[A-Za-z_$][\w$?]*/;

function push(tokens: Token[], kind: TokenKind, text: string): void {
  if (text === '') return;
  const last = tokens[tokens.length - 1];
  if (last !== undefined && last.kind === kind) last.text += text;
  else tokens.push({ kind, text });
}

/** Reads a string body from `start` up to and including the closing quote; returns the end index or -1 if unclosed. */
function closeQuote(line: string, start: number, quote: string): number {
  for (let i = start; i < line.length; i++) {
    if (line[i] === '\\' && quote !== "'''" && quote !== '"""') {
      i++;
      continue;
    }
    if (line.startsWith(quote, i)) return i + quote.length;
  }
  return -1;
}

export function highlightLine(line: string, language: string, state: LineState = INITIAL_STATE): { tokens: Token[]; state: LineState } {
  const syntax = syntaxFor(language);
  if (syntax === undefined) return { tokens: line === '' ? [] : [{ kind: 'plain', text: line }], state: INITIAL_STATE };
  const tokens: Token[] = [];
  let i = 0;

  if (state.kind === 'block-comment' && syntax.blockComment !== undefined) {
    const end = line.indexOf(syntax.blockComment[1]);
    if (end < 0) return { tokens: line === '' ? [] : [{ kind: 'comment', text: line }], state };
    i = end + syntax.blockComment[1].length;
    push(tokens, 'comment', line.slice(0, i));
  } else if (state.kind === 'string') {
    const end = closeQuote(line, 0, state.quote);
    if (end < 0) return { tokens: line === '' ? [] : [{ kind: 'string', text: line }], state };
    i = end;
    push(tokens, 'string', line.slice(0, i));
  }

  while (i < line.length) {
    const rest = line.slice(i);
    const lineComment = syntax.lineComments.find((marker) => rest.startsWith(marker));
    if (lineComment !== undefined) {
      push(tokens, 'comment', rest);
      return { tokens, state: INITIAL_STATE };
    }
    if (syntax.blockComment !== undefined && rest.startsWith(syntax.blockComment[0])) {
      const end = line.indexOf(syntax.blockComment[1], i + syntax.blockComment[0].length);
      if (end < 0) {
        push(tokens, 'comment', rest);
        return { tokens, state: { kind: 'block-comment' } };
      }
      const stop = end + syntax.blockComment[1].length;
      push(tokens, 'comment', line.slice(i, stop));
      i = stop;
      continue;
    }
    const quote = syntax.quotes.find((q) => rest.startsWith(q));
    if (quote !== undefined) {
      const end = closeQuote(line, i + quote.length, quote);
      if (end < 0) {
        push(tokens, 'string', rest);
        const open = syntax.multiLineQuotes.includes(quote) ? ({ kind: 'string', quote } as const) : INITIAL_STATE;
        return { tokens, state: open };
      }
      push(tokens, 'string', line.slice(i, end));
      i = end;
      continue;
    }
    const word = WORD.exec(rest);
    if (word !== null) {
      push(tokens, syntax.keywords.has(word[0]) ? 'keyword' : 'plain', word[0]);
      i += word[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number !== null && number[0] !== '.') {
      push(tokens, 'number', number[0]);
      i += number[0].length;
      continue;
    }
    push(tokens, 'plain', line[i]!);
    i++;
  }
  return { tokens, state: INITIAL_STATE };
}
