// The declarative table of every setting. Adding a setting means adding a row
// to SETTINGS (and a field to InlineConfig); load.ts has no per-key code.

import path from 'node:path';

export type EngineName = 'local' | 'openai-http' | 'llama';
export const ENGINE_NAMES: readonly EngineName[] = ['local', 'openai-http', 'llama'];

export interface InlineConfig {
  engine: EngineName;
  baseUrls: string[];
  apiKey?: string;
  model?: string;
  fimModel?: string;
  embedModel?: string;
  gguf?: string;
  contextTokens?: number;
  timeouts: { connectMs: number; firstByteMs: number; stallMs: number };
  retries: { max: number; baseDelayMs: number; maxRetryAfterMs: number };
  endpoints: { busyInFlight: number; downCooldownMs: number };
  embedBatchSize: number;
  /** FIM template id that overrides the one chosen from the model name. */
  fimTemplate?: string;
  index: { embedder: EmbedderName };
  /** Embedding GGUF for the `llama` embedder (separate from the generation model). */
  embedGguf?: string;
  completion: { deadlineMs: number; promptTokens: number };
  /** What an AI edit does with the user's own uncommitted changes in the files it touches. */
  edits: { dirtyFiles: DirtyFilesPolicy };
}

export type DirtyFilesPolicy = 'commit' | 'refuse';
export const DIRTY_FILES_POLICIES: readonly DirtyFilesPolicy[] = ['commit', 'refuse'];

export type EmbedderName = 'hashing' | 'http' | 'llama';
export const EMBEDDER_NAMES: readonly EmbedderName[] = ['hashing', 'http', 'llama'];

// Dot-paths of every leaf of InlineConfig. Typing descriptor paths with this
// makes a typo in a row (or a renamed config field) a compile error.
type LeafPaths<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends readonly unknown[]
    ? K
    : NonNullable<T[K]> extends object
      ? `${K}.${LeafPaths<NonNullable<T[K]>>}`
      : K;
}[keyof T & string];

export type SettingPath = LeafPaths<InlineConfig>;

/** What a parser needs to interpret a raw value relative to where it was written. */
export interface ParseContext {
  /** Directory relative paths resolve against: the config file's directory, or cwd for env/flags. */
  baseDir: string;
  home: string;
}

export type ParseResult =
  | { ok: true; value: unknown }
  /** `expected`/`got` override the descriptor's when the failure is about one element of a list. */
  | { ok: false; expected?: string; got?: unknown };

/** Reads another setting's final value; used by derivations and cross-setting checks. */
export type Lookup = (path: SettingPath) => unknown;

export interface SettingDescriptor {
  /** Dot-path in InlineConfig, also the key used in `LoadedConfig.sources`. */
  path: SettingPath;
  /** Dot-path as written in config.json (nested objects) when it differs from `path`. */
  fileKey?: string;
  description: string;
  /** Completes the sentence `"<key>" must be ...`. */
  expected: string;
  /** Validates and normalises a raw value from JSON, env or flags. */
  parse(raw: unknown, ctx: ParseContext): ParseResult;
  /** Converts an environment-variable string into the raw shape `parse` accepts. */
  fromString?(raw: string): unknown;
  default?: unknown;
  /** Environment variables in priority order; the first non-empty one wins. */
  env?: readonly string[];
  /** `option` is the ConfigFlags property; `name` is how the CLI spells it in messages. */
  flag?: { option: string; name: string };
  /** Never echo the value in messages. */
  secret?: boolean;
  /** Computes a value when no layer sets one; takes precedence over `default`. */
  derive?(lookup: Lookup): { value: unknown; source: string };
  /** Cross-setting constraint on the final value; returns a problem sentence or undefined. */
  check?(value: unknown, lookup: Lookup): string | undefined;
}

export function fileKeyOf(setting: SettingDescriptor): string {
  return setting.fileKey ?? setting.path;
}

type Kind = Pick<SettingDescriptor, 'expected' | 'parse' | 'fromString'>;

const ok = (value: unknown): ParseResult => ({ ok: true, value });
const fail = (expected?: string, got?: unknown): ParseResult =>
  expected === undefined ? { ok: false } : got === undefined ? { ok: false, expected } : { ok: false, expected, got };

const text: Kind = {
  expected: 'a non-empty string',
  // Trimming forgives the trailing newline of `$(cat keyfile)` and copy-paste.
  parse: (raw) => (typeof raw === 'string' && raw.trim() !== '' ? ok(raw.trim()) : fail()),
};

const filePath: Kind = {
  expected: 'a file path (string)',
  parse: (raw, ctx) => {
    if (typeof raw !== 'string' || raw.trim() === '') return fail();
    const p = raw.trim();
    if (p === '~') return ok(ctx.home);
    if (p.startsWith('~/') || p.startsWith('~\\')) return ok(path.join(ctx.home, p.slice(2)));
    return ok(path.resolve(ctx.baseDir, p));
  },
};

function integer(min: 0 | 1, unit?: string): Kind {
  const base = min === 1 ? 'a positive integer' : 'a non-negative integer';
  return {
    expected: unit ? `${base} (${unit})` : base,
    parse: (raw) => (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= min ? ok(raw) : fail()),
    // Anything that is not plainly digits stays a string so the error shows what was typed.
    fromString: (raw) => (/^\s*\d+\s*$/.test(raw) ? Number(raw) : raw),
  };
}

function oneOf(values: readonly string[]): Kind {
  return {
    expected: `one of ${values.join(', ')}`,
    parse: (raw) => {
      if (typeof raw !== 'string') return fail();
      const v = raw.trim().toLowerCase();
      return values.includes(v) ? ok(v) : fail();
    },
  };
}

const HTTP_URL = 'an http(s) URL';

/** Strips whitespace and trailing slashes so `${base}/v1/...` joins cleanly. */
function normalizeUrl(raw: string): string | undefined {
  const trimmed = raw.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? trimmed : undefined;
}

// A string or an array of strings; every string may itself be comma-separated,
// so config files, INLINE_BASE_URL and repeated/comma-joined flags behave alike.
const httpUrlList: Kind = {
  expected: `${HTTP_URL} or an array of them`,
  parse: (raw) => {
    const items = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(items)) return fail();
    const urls: string[] = [];
    for (const item of items) {
      if (typeof item !== 'string') return fail(HTTP_URL, item);
      const parts = item.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (parts.length === 0) return fail(HTTP_URL, item);
      for (const part of parts) {
        const url = normalizeUrl(part);
        if (url === undefined) return fail(HTTP_URL, part);
        // Duplicates would double-weight one server in the endpoint pool.
        if (!urls.includes(url)) urls.push(url);
      }
    }
    return ok(urls);
  },
};

/** "set --base-url, INLINE_BASE_URL or "baseUrl" in .inline/config.json", built from the table. */
function howToSet(settingPath: SettingPath): string {
  const setting = SETTINGS.find((s) => s.path === settingPath);
  if (!setting) return '';
  const ways = [
    ...(setting.flag ? [setting.flag.name] : []),
    ...(setting.env ?? []).slice(0, 1),
    `"${fileKeyOf(setting)}" in .inline/config.json`,
  ];
  return ways.length === 1 ? ways[0]! : `${ways.slice(0, -1).join(', ')} or ${ways[ways.length - 1]}`;
}

const ENGINE_NEEDS: Partial<Record<EngineName, { path: SettingPath; what: string }>> = {
  'openai-http': { path: 'baseUrls', what: 'a base URL' },
  llama: { path: 'gguf', what: 'a GGUF model file' },
};

function isUnset(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

export const SETTINGS: readonly SettingDescriptor[] = [
  {
    path: 'engine',
    ...oneOf(ENGINE_NAMES),
    description: 'Which backend answers requests. Derived from baseUrl/gguf when not set.',
    env: ['INLINE_ENGINE'],
    flag: { option: 'engine', name: '--engine' },
    derive: (lookup) => {
      if (!isUnset(lookup('baseUrls'))) return { value: 'openai-http', source: 'derived from baseUrls' };
      if (!isUnset(lookup('gguf'))) return { value: 'llama', source: 'derived from gguf' };
      return { value: 'local', source: 'default' };
    },
    check: (value, lookup) => {
      const need = ENGINE_NEEDS[value as EngineName];
      if (!need || !isUnset(lookup(need.path))) return undefined;
      return `engine "${String(value)}" needs ${need.what}: set ${howToSet(need.path)}`;
    },
  },
  {
    path: 'baseUrls',
    fileKey: 'baseUrl',
    ...httpUrlList,
    description: 'OpenAI-compatible server base URLs; several form a load-balanced pool.',
    default: [],
    env: ['INLINE_BASE_URL'],
    flag: { option: 'baseUrl', name: '--base-url' },
  },
  {
    path: 'apiKey',
    ...text,
    description: 'Bearer token sent to the HTTP backend.',
    env: ['INLINE_API_KEY', 'OPENAI_API_KEY'],
    flag: { option: 'apiKey', name: '--api-key' },
    secret: true,
  },
  {
    path: 'model',
    ...text,
    description: 'Chat model name.',
    env: ['INLINE_MODEL'],
    flag: { option: 'model', name: '--model' },
  },
  {
    path: 'fimModel',
    ...text,
    description: 'Fill-in-the-middle model used for completions.',
    env: ['INLINE_FIM_MODEL'],
    flag: { option: 'fimModel', name: '--fim-model' },
  },
  {
    path: 'embedModel',
    ...text,
    description: 'Embedding model used for code search.',
    env: ['INLINE_EMBED_MODEL'],
    flag: { option: 'embedModel', name: '--embed-model' },
  },
  {
    path: 'gguf',
    ...filePath,
    description: 'Path to a GGUF model for the llama engine.',
    env: ['INLINE_GGUF'],
    flag: { option: 'gguf', name: '--gguf' },
  },
  {
    path: 'contextTokens',
    ...integer(1, 'tokens'),
    description: "Context window size; defaults to the model's own.",
  },
  {
    path: 'timeouts.connectMs',
    ...integer(1, 'milliseconds'),
    description: 'Give up connecting to a server after this long.',
    default: 3000,
  },
  {
    path: 'timeouts.firstByteMs',
    ...integer(1, 'milliseconds'),
    description: 'Give up waiting for the first response byte after this long.',
    default: 30000,
  },
  {
    path: 'timeouts.stallMs',
    ...integer(1, 'milliseconds'),
    description: 'Abort a streaming response that goes silent for this long.',
    default: 15000,
  },
  {
    path: 'retries.max',
    ...integer(0),
    description: 'Retries for a failed request (0 disables retrying).',
    default: 2,
  },
  {
    path: 'retries.baseDelayMs',
    ...integer(0, 'milliseconds'),
    description: 'First backoff delay; doubles on each retry.',
    default: 250,
  },
  {
    path: 'retries.maxRetryAfterMs',
    ...integer(0, 'milliseconds'),
    description: 'Longest Retry-After the client will honour before failing instead.',
    default: 10000,
  },
  {
    path: 'endpoints.busyInFlight',
    ...integer(1),
    description: 'In-flight requests at which an endpoint counts as busy.',
    default: 4,
  },
  {
    path: 'endpoints.downCooldownMs',
    ...integer(0, 'milliseconds'),
    description: 'How long an unreachable endpoint is skipped.',
    default: 5000,
  },
  {
    path: 'embedBatchSize',
    ...integer(1),
    description: 'Texts per embedding request.',
    default: 64,
  },
  {
    path: 'fimTemplate',
    ...text,
    description: 'FIM prompt template (starcoder, qwen-coder, deepseek-coder, codellama, codestral, codegemma, plain) instead of the one chosen from the model name.',
    env: ['INLINE_FIM_TEMPLATE'],
  },
  {
    path: 'index.embedder',
    ...oneOf(EMBEDDER_NAMES),
    description: 'Embeddings for code search: hashing (built in, no model), http (/v1/embeddings with embedModel) or llama (embedGguf).',
    default: 'hashing',
    env: ['INLINE_EMBEDDER'],
  },
  {
    path: 'completion.deadlineMs',
    ...integer(1, 'milliseconds'),
    description: 'A completion backend that has not started answering after this long is abandoned and the local engine answers.',
    default: 2000,
    env: ['INLINE_COMPLETION_DEADLINE_MS'],
  },
  {
    path: 'completion.promptTokens',
    ...integer(1, 'tokens'),
    description: 'Most tokens a completion prompt may use (the model window permitting).',
    default: 2048,
  },
  {
    path: 'edits.dirtyFiles',
    ...oneOf(DIRTY_FILES_POLICIES),
    description: 'Your uncommitted changes in files an AI edit touches: commit them first in a separate commit, or refuse the edit.',
    default: 'commit',
  },
  {
    path: 'embedGguf',
    ...filePath,
    description: 'Path to an embedding GGUF model for the llama embedder.',
    env: ['INLINE_EMBED_GGUF'],
  },
];
