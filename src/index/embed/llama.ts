/**
 * Embeddings from a local GGUF embedding model through node-llama-cpp. The library (native code,
 * hundreds of ms to load) is imported only when this embedder loads, never at startup.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import type { Embedder } from '../types.js';

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
/** Embedding inputs are chunks of code; a larger window costs memory and rarely changes the vector. */
const DEFAULT_MAX_TOKENS = 2048;

export interface LlamaEmbedderOptions {
  /** Upper bound on the context window; longer inputs are cut to fit. */
  maxTokens?: number;
}

/**
 * Checks that `file` is a readable GGUF file (magic and version 1–3) before node-llama-cpp sees it,
 * whose own failures on a wrong file are cryptic or fatal.
 */
export async function validateGguf(file: string): Promise<{ version: number; sizeBytes: number }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`The embedding model ${file} does not exist. Set embedGguf (INLINE_EMBED_GGUF) to a downloaded .gguf embedding model.`);
    }
    throw new Error(`The embedding model ${file} cannot be read: ${(error as Error).message}`);
  }
  if (!info.isFile()) throw new Error(`The embedding model ${file} is not a file. Set embedGguf (INLINE_EMBED_GGUF) to a .gguf model file.`);
  const header = Buffer.alloc(8);
  let read = 0;
  try {
    const handle = await open(file, 'r');
    try {
      ({ bytesRead: read } = await handle.read(header, 0, 8, 0));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new Error(`The embedding model ${file} cannot be read: ${(error as Error).message}`);
  }
  if (read < 8 || header.readUInt32LE(0) !== GGUF_MAGIC) {
    throw new Error(`${file} is not a GGUF model file (it does not start with "GGUF"). Download the model in GGUF format.`);
  }
  const version = header.readUInt32LE(4);
  if (version < 1 || version > 3) {
    throw new Error(`${file} is GGUF version ${version}; this build reads versions 1 to 3. The file may be corrupt or from a newer format.`);
  }
  return { version, sizeBytes: Number(info.size) };
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
