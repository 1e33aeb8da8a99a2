/**
 * Reads a model's review leniently. The model is asked for one comment per line,
 * `path:line: severity: message`, but small models wrap it in fences, bullets or a JSON array;
 * both shapes are accepted, unknown severities become warnings, and anything else is ignored.
 */

export type Severity = 'info' | 'warning' | 'error';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

export interface ParsedComment {
  file: string;
  line: number;
  severity: Severity;
  message: string;
}

const SEVERITY_WORDS: Record<string, Severity> = {
  info: 'info',
  note: 'info',
  nit: 'info',
  suggestion: 'info',
  low: 'info',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  error: 'error',
  bug: 'error',
  critical: 'error',
  high: 'error',
  security: 'error',
};

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

function severityOf(word: unknown): Severity {
  return SEVERITY_WORDS[String(word ?? '').trim().toLowerCase()] ?? 'warning';
}

/** Strips decorations a model puts around a path: backticks, quotes, a leading `./` or `b/`. */
function cleanPath(raw: string): string {
  return raw.trim().replace(/^[`'"*]+|[`'"*]+$/g, '').replace(/^(?:\.\/|b\/)/, '');
}

// `- **src/a.py:12**: error: message`, `src/a.py:12:5: warning - message`, `src/a.py line 12: …`
const LINE_COMMENT = /^\s*(?:[-*•]|\d+[.)])?\s*[`*]*([^\s:`*][^:`*]*?)[`*]*(?::|\s+line\s+)(\d+)(?::\d+)?[`*]*\s*[:\-–]\s*(?:\[?([A-Za-z]+)\]?\s*[:\-–]\s*)?(.+)$/;

function fromJson(text: string): ParsedComment[] | undefined {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start === -1 || end <= start) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (!Array.isArray(data)) return undefined;
  const comments: ParsedComment[] = [];
  for (const item of data) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    const file = record.file ?? record.path;
    const line = Number(record.line);
    const message = record.message ?? record.comment ?? record.text;
    if (typeof file !== 'string' || !Number.isInteger(line) || line < 1 || typeof message !== 'string' || message.trim() === '') continue;
    comments.push({ file: cleanPath(file), line, severity: severityOf(record.severity), message: message.trim() });
  }
  return comments;
}

function fromLines(text: string): ParsedComment[] {
  const comments: ParsedComment[] = [];
  for (const raw of text.split('\n')) {
    const match = LINE_COMMENT.exec(raw);
    if (!match) continue;
    const [, path, line, word, rest] = match;
    // "error: x" names the severity; "the loop skips …" is a message with no severity word.
    const known = word !== undefined && SEVERITY_WORDS[word.toLowerCase()] !== undefined;
    const message = (known ? rest! : word ? `${word}: ${rest}` : rest!).trim();
    if (message === '') continue;
    comments.push({ file: cleanPath(path!), line: Number(line), severity: known ? severityOf(word) : 'warning', message });
  }
  return comments;
}

/** The comments in a reply: a JSON array when there is a valid one, else `path:line: severity: message` lines. */
export function parseReviewReply(text: string): ParsedComment[] {
  return fromJson(text) ?? fromLines(text);
}
