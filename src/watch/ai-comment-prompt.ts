/**
 * The code an AI comment sits in, quoted in the request so the model looks at the right place:
 * the innermost function or class around the comment, or 20 lines either side when there is none
 * (or it is too long to quote). The whole file is in the chat as well.
 */
import { LANGUAGES, languageForPath } from '../context/languages.js';
import { scopeAt } from '../context/scope.js';

const AROUND = 20;
/** A definition longer than this is quoted only around the comment. */
const MAX_SCOPE_LINES = 150;

interface LineSpan {
  /** 0-based, inclusive. */
  first: number;
  last: number;
}

/** Fenced excerpts of `text` around each of `lines` (0-based), overlapping ones merged. */
export async function describeSurroundings(path: string, text: string, lines: number[]): Promise<string> {
  const all = text.split('\n');
  const spans: LineSpan[] = [];
  for (const line of lines) spans.push(await spanAround(path, text, all, line));
  const merged = mergeSpans(spans);
  const language = languageForPath(path);
  const fence = language ? LANGUAGES[language].id : '';
  return merged
    .map((span) => `The code around it, ${path} lines ${span.first + 1}-${span.last + 1}:\n\`\`\`${fence}\n${all.slice(span.first, span.last + 1).join('\n')}\n\`\`\``)
    .join('\n\n');
}

async function spanAround(path: string, text: string, all: string[], line: number): Promise<LineSpan> {
  const fallback = { first: Math.max(0, line - AROUND), last: Math.min(all.length - 1, line + AROUND) };
  const language = languageForPath(path);
  if (!language) return fallback;
  try {
    const lineStart = all.slice(0, line).reduce((offset, l) => offset + l.length + 1, 0);
    const indent = all[line]!.length - all[line]!.trimStart().length;
    const { innermost } = await scopeAt(language, text, lineStart + indent);
    if (!innermost) return fallback;
    const { startLine, endLine } = innermost.range;
    if (endLine - startLine + 1 > MAX_SCOPE_LINES) return fallback;
    return { first: startLine, last: endLine };
  } catch {
    // A grammar that fails to load must not stop the request: the lines around it will do.
    return fallback;
  }
}

export function mergeSpans(spans: LineSpan[]): LineSpan[] {
  const sorted = [...spans].sort((a, b) => a.first - b.first);
  const merged: LineSpan[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.first <= last.last + 1) last.last = Math.max(last.last, span.last);
    else merged.push({ ...span });
  }
  return merged;
}
