/**
 * Markdown for the terminal: headings, lists, block quotes, rules, emphasis, inline code, links and
 * fenced code blocks with syntax highlighting, wrapped to the terminal width. It tolerates the
 * half-written Markdown of a streaming answer: an unclosed fence is shown as code, an unclosed
 * `**` as literal text.
 */
import { compose, displayWidth, palette, type Paint, type Palette } from './ansi.js';
import { highlightLine, INITIAL_STATE, type LineState, type TokenKind } from './highlight.js';
import { hardWrapSpans, wrapSpans, type Span } from './wrap.js';

export interface MarkdownOptions {
  /** Terminal columns to wrap to. */
  width: number;
  color: boolean;
}

const FENCE = /^(\s{0,3})(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;

const INLINE =
  /(`+)([\s\S]+?)\1|\*\*(?=\S)([\s\S]+?)(?<=\S)\*\*|__(?=\S)([\s\S]+?)(?<=\S)__(?!\w)|~~(?=\S)([\s\S]+?)(?<=\S)~~|\*(?=[^\s*])([\s\S]+?)(?<=[^\s*])\*|(?<![\w])_(?=\S)([\s\S]+?)(?<=\S)_(?![\w])|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** Inline Markdown to styled spans; markers that never close stay literal. */
export function inlineSpans(text: string, colors: Palette, base: Paint = (s) => s): Span[] {
  const spans: Span[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    if (index > last) spans.push({ text: text.slice(last, index), paint: base });
    const [, ticks, code, bold1, bold2, strike, em1, em2, linkText, url] = match;
    if (ticks !== undefined && code !== undefined) {
      const trimmed = code.length > 2 && code.startsWith(' ') && code.endsWith(' ') ? code.slice(1, -1) : code;
      spans.push({ text: trimmed, paint: compose(base, colors.cyan) });
    } else if (bold1 !== undefined || bold2 !== undefined) {
      spans.push(...inlineSpans((bold1 ?? bold2)!, colors, compose(base, colors.bold)));
    } else if (strike !== undefined) {
      spans.push(...inlineSpans(strike, colors, compose(base, colors.strike)));
    } else if (em1 !== undefined || em2 !== undefined) {
      spans.push(...inlineSpans((em1 ?? em2)!, colors, compose(base, colors.italic)));
    } else if (linkText !== undefined && url !== undefined) {
      spans.push(...inlineSpans(linkText, colors, compose(base, colors.underline)));
      if (url !== linkText) spans.push({ text: ` (${url})`, paint: compose(base, colors.gray) });
    }
    last = index + match[0].length;
  }
  if (last < text.length) spans.push({ text: text.slice(last), paint: base });
  return spans;
}

function tokenPaint(kind: TokenKind, colors: Palette): Paint {
  switch (kind) {
    case 'keyword':
      return colors.magenta;
    case 'string':
      return colors.green;
    case 'comment':
      return colors.gray;
    case 'number':
      return colors.yellow;
    default:
      return (s) => s;
  }
}

function renderCode(code: string[], language: string, options: MarkdownOptions, colors: Palette): string[] {
  const bar = colors.gray('│ ');
  const lines: string[] = [colors.gray(`╭─ ${language === '' ? 'code' : language}`)];
  let state: LineState = INITIAL_STATE;
  for (const line of code) {
    const result = highlightLine(line.replace(/\t/g, '  '), language, state);
    state = result.state;
    const spans = result.tokens.map((token) => ({ text: token.text, paint: tokenPaint(token.kind, colors) }));
    lines.push(...hardWrapSpans(spans, options.width, bar));
  }
  lines.push(colors.gray('╰─'));
  return lines;
}

function headingPaint(level: number, colors: Palette): Paint {
  if (level === 1) return compose(colors.bold, colors.underline, colors.cyan);
  if (level === 2) return compose(colors.bold, colors.cyan);
  return colors.bold;
}

interface ListMarker {
  indent: number;
  bullet: string;
}

function listMarker(indentText: string, marker: string): ListMarker {
  const depth = Math.floor(indentText.replace(/\t/g, '    ').length / 2);
  const bullet = /\d/.test(marker) ? `${marker.replace(')', '.')} ` : depth % 2 === 0 ? '• ' : '◦ ';
  return { indent: depth * 2, bullet };
}

/** Renders Markdown into terminal lines no wider than `options.width`. */
export function renderMarkdown(text: string, options: MarkdownOptions): string[] {
  const colors = palette(options.color);
  const width = Math.max(8, options.width);
  const opts = { ...options, width };
  const source = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  /** Continuation lines of the current list item hang under its text. */
  let listIndent: string | undefined;

  const blank = (): void => {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
  };
  const flushParagraph = (): void => {
    if (paragraph.length === 0) return;
    const hang = listIndent ?? '';
    out.push(...wrapSpans(inlineSpans(paragraph.join(' '), colors), width, hang, hang));
    paragraph = [];
  };

  for (let i = 0; i < source.length; i++) {
    const line = source[i]!;
    const fence = FENCE.exec(line);
    if (fence !== null) {
      flushParagraph();
      const closer = new RegExp(`^\\s{0,3}${fence[2]![0] === '`' ? '`' : '~'}{${fence[2]!.length},}\\s*$`);
      const code: string[] = [];
      let j = i + 1;
      while (j < source.length && !closer.test(source[j]!)) code.push(source[j++]!);
      out.push(...renderCode(code, fence[3] ?? '', opts, colors));
      i = j;
      listIndent = undefined;
      continue;
    }
    if (line.trim() === '') {
      flushParagraph();
      listIndent = undefined;
      blank();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) {
      flushParagraph();
      listIndent = undefined;
      const level = heading[1]!.length;
      out.push(...wrapSpans(inlineSpans(heading[2]!, colors, headingPaint(level, colors)), width));
      continue;
    }
    if (RULE.test(line)) {
      flushParagraph();
      listIndent = undefined;
      out.push(colors.gray('─'.repeat(width)));
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item !== null) {
      flushParagraph();
      const marker = listMarker(item[1]!, item[2]!);
      const lead = ' '.repeat(marker.indent);
      listIndent = ' '.repeat(marker.indent + displayWidth(marker.bullet));
      out.push(...wrapSpans(inlineSpans(item[3]!, colors), width, lead + colors.yellow(marker.bullet), listIndent));
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote !== null) {
      flushParagraph();
      listIndent = undefined;
      const bar = colors.gray('│ ');
      out.push(...wrapSpans(inlineSpans(quote[1]!, colors, colors.italic), width, bar, bar));
      continue;
    }
    if (TABLE_ROW.test(line)) {
      flushParagraph();
      out.push(...hardWrapSpans([{ text: line, paint: (s) => s }], width));
      continue;
    }
    paragraph.push(line.trim());
  }
  flushParagraph();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Where a growing text can be cut so that the part before renders the same on its own: the last
 * blank line outside a code fence. A streaming view re-renders only what follows it.
 */
export function stableBoundary(text: string): number {
  let boundary = 0;
  let inFence = false;
  let offset = 0;
  let previousBlank = false;
  for (const line of text.split('\n')) {
    const next = offset + line.length + 1;
    if (FENCE.test(line)) inFence = !inFence;
    const blank = line.trim() === '';
    if (!inFence && blank && !previousBlank && next <= text.length) boundary = next;
    previousBlank = blank;
    offset = next;
  }
  return boundary;
}
