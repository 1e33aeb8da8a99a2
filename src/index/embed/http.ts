/** Embeddings from an OpenAI-compatible server's /v1/embeddings, through the shared HTTP engine. */
import { BadResponse } from '../../engine/errors.js';
import type { Embedder } from '../types.js';

/** The part of `OpenAIHttpEngine` used here; the engine batches by `embedBatchSize` itself. */
export interface EmbeddingEngine {
  embed(texts: string[], signal: AbortSignal): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

export interface HttpEmbedderOptions {
  /** Expected size, e.g. from a stored index; otherwise learned from the first response. */
  dimensions?: number;
  /** Close the engine with the embedder (when the embedder created it). */
  ownsEngine?: boolean;
}

export class HttpEmbedder implements Embedder {
  readonly id: string;
  private known: number | undefined;
  /** Tail of the request queue: indexing is background work and must not crowd out completions. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: EmbeddingEngine,
    readonly model: string,
    private readonly options: HttpEmbedderOptions = {},
  ) {
    if (model.trim() === '') throw new Error('HttpEmbedder needs an embedding model name (set "embedModel").');
    this.id = `http:${model}`;
    this.known = options.dimensions;
  }

  /** 0 until the first response (or a `dimensions` option) says. */
  get dimensions(): number {
    return this.known ?? 0;
  }

  /** Embeds in input order. Calls queue behind each other, so at most one request is in flight. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.run(texts, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.options.ownsEngine) await this.engine.close?.();
  }

  private async run(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    signal?.throwIfAborted();
    if (texts.length === 0) return [];
    const vectors = await this.engine.embed(texts, signal ?? new AbortController().signal);
    for (const vector of vectors) {
      if (this.known === undefined) this.known = vector.length;
      if (vector.length !== this.known) {
        throw new BadResponse(
          `The embedding model "${this.model}" returned ${vector.length}-dimensional vectors where ${this.known} were expected; ` +
            'the server is now serving a different model. Point embedModel back at the original one, or rebuild the index with `inline index --rebuild`.',
        );
      }
    }
    return vectors;
  }
}
