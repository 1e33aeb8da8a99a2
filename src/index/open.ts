/** Opens the code index with the embedder the configuration asks for. */
import type { InlineConfig } from '../config/schema.js';
import { CodeIndex, EmbedderMismatch } from './code-index.js';
import { createEmbedder, embedderIdFor } from './embed/index.js';
import { ensureStateDir, IndexStore } from './store.js';

export interface OpenIndexOptions {
  root: string;
  git: boolean;
  config: InlineConfig;
  rebuild?: boolean;
  indexDir?: string;
}

export async function openCodeIndex(options: OpenIndexOptions): Promise<CodeIndex> {
  return (await open(options, false))!;
}

/** The stored index brought up to date, or undefined when the repository has never been indexed. */
export async function openExistingIndex(options: OpenIndexOptions): Promise<CodeIndex | undefined> {
  const index = await open(options, true);
  await index?.update();
  return index;
}

/** Loads the stored index once (it verifies every blob's checksum) and hands it to CodeIndex. */
async function open(options: OpenIndexOptions, onlyIfPresent: boolean): Promise<CodeIndex | undefined> {
  const store = new IndexStore(options.root, options.indexDir);
  // --rebuild must work even when the stored index was made by another embedder: it is not read.
  const loaded = options.rebuild ? undefined : store.load();
  if (onlyIfPresent && loaded?.status === 'missing') return undefined;
  if (!options.indexDir) ensureStateDir(options.root);
  // Checked before the embedder is created: an http embedder would contact its server first.
  const wanted = embedderIdFor(options.config.index.embedder, options.config);
  if (loaded?.status === 'ok' && wanted && loaded.manifest.embedder.id !== wanted) throw new EmbedderMismatch(loaded.manifest.embedder.id, wanted);
  const embedder = await createEmbedder(options.config.index.embedder, options.config);
  const openOptions = { root: options.root, git: options.git, embedder, indexDir: options.indexDir };
  return loaded ? CodeIndex.open(openOptions, { store, loaded }) : CodeIndex.fresh(openOptions);
}
