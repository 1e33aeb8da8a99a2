/** How many syntax errors a candidate adds to the document, for ranking candidates against each other. */
import type { LanguageId } from '../../../context/languages.js';
import { countErrors, withTree } from '../../../context/parse.js';

export async function syntaxErrorsAdded(language: LanguageId, prefix: string, candidate: string, suffix: string): Promise<number> {
  try {
    const before = await withTree(language, prefix + suffix, (tree) => countErrors(tree.rootNode), { document: true });
    const after = await withTree(language, prefix + candidate + suffix, (tree) => countErrors(tree.rootNode));
    return after - before;
  } catch {
    return 0;
  }
}
