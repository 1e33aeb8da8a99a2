/** Chooses and prepares the embedder for the code index. */
import { basename } from 'node:path';
import { ConfigError } from '../../config/errors.js';
import type { EmbedderName, InlineConfig } from '../../config/schema.js';
import type { Embedder } from '../types.js';
import { HashingEmbedder } from './hashing.js';

export type { EmbedderName } from '../../config/schema.js';

export interface CreateEmbedderOptions {
  /** An embedding GGUF that overrides the configured one (llama). */
  gguf?: string;
  signal?: AbortSignal;
}

/**
 * The embedder `name`, ready to use: its `dimensions` are known on return, because the index sizes
 * its vector store from them before embedding anything. For http that costs one small request;
 * for llama it loads the model.
 */
export async function createEmbedder(name: EmbedderName, config: InlineConfig, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  switch (name) {
    case 'hashing':
      return new HashingEmbedder();
    case 'http': {
      if (config.baseUrls.length === 0) {
        throw new ConfigError('The http embedder needs a server: set baseUrl (INLINE_BASE_URL or --base-url) to an OpenAI-compatible endpoint.', { key: 'index.embedder' });
      }
      if (!config.embedModel) {
        throw new ConfigError('The http embedder needs an embedding model: set embedModel (INLINE_EMBED_MODEL or --embed-model), e.g. nomic-embed-text.', { key: 'embedModel' });
      }
      // Loaded only here: the HTTP client (undici) costs ~20 MB of memory a hashing index never needs.
      const [{ OpenAIHttpEngine }, { HttpEmbedder }] = await Promise.all([import('../../engine/engines/openai-http.js'), import('./http.js')]);
      const engine = OpenAIHttpEngine.fromConfig(config);
      const embedder = new HttpEmbedder(engine, config.embedModel, { ownsEngine: true });
      try {
        await embedder.embed(['dimension probe'], options.signal);
      } catch (error) {
        await embedder.close();
        throw error;
      }
      return embedder;
    }
    case 'llama': {
      const gguf = options.gguf ?? config.embedGguf ?? config.gguf;
      if (!gguf) {
        throw new ConfigError('The llama embedder needs a GGUF embedding model: set embedGguf (INLINE_EMBED_GGUF) to a .gguf file, e.g. nomic-embed-text-v1.5.Q8_0.gguf.', { key: 'embedGguf' });
      }
      const { LlamaEmbedder } = await import('./llama.js');
      const embedder = new LlamaEmbedder(gguf);
      await embedder.load();
      return embedder;
    }
    default:
      throw new ConfigError(`Unknown embedder "${String(name)}"; choose hashing, http or llama.`, { key: 'index.embedder' });
  }
}

/**
 * The id the configured embedder will have, known without contacting a server or loading a
 * model, so that a mismatch with the stored index is reported before either happens.
 */
export function embedderIdFor(name: EmbedderName, config: InlineConfig): string | undefined {
  if (name === 'hashing') return new HashingEmbedder().id;
  if (name === 'http') return config.embedModel ? `http:${config.embedModel}` : undefined;
  const gguf = config.embedGguf ?? config.gguf;
  return gguf ? `llama:${basename(gguf)}` : undefined;
}
