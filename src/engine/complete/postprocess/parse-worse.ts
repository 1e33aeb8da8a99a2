/**
 * Rejects a completion that makes the document parse worse: more ERROR and MISSING nodes in
 * tree-sitter's parse of prefix + completion + suffix than in prefix + suffix. The document
 * around the cursor is often mid-edit and already broken, which is why the count is compared
 * rather than required to be zero.
 *
 * Both texts go through `withTree`, whose cache re-parses a text incrementally from a kept tree
 * that differs by one edit: the document without the completion is usually kept from context
 * assembly, and the one with it differs from that by the inserted text, so each check costs
 * about one incremental parse. Trees are only read inside the callbacks, as `withTree` requires.
 */
import { syntaxErrorsAdded } from '../../../context/parse.js';
import { languageOf } from './syntax.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

/**
 * Above this size a parse from scratch (when the document's tree is not kept) costs more than a
 * keystroke's budget; such documents go unjudged rather than slow every completion.
 */
const MAX_DOCUMENT_CHARS = 1_000_000;

export const parseWorse: PostprocessFilter = {
  name: 'parse-worse',
  async apply(completion: string, context: PostprocessContext): Promise<string | undefined> {
    const language = languageOf(context);
    const { prefix, suffix } = context;
    if (!language || prefix.length + suffix.length > MAX_DOCUMENT_CHARS) return completion;
    // A grammar that cannot be loaded counts as no change: nothing to judge by, no reason to drop it.
    return (await syntaxErrorsAdded(language, prefix, completion, suffix)) > 0 ? undefined : completion;
  },
};
