/**
 * Token ids for one request: the family vocabulary's ids, plus temporary ids for tokens that only
 * the document being edited contains. The vocabulary itself is never touched by a request, so
 * half-typed names do not pile up in it.
 */
import { OPAQUE } from './tokens.js';
import { MAX_VOCABULARY, type Vocabulary } from './vocabulary.js';

export class TokenSpace {
  private readonly localIds = new Map<string, number>();
  private readonly localTexts: string[] = [];

  constructor(readonly vocabulary: Vocabulary) {}

  id(text: string): number {
    const known = this.vocabulary.find(text);
    if (known !== undefined) return known;
    let local = this.localIds.get(text);
    if (local === undefined) {
      local = MAX_VOCABULARY + this.localTexts.length;
      this.localTexts.push(text);
      this.localIds.set(text, local);
    }
    return local;
  }

  text(id: number): string {
    return id >= MAX_VOCABULARY ? (this.localTexts[id - MAX_VOCABULARY] ?? OPAQUE) : this.vocabulary.text(id);
  }
}
