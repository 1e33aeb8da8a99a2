/**
 * Whether a suggestion may span several lines. A blank line, or the end of a line that opens a
 * block, is where a body or the next statements go; anywhere else the user is in the middle of a
 * statement and only the rest of the line makes sense.
 */
const OPENS_BLOCK = /(?:[:{([]|=>|\bdo|\bthen|\belse)\s*$/;

export function wantsMultiline(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) lineEnd = text.length;
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lineEnd);
  if (after.trim().length > 0 && !/^[\s)\]}>;,'"`]*$/.test(after)) return false;
  return before.trim().length === 0 || OPENS_BLOCK.test(before);
}

/** Leading whitespace of the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}

/** Whether the cursor's line, up to the cursor, ends by opening a block. */
export function opensBlockAt(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return OPENS_BLOCK.test(text.slice(lineStart, offset));
}
