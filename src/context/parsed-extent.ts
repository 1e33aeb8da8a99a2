/**
 * How much of the document being edited a keystroke parses: everything before the cursor, and
 * after it only a stretch that ends at a paragraph break.
 *
 * Why not all of it: once an edit adds or removes a line break, tree-sitter cannot reuse the old
 * tree after the edit for grammars whose external scanner keeps state (Python's indentation
 * stack), so the "incremental" parse costs as much as parsing everything after the cursor from
 * scratch: 20-30 ms for a keystroke near the top of a 100 KB file. Before the cursor the kept
 * tree is reused as usual, which is why the text is only cut after it.
 *
 * What a keystroke reads of the tree lies at the cursor or just after it: the node at the cursor
 * (in a string or a comment?), the definitions around it (their headers are above it), the names
 * a few lines either side, and whether a completion breaks the code that follows. A cut a few
 * thousand characters on leaves all of that as it is. Offsets are those of the document, since
 * all of the text before the cut is kept.
 */

/** Documents with at most this much text after the cursor are parsed whole. */
const MAX_AFTER_CHARS = 6_000;
/** At least this much, and these lines, are kept after the cursor: more than anything reads. */
const MIN_AFTER_CHARS = 1_500;
const MIN_AFTER_LINES = 8;

/**
 * The offset where the parsed text ends: the document's end, or the start of a line that follows
 * a blank one (where statements and definitions usually begin, so the cut rarely splits one),
 * or failing that the first line end past MAX_AFTER_CHARS. Depends only on the text from
 * `offset` on, so the document with a completion inserted is cut at the same place.
 */
export function parsedEnd(text: string, offset: number): number {
  if (text.length - offset <= MAX_AFTER_CHARS) return text.length;
  let lineEnd = text.indexOf('\n', offset);
  for (let line = 1; line < MIN_AFTER_LINES && lineEnd !== -1; line++) lineEnd = text.indexOf('\n', lineEnd + 1);
  if (lineEnd === -1) return text.length;
  if (lineEnd < offset + MIN_AFTER_CHARS) lineEnd = text.indexOf('\n', offset + MIN_AFTER_CHARS);
  const limit = offset + MAX_AFTER_CHARS;
  while (lineEnd !== -1 && lineEnd < limit) {
    const next = text.indexOf('\n', lineEnd + 1);
    if (next === -1) return text.length;
    if (isBlank(text, lineEnd + 1, next)) return next + 1;
    lineEnd = next;
  }
  return lineEnd === -1 ? text.length : lineEnd + 1;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** The part of `text` a keystroke at `offset` parses (see above). */
export function parsedExtent(text: string, offset: number): string {
  const end = parsedEnd(text, offset);
  return end === text.length ? text : text.slice(0, end);
}
