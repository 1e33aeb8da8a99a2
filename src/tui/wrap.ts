/** Wraps styled text to a terminal width. Styling is applied per piece so a wrapped line never leaks colour. */
import { charWidth, displayWidth, plain, type Paint } from './ansi.js';

export interface Span {
  text: string;
  paint: Paint;
}

interface Piece {
  text: string;
  paint: Paint;
  width: number;
}

/** Adjacent pieces with the same style are painted together, which keeps escape sequences few. */
function joinPieces(pieces: Piece[]): string {
  let out = '';
  let run = '';
  let paint: Paint | undefined;
  for (const piece of pieces) {
    if (piece.paint !== paint) {
      if (paint !== undefined) out += paint(run);
      paint = piece.paint;
      run = '';
    }
    run += piece.text;
  }
  if (paint !== undefined) out += paint(run);
  return out;
}

/** Splits text so that no part is wider than `width` cells. */
export function breakToWidth(text: string, width: number): string[] {
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width && current !== '') {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += w;
  }
  if (current !== '' || parts.length === 0) parts.push(current);
  return parts;
}

/**
 * Greedy word wrap. `firstPrefix` starts the first line and `restPrefix` the others (list bullets
 * and their hanging indent, quote bars); both are already styled.
 */
export function wrapSpans(spans: Span[], width: number, firstPrefix = '', restPrefix = firstPrefix): string[] {
  const lines: string[] = [];
  let prefix = firstPrefix;
  let available = Math.max(1, width - displayWidth(prefix));
  let line: Piece[] = [];
  let used = 0;
  let pendingSpace: Piece | undefined;

  const flush = (): void => {
    lines.push(prefix + joinPieces(line));
    prefix = restPrefix;
    available = Math.max(1, width - displayWidth(prefix));
    line = [];
    used = 0;
    pendingSpace = undefined;
  };

  for (const span of spans) {
    for (const part of span.text.split(/(\s+)/)) {
      if (part === '') continue;
      if (/^\s+$/.test(part)) {
        if (used > 0) pendingSpace = { text: ' ', paint: span.paint, width: 1 };
        continue;
      }
      let word = part;
      let wordWidth = displayWidth(word);
      const spaceWidth = pendingSpace === undefined ? 0 : 1;
      if (used > 0 && used + spaceWidth + wordWidth > available) flush();
      if (pendingSpace !== undefined && used > 0) {
        line.push(pendingSpace);
        used += 1;
      }
      pendingSpace = undefined;
      // A word longer than a whole line is cut hard; the remainder continues on new lines.
      while (used + wordWidth > available) {
        const [head, ...tail] = breakToWidth(word, available - used);
        line.push({ text: head!, paint: span.paint, width: displayWidth(head!) });
        flush();
        word = tail.join('');
        wordWidth = displayWidth(word);
      }
      if (word !== '') {
        line.push({ text: word, paint: span.paint, width: wordWidth });
        used += wordWidth;
      }
    }
  }
  if (line.length > 0 || lines.length === 0) flush();
  return lines;
}

/** Hard-wraps one line of styled tokens (code) without touching spaces. */
export function hardWrapSpans(spans: Span[], width: number, prefix = ''): string[] {
  const available = Math.max(1, width - displayWidth(prefix));
  const lines: string[] = [];
  let line: Piece[] = [];
  let used = 0;
  for (const span of spans) {
    let rest = span.text;
    while (rest !== '') {
      const [head, ...tail] = breakToWidth(rest, Math.max(1, available - used));
      const headWidth = displayWidth(head!);
      if (used > 0 && used + headWidth > available) {
        lines.push(prefix + joinPieces(line));
        line = [];
        used = 0;
        continue;
      }
      line.push({ text: head!, paint: span.paint, width: headWidth });
      used += headWidth;
      rest = tail.join('');
      if (rest !== '') {
        lines.push(prefix + joinPieces(line));
        line = [];
        used = 0;
      }
    }
  }
  lines.push(prefix + joinPieces(line));
  return lines;
}

export const plainSpan = (text: string): Span => ({ text, paint: plain });
