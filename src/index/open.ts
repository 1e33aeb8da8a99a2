/** Opens the code index with the embedder the configuration asks for. */
import type { InlineConfig } from '../config/schema.js';
import { CodeIndex, EmbedderMismatch } from './code-index.js';
import { createEmbedder, embedderIdFor } from './embed/index.js';
import { ensureStateDir, IndexStore } from './store.js';

export async function openCodeIndex(options: { root: string; git: boolean; config: InlineConfig; rebuild?: boolean; indexDir?: string }): Promise<CodeIndex> {
  if (!options.indexDir) ensureStateDir(options.root);
  if (!options.rebuild) {
    const stored = new IndexStore(options.root, options.indexDir).load();
    const wanted = embedderIdFor(options.config.index.embedder, options.config);
    if (stored.status === 'ok' && wanted && stored.manifest.embedder.id !== wanted) throw new EmbedderMismatch(stored.manifest.embedder.id, wanted);
  }
  const embedder = await createEmbedder(options.config.index.embedder, options.config);
  const openOptions = { root: options.root, git: options.git, embedder, indexDir: options.indexDir };
  // --rebuild must work even when the stored index was made by another embedder.
  let index: CodeIndex;
  try {
    index = CodeIndex.open(openOptions);
  } catch (err) {
    if (!options.rebuild) throw err;
    index = CodeIndex.fresh(openOptions);
  }
  return index;
}

/** The stored index brought up to date, or undefined when the repository has never been indexed. */
export async function openExistingIndex(options: { root: string; git: boolean; config: InlineConfig }): Promise<CodeIndex | undefined> {
  if (new IndexStore(options.root).load().status === 'missing') return undefined;
  const index = await openCodeIndex(options);
  await index.update();
  return index;
}
