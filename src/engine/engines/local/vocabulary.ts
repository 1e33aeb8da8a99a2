/**
 * Token strings of one family interned as small integers, with how often each occurs in the live
 * corpus (the unigram statistics every estimate finally backs off to) and a prefix index over
 * names and literals, so a partly typed name finds its candidates without scanning everything.
 * Ids are never reused: a token whose files are all removed keeps its id with a count of zero.
 */
import { detachedString } from '../../../util/detached-string.js';
import { OPAQUE } from './tokens.js';

/** Bounds memory on pathological input; ids past it all read as the opaque token. */
export const MAX_VOCABULARY = 1 << 23;

const PREFIX_KEY_LENGTHS = [2, 3] as const;

/** Names, numbers and string literals: the tokens worth finding by a typed prefix. */
function isNameLike(text: string): boolean {
  const code = text.charCodeAt(text.charCodeAt(0) === 32 ? 1 : 0);
  return code === 34 || code === 39 || code === 96 || code === 95 || code === 36 || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code >= 128;
}

export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  private counts = new Float64Array(1024);
  private readonly byPrefix = new Map<string, number[]>();
  /** Sum of all counts. */
  total = 0;

  get size(): number {
    return this.texts.length;
  }

  /** The id of `text`, adding it when new. */
  intern(token: string): number {
    const known = this.ids.get(token);
    if (known !== undefined) return known;
    if (this.texts.length >= MAX_VOCABULARY) return this.intern(OPAQUE);
    // The token is a slice of a file's text: kept as is, it would keep the whole file in memory.
    const text = detachedString(token);
    const id = this.texts.length;
    this.texts.push(text);
    this.ids.set(text, id);
    if (id >= this.counts.length) {
      const grown = new Float64Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    if (isNameLike(text)) {
      for (const length of PREFIX_KEY_LENGTHS) {
        if (text.length < length) continue;
        const key = text.slice(0, length);
        const list = this.byPrefix.get(key);
        if (list) list.push(id);
        else this.byPrefix.set(key, [id]);
      }
    }
    return id;
  }

  find(text: string): number | undefined {
    return this.ids.get(text);
  }

  text(id: number): string {
    return this.texts[id] ?? OPAQUE;
  }

  count(id: number): number {
    return id < this.texts.length ? this.counts[id]! : 0;
  }

  adjust(id: number, delta: number): void {
    this.counts[id] = Math.max(0, this.counts[id]! + delta);
    this.total = Math.max(0, this.total + delta);
  }

  /** Live name-like tokens whose text starts with `prefix` (at least two characters long). */
  withPrefix(prefix: string): number[] {
    if (prefix.length < PREFIX_KEY_LENGTHS[0]) return [];
    const list = this.byPrefix.get(prefix.slice(0, Math.min(prefix.length, PREFIX_KEY_LENGTHS[1])));
    if (!list) return [];
    const out: number[] = [];
    for (const id of list) if (this.counts[id]! > 0 && this.texts[id]!.startsWith(prefix)) out.push(id);
    return out;
  }

  /** Rough heap bytes held, for reports. */
  approximateBytes(): number {
    let chars = 0;
    for (const text of this.texts) chars += text.length;
    return chars * 2 + this.texts.length * 64 + this.counts.byteLength;
  }
}
