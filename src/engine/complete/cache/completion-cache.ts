/**
 * The completion cache (DESIGN §6): an in-memory LRU in front of an on-disk cache, keyed by a hash
 * of the prefix window, the suffix window, the language, the model and the candidate count.
 *
 * Type-through: when the user types the first characters of a suggestion that is still showing,
 * the rest of it is served without a request. Each document remembers its last suggestions with
 * where they were made; a request whose prefix is that prefix plus the start of a suggestion (and
 * whose suffix is unchanged) gets the remainder.
 */
import { createHash } from 'node:crypto';
import { DiskCache } from './disk-cache.js';
import { LruMap } from '../../../util/lru.js';

export interface CachedCandidate {
  text: string;
  logprob?: number;
}

export interface CachedCompletion {
  candidates: CachedCandidate[];
  engine: string;
}

export interface CacheQuery {
  documentKey: string;
  language: string;
  model: string;
  n: number;
  prefix: string;
  suffix: string;
}

export type CacheHit = { kind: 'memory' | 'disk' | 'type-through'; value: CachedCompletion };

/** Characters of the cursor window that form the key: enough to tell contexts apart, cheap to hash. */
const PREFIX_KEY_CHARS = 3000;
const SUFFIX_KEY_CHARS = 600;
/** Characters of the suffix compared for type-through (the rest of the current line and a bit more). */
const SUFFIX_CHECK_CHARS = 200;
const SUGGESTIONS_PER_DOCUMENT = 4;

interface ShownSuggestion {
  prefixLength: number;
  prefixTail: string;
  suffixHead: string;
  query: Omit<CacheQuery, 'prefix' | 'suffix' | 'documentKey'>;
  value: CachedCompletion;
}

export interface CompletionCacheOptions {
  memoryEntries: number;
  /** Repository root for the on-disk layer; without it only memory is used. */
  root?: string;
}

export class CompletionCache {
  private readonly memory: LruMap<string, CachedCompletion>;
  private readonly disk: DiskCache<CachedCompletion> | undefined;
  private readonly shown = new LruMap<string, ShownSuggestion[]>(256);

  constructor(options: Partial<CompletionCacheOptions> = {}) {
    this.memory = new LruMap(options.memoryEntries ?? 1000);
    this.disk = options.root ? new DiskCache(options.root) : undefined;
  }

  static keyOf(query: Omit<CacheQuery, 'documentKey'>): string {
    return createHash('sha256')
      .update(`${query.language}\0${query.model}\0${query.n}\0`)
      .update(query.prefix.slice(-PREFIX_KEY_CHARS))
      .update('\0')
      .update(query.suffix.slice(0, SUFFIX_KEY_CHARS))
      .digest('hex')
      .slice(0, 32);
  }

  lookup(query: CacheQuery): CacheHit | undefined {
    const key = CompletionCache.keyOf(query);
    const inMemory = this.memory.get(key);
    if (inMemory) return { kind: 'memory', value: inMemory };
    const typedThrough = this.typeThrough(query);
    if (typedThrough) return { kind: 'type-through', value: typedThrough };
    const onDisk = this.disk?.get(key);
    if (onDisk && Array.isArray(onDisk.candidates)) {
      this.memory.set(key, onDisk);
      return { kind: 'disk', value: onDisk };
    }
    return undefined;
  }

  store(query: CacheQuery, value: CachedCompletion, options: { disk?: boolean } = {}): void {
    const key = CompletionCache.keyOf(query);
    this.memory.set(key, value);
    if (options.disk !== false) this.disk?.set(key, value);
    this.rememberShown(query, value);
  }

  /** Records what the editor now shows, so typing into it can be served from it. */
  rememberShown(query: CacheQuery, value: CachedCompletion): void {
    if (value.candidates.length === 0) return;
    const list = (this.shown.get(query.documentKey) ?? []).filter((s) => s.prefixLength !== query.prefix.length);
    list.unshift({
      prefixLength: query.prefix.length,
      prefixTail: query.prefix.slice(-PREFIX_KEY_CHARS),
      suffixHead: query.suffix.slice(0, SUFFIX_CHECK_CHARS),
      query: { language: query.language, model: query.model, n: query.n },
      value,
    });
    this.shown.set(query.documentKey, list.slice(0, SUGGESTIONS_PER_DOCUMENT));
  }

  private typeThrough(query: CacheQuery): CachedCompletion | undefined {
    const list = this.shown.get(query.documentKey);
    if (!list) return undefined;
    const { prefix } = query;
    for (const shown of list) {
      const typedLength = prefix.length - shown.prefixLength;
      if (typedLength <= 0) continue;
      if (shown.query.language !== query.language || shown.query.model !== query.model || shown.query.n !== query.n) continue;
      // Typing inserts before the cursor, so what follows it is unchanged.
      if (query.suffix.slice(0, SUFFIX_CHECK_CHARS) !== shown.suffixHead) continue;
      const typed = prefix.slice(shown.prefixLength);
      const tailStart = shown.prefixLength - shown.prefixTail.length;
      if (prefix.slice(tailStart, shown.prefixLength) !== shown.prefixTail) continue;
      const remaining = shown.value.candidates
        .filter((c) => c.text.length > typed.length && c.text.startsWith(typed))
        .map((c) => ({ ...c, text: c.text.slice(typed.length) }));
      if (remaining.length > 0) return { candidates: remaining, engine: shown.value.engine };
    }
    return undefined;
  }
}
