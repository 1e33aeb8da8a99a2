/**
 * The shape of a line as block structure sees it: does it open a block (`if x:`, `{`, `foo(`),
 * close one (`}`, `)`, `end`), or continue a statement whose block it closes (`else:`, `} else {`).
 */
import { CODE, scan } from './scanner.js';
import type { Syntax } from './syntax.js';

const CONTINUATION = /^(?:else|elif|elsif|except|finally|catch|rescue|ensure|when)\b/;

/** Whether the line, ignoring a trailing comment, ends by opening a block or a bracket. */
export function opensBlock(line: string, syntax: Syntax | undefined): boolean {
  const last = syntax ? scan(line, syntax, CODE).previous : line.trimEnd().slice(-1);
  return last === ':' || last === '{' || last === '(' || last === '[' || /\bdo(?:\s*\|[^|]*\|)?\s*$/.test(line);
}

/** Whether the line starts by closing a block: `}`, `)`, `]`, `end`. */
export function startsWithCloser(line: string): boolean {
  return /^\s*(?:[)\]}]|end\b)/.test(line);
}

/** Whether the line carries on the statement of the block before it: `else:`, `} catch (e) {`. */
export function continuesStatement(line: string): boolean {
  const text = line.trimStart().replace(/^[)\]}]\s*/, '');
  return CONTINUATION.test(text);
}

const DEFINITION = /^\s*(?:@\w|(?:export\s+|pub(?:\([^)]*\))?\s+|async\s+|static\s+|public\s+|private\s+|protected\s+)*(?:def|class|function|func|fn|struct|enum|interface|impl|trait|module|type)\b)/;

/** Whether the line starts a definition (a function, a class, a decorator before one). */
export function startsDefinition(line: string): boolean {
  return DEFINITION.test(line);
}
