/** A file as lines plus the line ending each one had, so untouched lines are written back byte for byte. */

export interface FileLines {
  /** Line text without its line ending. */
  lines: string[];
  /** '\n', '\r\n' or '' (the last line of a file without a final newline). */
  endings: string[];
}

export function splitFileLines(text: string): FileLines {
  const lines: string[] = [];
  const endings: string[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    if (newline === -1) {
      lines.push(text.slice(start));
      endings.push('');
      break;
    }
    const crlf = newline > start && text[newline - 1] === '\r';
    lines.push(text.slice(start, crlf ? newline - 1 : newline));
    endings.push(crlf ? '\r\n' : '\n');
    start = newline + 1;
  }
  return { lines, endings };
}

export function joinFileLines(file: FileLines): string {
  let text = '';
  for (let i = 0; i < file.lines.length; i++) text += file.lines[i]! + file.endings[i]!;
  return text;
}

/** The line ending most lines use; new lines are written with it. LF for files with no line breaks. */
export function dominantEnding(file: FileLines): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (const ending of file.endings) {
    if (ending === '\r\n') crlf++;
    else if (ending === '\n') lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Splits LF block text (as the parsers produce it) into lines; '' has none. */
export function blockLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
