/**
 * Decides, before any work, whether a completion request is worth making. Suggestions in the
 * middle of a word, inside a string literal or a comment are mostly noise while typing, and a
 * request for a document and cursor that have not changed since the last one would only repeat it.
 * An explicit request from the user (any trigger but 'automatic') skips these checks: they asked.
 */
import type { LanguageId } from '../../../context/languages.js';
import { withTree } from '../../../context/parse.js';
import { parsedExtent } from '../../../context/parsed-extent.js';
import { LruMap } from '../../../util/lru.js';
import type { CompletionInput } from '../types.js';

export type SkipReason = 'mid-identifier' | 'in-string' | 'in-comment' | 'unchanged' | 'empty-document';

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;
const COMMENT_NODE = /comment/;
const STRING_NODE = /^(string|template_string|raw_string_literal|interpreted_string_literal|string_literal|char_literal|character_literal|heredoc_body|encapsed_string|line_string_literal|multi_line_string_literal|verbatim_string_literal)$/;
/**
 * What a document last asked at. The text itself rather than a hash of it: hashing every request's
 * whole text cost 2-3 ms on a long file, where comparing is a pointer check for the same string
 * and a memcmp otherwise. The editor holds these texts anyway, as its open documents.
 */
interface Seen {
  text: string;
  offset: number;
}

/**
 * Documents remembered for the unchanged check, least recently asked forgotten first: at most 256,
 * and no more text in all than 256 documents of 32K characters, so documents closed long ago cannot
 * pile up (the bound still holds the largest document the watch daemon accepts, 8 MiB).
 */
const REMEMBERED_DOCUMENTS = 256;
const CHARS_COUNTED_AT_LEAST = 32_768;

export class Prefilter {
  private readonly lastSeen = new LruMap<string, Seen>(REMEMBERED_DOCUMENTS * CHARS_COUNTED_AT_LEAST, (seen) =>
    Math.max(seen.text.length, CHARS_COUNTED_AT_LEAST),
  );

  async skipReason(input: CompletionInput, language: LanguageId | undefined): Promise<SkipReason | undefined> {
    const { text, offset } = input;
    const automatic = input.trigger === 'automatic';
    if (text.trim().length === 0 && automatic) return 'empty-document';
    const key = input.documentKey ?? input.path;
    const previous = this.lastSeen.get(key);
    this.lastSeen.set(key, { text, offset });
    if (!automatic) return undefined;
    if (previous && previous.offset === offset && previous.text === text) return 'unchanged';
    if (offset < text.length && IDENTIFIER_CHAR.test(text[offset]!)) return 'mid-identifier';
    return language ? this.insideNoise(language, text, offset) : undefined;
  }

  /**
   * Comments and strings come from the syntax tree of the document's parsed extent, which holds
   * the cursor; the context stage parses the same text next, so the tree is cached. The cursor
   * just past a closing quote is outside the string.
   */
  private async insideNoise(language: LanguageId, text: string, offset: number): Promise<SkipReason | undefined> {
    if (offset === 0) return undefined;
    try {
      return await withTree(language, parsedExtent(text, offset), (tree) => {
        // The smallest node holding the character before the cursor, then its ancestors.
        for (let node = tree.rootNode.descendantForIndex(offset - 1); node; node = node.parent) {
          if (COMMENT_NODE.test(node.type)) return 'in-comment';
          if (STRING_NODE.test(node.type)) return node.endIndex > offset ? 'in-string' : undefined;
        }
        return undefined;
      }, { document: true });
    } catch {
      return undefined;
    }
  }
}
