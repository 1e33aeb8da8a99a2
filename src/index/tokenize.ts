/**
 * Code-aware tokens for search (BM25 and the hashing embedder).
 *
 * Rules, chosen so a query in any naming convention meets the code it names:
 * - A word is a run of ASCII letters, digits and `_`, or of non-ASCII letters. Everything else,
 *   `-` and `.` included, separates words: `a-b` is usually subtraction, so kebab-case is split and
 *   the hyphenated form is not kept.
 * - A word splits into parts at `_`, lower→Upper (`parseHeader`), acronym ends (`HTTPServer` →
 *   http, server) and letter/digit changes (`utf8` → utf, 8).
 * - Each part is emitted lowercased. A word of several parts also yields its compound: the parts
 *   joined without separators, so `parse_http_header`, `parseHTTPHeader` and `ParseHttpHeader` all
 *   give `parsehttpheader`, and an exact name outranks a text that merely mentions both halves.
 * - Tokens of one character are dropped (loop variables, `0`/`1`): they are in nearly every chunk,
 *   and their postings would make any query containing them slow. The compound keeps them (`utf8`).
 * - Words over 64 characters are data (base64, hashes, minified code), not names, and are skipped.
 * - A small stoplist of English glue words and ubiquitous keywords is dropped.
 */

/**
 * Receives each token in order; `compound` is true for the joined form of a multi-part word.
 * It must not tokenize in turn: word parts live in module-level scratch arrays.
 */
export type TokenVisitor = (token: string, compound: boolean) => void;

const MAX_WORD = 64;

export const STOPWORDS: ReadonlySet<string> = new Set([
  // English glue words that show up in queries and comments.
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'in', 'is', 'it', 'of', 'on', 'or', 'the', 'to', 'with',
  // Keywords and receivers present in most chunks of their language, so they separate nothing.
  'self', 'this', 'return', 'def', 'function', 'func', 'fn', 'const', 'let', 'var', 'import', 'from', 'export',
  'true', 'false', 'null', 'none', 'nil', 'undefined',
]);

// Character classes for the scanner; anything non-zero is part of a word.
const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const UNDERSCORE = 4;
/** Letters outside ASCII: words of their own scripts, never split by case. */
const WIDE = 5;

const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c >= 97 && c <= 122) ASCII_CLASS[c] = LOWER;
  else if (c >= 65 && c <= 90) ASCII_CLASS[c] = UPPER;
  else if (c >= 48 && c <= 57) ASCII_CLASS[c] = DIGIT;
  else if (c === 95) ASCII_CLASS[c] = UNDERSCORE;
}

/**
 * A cheap test instead of a Unicode property lookup per character: it treats Latin-1 letters and
 * the letter blocks beyond as word characters and the common punctuation, symbol and emoji ranges
 * as separators. Exactness does not matter here, only that query and document agree.
 */
function classOf(c: number): number {
  if (c < 128) return ASCII_CLASS[c]!;
  if (c < 0xc0 || c === 0xd7 || c === 0xf7) return OTHER;
  if (c >= 0x2000 && c <= 0x2bff) return OTHER;
  if (c >= 0x3000 && c <= 0x303f) return OTHER;
  if (c >= 0xd800 && c <= 0xdfff) return OTHER;
  if (c >= 0xfe00 && c <= 0xff0f) return OTHER;
  return WIDE;
}

/** Calls `visit` for every search token of `text`, without building an array. */
export function forEachCodeToken(text: string, visit: TokenVisitor): void {
  // Lowercasing once natively is far cheaper than per token; it is only usable when no character
  // changes length (e.g. 'İ' lowercases to two code units), which is almost always.
  const folded = text.toLowerCase();
  const lower = folded.length === text.length ? folded : undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && classOf(text.charCodeAt(i)) === OTHER) i++;
    const start = i;
    // Most words are plain lowercase (`self`, `return`, `value`): one part, no second pass.
    let plain = true;
    while (i < n) {
      const cls = classOf(text.charCodeAt(i));
      if (cls === OTHER) break;
      if (cls !== LOWER) plain = false;
      i++;
    }
    const length = i - start;
    if (length === 0 || length > MAX_WORD) continue;
    if (!plain) emitWord(text, lower, start, i, visit);
    else if (length > 1) {
      const token = slice(text, lower, start, i);
      if (!STOPWORDS.has(token)) visit(token, false);
    }
  }
}

// Part boundaries of the current word, reused across calls: a word has at most MAX_WORD parts.
const partStarts = new Int32Array(MAX_WORD + 1);
const partEnds = new Int32Array(MAX_WORD + 1);

function emitWord(text: string, lower: string | undefined, start: number, end: number, visit: TokenVisitor): void {
  let parts = 0;
  let underscores = false;
  let partStart = -1;
  let prev = OTHER;
  for (let j = start; j < end; j++) {
    const cls = classOf(text.charCodeAt(j));
    if (cls === UNDERSCORE) {
      underscores = true;
      if (partStart >= 0) {
        partStarts[parts] = partStart;
        partEnds[parts++] = j;
        partStart = -1;
      }
      prev = OTHER;
      continue;
    }
    let boundary = partStart < 0;
    if (!boundary) {
      if (cls === UPPER) {
        // Upper after lower starts a part; so does the last capital of an acronym ("HTTPServer").
        boundary =
          prev === LOWER ||
          prev === DIGIT ||
          prev === WIDE ||
          (prev === UPPER && j + 1 < end && classOf(text.charCodeAt(j + 1)) === LOWER);
      } else if (cls === DIGIT) {
        boundary = prev !== DIGIT;
      } else {
        boundary = prev === DIGIT;
      }
    }
    if (boundary) {
      if (partStart >= 0) {
        partStarts[parts] = partStart;
        partEnds[parts++] = j;
      }
      partStart = j;
    }
    prev = cls;
  }
  if (partStart >= 0) {
    partStarts[parts] = partStart;
    partEnds[parts++] = end;
  }
  if (parts === 0) return;

  if (parts > 1) {
    let compound: string;
    if (!underscores) compound = slice(text, lower, start, end);
    else {
      compound = '';
      for (let p = 0; p < parts; p++) compound += slice(text, lower, partStarts[p]!, partEnds[p]!);
    }
    if (compound.length > 1 && !STOPWORDS.has(compound)) visit(compound, true);
  }
  for (let p = 0; p < parts; p++) {
    const s = partStarts[p]!;
    const e = partEnds[p]!;
    if (e - s < 2) continue;
    const token = slice(text, lower, s, e);
    if (!STOPWORDS.has(token)) visit(token, false);
  }
}

function slice(text: string, lower: string | undefined, start: number, end: number): string {
  return lower !== undefined ? lower.slice(start, end) : text.slice(start, end).toLowerCase();
}

/** The search tokens of `text`, in order, duplicates kept (term frequency matters). */
export function codeTokens(text: string): string[] {
  const out: string[] = [];
  forEachCodeToken(text, (token) => out.push(token));
  return out;
}
