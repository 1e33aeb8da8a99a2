// Errors and message helpers for the config module. Kept dependency-free so
// that anything (CLI entry, tests, other leaves) can import it cheaply.

export interface ConfigErrorDetails {
  /** Config file path, or a source description such as `env INLINE_BASE_URL` / `flag --base-url`. */
  file?: string;
  /** Setting name as the user spells it (the file key, e.g. `baseUrl`, `timeouts.stallMs`). */
  key?: string;
  /** Human description of what would have been accepted. */
  expected?: string;
}

/**
 * A problem the user must fix in their configuration. The CLI maps it to exit
 * code 2 (usage error) and prints `message` verbatim, so the message is always
 * a complete sentence that names where the bad value came from.
 */
export class ConfigError extends Error {
  readonly exitCode = 2 as const;
  readonly file?: string;
  readonly key?: string;
  readonly expected?: string;

  constructor(message: string, details: ConfigErrorDetails = {}) {
    super(message);
    this.name = 'ConfigError';
    if (details.file !== undefined) this.file = details.file;
    if (details.key !== undefined) this.key = details.key;
    if (details.expected !== undefined) this.expected = details.expected;
  }
}

const MAX_SHOWN_VALUE = 60;

/**
 * Renders a received value for an error message. Secrets are reduced to their
 * shape: a user pasting a key into the wrong place must never see it echoed
 * into logs or terminal scrollback.
 */
export function showValue(value: unknown, secret = false): string {
  if (secret) return describeShape(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE - 3)}...` : text;
}

function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (value === '') return 'an empty string';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string (value hidden)';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export interface JsonSyntaxLocation {
  line: number;
  column: number;
}

/**
 * Turns a V8 JSON.parse failure into a short reason plus, when it can be
 * recovered, a 1-based line:column. V8 only reports a numeric position for
 * some errors; "Unexpected token" errors instead embed a ~10-character source
 * snippet around the offending token, which we both strip (it may contain a
 * secret from the file) and use to locate the token.
 */
export function describeJsonSyntaxError(
  err: unknown,
  text: string,
): { reason: string; location?: JsonSyntaxLocation } {
  const raw = err instanceof Error ? err.message : String(err);

  const positioned = /^([\s\S]*?) in JSON at position (\d+)/.exec(raw) ?? /^([\s\S]*?) at position (\d+)/.exec(raw);
  if (positioned) {
    return { reason: positioned[1]!, location: locate(text, Number(positioned[2])) };
  }

  if (/^Unexpected end of JSON input/.test(raw)) {
    return { reason: 'Unexpected end of JSON input', location: locate(text, text.length) };
  }

  const token = /^Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON/.exec(raw);
  if (token) {
    const reason = `Unexpected token '${token[1]}'`;
    const [, , leading, snippet, trailing] = token;
    // Mirrors V8's JsonParser::ReportUnexpectedToken context window.
    const CONTEXT = 10;
    let pos: number | undefined;
    if (leading) {
      const start = text.indexOf(snippet!);
      if (start >= 0) pos = start + CONTEXT;
    } else if (trailing) {
      pos = snippet!.length - CONTEXT;
    }
    return pos === undefined || pos < 0 ? { reason } : { reason, location: locate(text, pos) };
  }

  // Unknown wording (future V8): keep only the first clause, which never
  // contains source text in any format seen so far.
  return { reason: raw.split(',')[0]!.trim() };
}

function locate(text: string, position: number): JsonSyntaxLocation {
  const clamped = Math.max(0, Math.min(position, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: clamped - lineStart + 1 };
}
