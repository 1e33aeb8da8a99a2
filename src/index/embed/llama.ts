/**
 * Embeddings from a local GGUF embedding model through node-llama-cpp. The library (native code,
 * hundreds of ms to load) is imported only when this embedder loads, never at startup.
 */
import path from 'node:path';
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { GgufProblem, readGguf } from '../../util/gguf.js';
import type { Embedder } from '../types.js';

/** Embedding inputs are chunks of code; a larger window costs memory and rarely changes the vector. */
const DEFAULT_MAX_TOKENS = 2048;

export interface LlamaEmbedderOptions {
  /** Upper bound on the context window; longer inputs are cut to fit. */
  maxTokens?: number;
}

/**
 * Checks that `file` is a whole, readable GGUF file before node-llama-cpp sees it, whose own
 * failures on a wrong file are cryptic or fatal.
 */
export async function validateGguf(file: string): Promise<{ version: number; sizeBytes: number }> {
  try {
    const { version, sizeBytes } = await readGguf(file);
    return { version, sizeBytes };
  } catch (error) {
    if (!(error instanceof GgufProblem)) throw error;
    if (error.kind === 'missing') {
      throw new Error(`The embedding model ${file} does not exist. Set embedGguf (INLINE_EMBED_GGUF) to a downloaded .gguf embedding model.`);
    }
    if (error.kind === 'not-a-file') throw new Error(`The embedding model ${file} is not a file. Set embedGguf (INLINE_EMBED_GGUF) to a .gguf model file.`);
    throw new Error(error.kind === 'unreadable' ? `The embedding model ${error.message}` : error.message, { cause: error });
  }
}

interface Loaded {
  model: LlamaModel;
  context: LlamaEmbeddingContext;
  contextSize: number;
}

export class LlamaEmbedder implements Embedder {
  readonly id: string;
  private loading: Promise<Loaded> | undefined;
  private size = 0;

  constructor(
    readonly modelPath: string,
    private readonly options: LlamaEmbedderOptions = {},
  ) {
    this.id = `llama:${path.basename(modelPath)}`;
  }

  /** 0 until the model is loaded (by `load()` or the first `embed`). */
  get dimensions(): number {
    return this.size;
  }

  /** Validates the file and loads the model; concurrent and repeated calls share one load. */
  async load(): Promise<void> {
    await this.ready();
  }

  /** One text at a time: the embedding context evaluates a single sequence. */
  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    signal?.throwIfAborted();
    const loaded = await this.ready();
    const out: Float32Array[] = [];
    for (const text of texts) {
      signal?.throwIfAborted();
      out.push(await this.embedOne(loaded, text));
    }
    return out;
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    if (!loaded) return;
    await loaded.context.dispose();
    await loaded.model.dispose();
  }

  private ready(): Promise<Loaded> {
    this.loading ??= this.open().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async open(): Promise<Loaded> {
    await validateGguf(this.modelPath);
    let llamaCpp: typeof import('node-llama-cpp');
    try {
      llamaCpp = await import('node-llama-cpp');
    } catch (error) {
      throw new Error(`The llama embedder needs node-llama-cpp, which failed to load: ${(error as Error).message}`);
    }
    let model: LlamaModel | undefined;
    try {
      const llama = await llamaCpp.getLlama();
      model = await llama.loadModel({ modelPath: this.modelPath });
      const contextSize = Math.max(16, Math.min(model.trainContextSize || DEFAULT_MAX_TOKENS, this.options.maxTokens ?? DEFAULT_MAX_TOKENS));
      const context = await model.createEmbeddingContext({ contextSize });
      this.size = model.embeddingVectorSize;
      return { model, context, contextSize };
    } catch (error) {
      await model?.dispose().catch(() => undefined);
      throw new Error(`Could not load the embedding model ${this.modelPath}: ${(error as Error).message}`, { cause: error });
    }
  }

  private async embedOne(loaded: Loaded, text: string): Promise<Float32Array> {
    const input = fitToContext(loaded, text);
    const embedding = input.trim() === '' ? [] : (await loaded.context.getEmbeddingFor(input)).vector;
    if (this.size === 0 && embedding.length > 0) this.size = embedding.length;
    const vector = new Float32Array(this.size);
    if (embedding.length === 0) return vector;
    if (embedding.length !== this.size) {
      throw new Error(`The embedding model ${this.modelPath} returned a ${embedding.length}-dimensional vector where ${this.size} were expected.`);
    }
    // Normalised like the other embedders, so a dot product is the cosine.
    let norm = 0;
    for (const value of embedding) norm += value * value;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < vector.length; i++) vector[i] = embedding[i]! * scale;
    return vector;
  }
}

/**
 * The library refuses inputs that do not fit its window. Cutting the text (not the tokens) keeps
 * its special-token handling; the cut is proportional, then tightened until it fits.
 */
function fitToContext(loaded: Loaded, text: string): string {
  const limit = loaded.contextSize - 1;
  let cut = text;
  for (let length = loaded.context.calculateInputLength(cut); length > limit; length = loaded.context.calculateInputLength(cut)) {
    cut = cut.slice(0, Math.max(0, Math.floor(cut.length * (limit / length) * 0.95)));
  }
  return cut;
}
