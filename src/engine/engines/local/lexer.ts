/**
 * Splits source text into lines of lexemes: identifiers, numbers, string literals, operators and
 * single punctuation. Comments are dropped (they are prose, not code to predict), and a line that
 * holds only a comment vanishes altogether, so the code around it still reads as adjacent.
 * The lexer never fails: anything it does not recognise is a one-character lexeme.
 */
import type { Syntax } from './syntax.js';

export type LexemeKind = 'word' | 'number' | 'string' | 'punct';

export interface Lexeme {
  kind: LexemeKind;
  text: string;
  /** Offset in the lexed text. */
  start: number;
  /** Whitespace (or a comment) separates it from the previous lexeme on its line. */
  spaced: boolean;
}

export interface LexedLine {
  /** The physical line's leading whitespace. */
  indent: string;
  /** Offset of the line's first character. */
  start: number;
  /** Blank lines between the previous code line and this one. */
  blankBefore: number;
  lexemes: Lexeme[];
}

/** The state at the very end of the text: where a cursor placed there stands. */
export interface LexTail {
  /** The end lies inside an unterminated string or comment. */
  open?: 'string' | 'comment';
  /** The last physical line has no lexeme (yet): the cursor stands in its indentation. */
  lineEmpty: boolean;
  /** That last line's leading whitespace. */
  indent: string;
  /** Blank lines before the last line (counting it when it is empty). */
  blankBefore: number;
  /** Whitespace follows the last lexeme on the last line. */
  trailingSpace: boolean;
}

export interface LexResult {
  /** Lines with at least one lexeme, in order. */
  lines: LexedLine[];
  tail: LexTail;
}

const MULTI_CHAR_OPERATORS = [
  '>>>=', '...', '**=', '//=', '<<=', '>>=', '>>>', '===', '!==', '<=>', '??=', '&&=', '||=',
  '?.', '??', '=>', '->', '::', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>', ':=', '..',
];

/** Multi-character operators by their first character, longest first. */
const OPERATORS_BY_FIRST = new Map<number, string[]>();
for (const operator of [...MULTI_CHAR_OPERATORS].sort((a, b) => b.length - a.length)) {
  const list = OPERATORS_BY_FIRST.get(operator.charCodeAt(0)) ?? [];
  list.push(operator);
  OPERATORS_BY_FIRST.set(operator.charCodeAt(0), list);
}

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const BACKSLASH = 92;

function isHorizontalSpace(code: number): boolean {
  return code === SPACE || code === TAB || code === RETURN || code === 12 || code === 11;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isWordStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36 || (code >= 128 && code !== 0xa0 && code !== 0xfeff);
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || isDigit(code);
}

/** String prefixes such as Python's f/r/b or C++'s u8/L, glued to the quote that follows. */
const STRING_PREFIX = /^(?:[rRbBfFuU]{1,2}|u8|L)$/;

class Scanner {
  readonly lines: LexedLine[] = [];
  private current: LexedLine | undefined;
  private lineIndent = '';
  private lineStart = 0;
  private blank = 0;
  private spaced = false;
  private open: LexTail['open'];
  private lastLineHasCode = false;
  /** Anything but whitespace on the physical line, comments included. */
  private lineHasText = false;

  constructor(
    private readonly text: string,
    private readonly syntax: Syntax,
  ) {}

  run(): LexResult {
    const { text } = this;
    let i = 0;
    this.beginLine(0);
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === NEWLINE) {
        this.endLine();
        i++;
        this.beginLine(i);
        continue;
      }
      if (isHorizontalSpace(code)) {
        this.spaced = true;
        i++;
        continue;
      }
      i = this.lexAt(i);
    }
    return {
      lines: this.lines,
      tail: {
        open: this.open,
        lineEmpty: !this.lastLineHasCode,
        indent: this.lineIndent,
        blankBefore: this.blank,
        trailingSpace: this.lastLineHasCode && this.spaced,
      },
    };
  }

  private beginLine(at: number): void {
    const { text } = this;
    let end = at;
    while (end < text.length && (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB)) end++;
    this.lineIndent = text.slice(at, end);
    this.lineStart = at;
    this.current = undefined;
    this.spaced = false;
    this.lineHasText = false;
    this.lastLineHasCode = false;
  }

  private endLine(): void {
    if (this.current) this.blank = 0;
    else if (!this.lineHasText) this.blank++;
  }

  private push(kind: LexemeKind, start: number, end: number): void {
    if (!this.current) {
      this.current = { indent: this.lineIndent, start: this.lineStart, blankBefore: this.blank, lexemes: [] };
      this.lines.push(this.current);
    }
    this.current.lexemes.push({ kind, text: this.text.slice(start, end), start, spaced: this.spaced && this.current.lexemes.length > 0 });
    this.spaced = false;
    this.lineHasText = true;
    this.lastLineHasCode = true;
  }

  /** Lexes whatever starts at `i` and returns the offset after it. */
  private lexAt(i: number): number {
    const { text, syntax } = this;
    const code = text.charCodeAt(i);
    for (const marker of syntax.lineComments) {
      if (text.startsWith(marker, i)) return this.skipLineComment(i);
    }
    for (const [openMark, closeMark] of syntax.blockComments) {
      if (text.startsWith(openMark, i)) return this.skipBlockComment(i, openMark, closeMark);
    }
    if (code === 34 || code === 39 || code === 96) return this.lexString(i, code);
    if (isDigit(code) || (code === 46 && isDigit(text.charCodeAt(i + 1)))) return this.lexNumber(i);
    if (isWordStart(code)) {
      let end = i + 1;
      while (end < text.length && isWordPart(text.charCodeAt(end))) end++;
      this.push('word', i, end);
      return end;
    }
    for (const operator of OPERATORS_BY_FIRST.get(code) ?? []) {
      if (text.startsWith(operator, i)) {
        this.push('punct', i, i + operator.length);
        return i + operator.length;
      }
    }
    // A lone surrogate half would make an unpaired string; keep the pair together.
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    this.push('punct', i, i + width);
    return i + width;
  }

  private skipLineComment(i: number): number {
    this.lineHasText = true;
    const end = this.text.indexOf('\n', i);
    if (end === -1) {
      this.open = 'comment';
      return this.text.length;
    }
    // A comment after code counts as separation; a comment-only line leaves no trace.
    this.spaced = true;
    return end;
  }

  private skipBlockComment(i: number, openMark: string, closeMark: string): number {
    this.lineHasText = true;
    const end = this.text.indexOf(closeMark, i + openMark.length);
    if (end === -1) {
      this.open = 'comment';
      return this.text.length;
    }
    this.spaced = true;
    return end + closeMark.length;
  }

  private lexNumber(i: number): number {
    const { text } = this;
    let end = i + 1;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code === 46) {
        // `0..10` is a range, not a number.
        if (text.charCodeAt(end + 1) === 46) break;
        end++;
      } else if ((code === 43 || code === 45) && (text.charCodeAt(end - 1) | 32) === 101 && !/^0[xX]/.test(text.slice(i, end))) {
        end++;
      } else if (isWordPart(code)) {
        end++;
      } else {
        break;
      }
    }
    this.push('number', i, end);
    return end;
  }

  private lexString(i: number, quote: number): number {
    const { text, syntax } = this;
    const startsAt = this.gluePrefix(i);
    if (quote !== 96 && syntax.tripleQuotes && text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) {
      const delimiter = text.slice(i, i + 3);
      const close = findClosing(text, i + 3, delimiter, true);
      return this.finishString(startsAt, close === -1 ? -1 : close + 3);
    }
    if (quote === 96 && syntax.backtickStrings) {
      const close = findClosing(text, i + 1, '`', true);
      return this.finishString(startsAt, close === -1 ? -1 : close + 1);
    }
    const close = findClosing(text, i + 1, text[i]!, false);
    const lineEnd = text.indexOf('\n', i);
    const atTextEnd = lineEnd === -1;
    if (close !== -1 && quote === 39 && syntax.charQuotes && !isCharLiteral(text.slice(i + 1, close))) {
      // Not a character literal: a lifetime or an apostrophe.
      this.push('punct', i, i + 1);
      return i + 1;
    }
    if (close === -1) {
      // Unterminated on its line: a typo or an apostrophe mid-file, a string being typed at the end.
      if (atTextEnd && !(quote === 39 && syntax.charQuotes)) return this.finishString(startsAt, -1);
      this.push('punct', i, i + 1);
      return i + 1;
    }
    return this.finishString(startsAt, close + 1);
  }

  /** When a short prefix word sits right before the quote, the string starts at the prefix. */
  private gluePrefix(quoteAt: number): number {
    const last = this.current?.lexemes.at(-1);
    if (!last || last.kind !== 'word' || last.start + last.text.length !== quoteAt || !STRING_PREFIX.test(last.text)) return quoteAt;
    this.current!.lexemes.pop();
    this.spaced = last.spaced;
    return last.start;
  }

  private finishString(start: number, end: number): number {
    if (end === -1) {
      this.open = 'string';
      this.push('string', start, this.text.length);
      return this.text.length;
    }
    this.push('string', start, end);
    return end;
  }
}

/** One character, or an escape sequence such as \n or \u{1F600}. */
function isCharLiteral(content: string): boolean {
  if (content.startsWith('\\')) return content.length <= 10;
  return content.length === 1 || (content.length === 2 && content.charCodeAt(0) >= 0xd800 && content.charCodeAt(0) <= 0xdbff);
}

/** Index of the closing delimiter after `from`, honouring backslash escapes; -1 when absent. */
function findClosing(text: string, from: number, delimiter: string, multiline: boolean): number {
  const first = delimiter.charCodeAt(0);
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) {
      i++;
      continue;
    }
    if (code === NEWLINE && !multiline) return -1;
    if (code === first && (delimiter.length === 1 || text.startsWith(delimiter, i))) return i;
  }
  return -1;
}

export function lex(text: string, syntax: Syntax): LexResult {
  return new Scanner(text, syntax).run();
}
