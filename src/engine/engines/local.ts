/**
 * The local engine (DESIGN §5): completions from the repository's own code, with no model.
 * Token statistics of any context length (see local/occurrences.ts) and the document being
 * edited, weighted above the rest, drive a short beam search; repeated patterns in the lines above
 * the cursor add their own guess. It builds lazily on the first request, from the code index when
 * there is one, and keeps up with edits one file at a time. It has no chat.
 */
import { RequestRejected } from '../errors.js';
import type { ChatRequest, CompletionRequest, Delta, Engine, EngineInfo } from '../types.js';
import { Corpus, type CorpusStats, type SourceFile } from './local/corpus.js';
import type { Candidate } from './local/decoder.js';
import { readRepository, type RepositorySourceOptions } from './local/repository-source.js';
import { DEFAULT_TUNING, suggest, type SuggestTuning } from './local/suggest.js';
import { abortable } from '../../util/abortable.js';

export interface LocalEngineOptions extends Omit<RepositorySourceOptions, 'maxBytes'> {
  /** Source kept in the statistics at most; default 50 MB. */
  maxCorpusBytes?: number;
}

export interface LocalEngineStats extends CorpusStats {
  /** Where the corpus came from, and how long building it took. */
  origin: 'index' | 'walk' | 'memory';
  buildMs: number;
}

export const DEFAULT_MAX_CORPUS_BYTES = 50 * 1024 * 1024;
/** Build in slices of about this much source, letting the event loop run between them. */
const BUILD_SLICE_BYTES = 1 << 20;

export class LocalEngine implements Engine {
  private readonly corpus: Corpus;
  private building: Promise<void> | undefined;
  private built = false;
  /** Edits that arrive while the build runs, applied when it ends (undefined text: removed). */
  private readonly pending = new Map<string, string | undefined>();
  private origin: LocalEngineStats['origin'] = 'memory';
  private buildMs = 0;
  private compactionQueued = false;
  /** Tuning knobs for benchmarks; the defaults are what the product uses. */
  tuning: SuggestTuning = DEFAULT_TUNING;

  private constructor(
    private readonly source: LocalEngineOptions | undefined,
    maxCorpusBytes: number,
  ) {
    this.corpus = new Corpus(maxCorpusBytes);
  }

  /** An engine over a repository; nothing is read until the first request (or `ready()`). */
  static create(options: LocalEngineOptions): LocalEngine {
    return new LocalEngine(options, options.maxCorpusBytes ?? DEFAULT_MAX_CORPUS_BYTES);
  }

  /** An engine over the given files, built before this returns (tests, benchmarks). */
  static fromFiles(files: readonly SourceFile[], options: { maxCorpusBytes?: number } = {}): LocalEngine {
    const engine = new LocalEngine(undefined, options.maxCorpusBytes ?? DEFAULT_MAX_CORPUS_BYTES);
    const started = performance.now();
    engine.corpus.addAll(files);
    engine.buildMs = performance.now() - started;
    engine.built = true;
    return engine;
  }

  info(): EngineInfo {
    return { name: 'local', fim: true, contextTokens: 1 << 20, chat: false, readsPrompt: false };
  }

  /** Builds ahead of the first request (a daemon starting up), so that one is answered at once. */
  warmUp(): Promise<void> {
    return this.ready();
  }

  /** Builds the statistics if that has not happened yet. */
  ready(): Promise<void> {
    if (this.built) return Promise.resolve();
    this.building ??= this.build().catch((error: unknown) => {
      // A failed build leaves an engine that knows only the documents it is asked about.
      this.built = true;
      this.applyPending();
      throw error;
    });
    return this.building;
  }

  /** Replaces one file's statistics with those of `text`. */
  update(path: string, text: string): void {
    if (!this.built) {
      this.pending.set(path, text);
      return;
    }
    this.corpus.set({ path, text });
    this.queueCompaction();
  }

  remove(path: string): void {
    if (!this.built) {
      this.pending.set(path, undefined);
      return;
    }
    this.corpus.remove(path);
    this.queueCompaction();
  }

  stats(): LocalEngineStats {
    return { ...this.corpus.stats(), origin: this.origin, buildMs: this.buildMs };
  }

  /** Candidates for a request, best first, computed synchronously (the engine must be built). */
  suggest(req: CompletionRequest, signal?: AbortSignal): Candidate[] {
    return suggest(this.corpus, req, signal, this.tuning);
  }

  async *complete(req: CompletionRequest, signal: AbortSignal): AsyncGenerator<Delta> {
    signal.throwIfAborted();
    if (!this.built) await abortable(this.ready().catch(() => undefined), signal);
    signal.throwIfAborted();
    const candidates = this.suggest(req, signal);
    signal.throwIfAborted();
    for (const [choice, candidate] of candidates.entries()) {
      yield { text: candidate.text, choice, finishReason: 'stop', logprob: candidate.logprob };
    }
  }

  async *chat(_req: ChatRequest, _signal: AbortSignal): AsyncGenerator<Delta> {
    throw new RequestRejected(
      'The local engine completes code but cannot chat. Configure a model: `--base-url <url>` (or INLINE_BASE_URL) for an ' +
        'OpenAI-compatible server such as vLLM, llama.cpp server or Ollama, or `--gguf <file>` (or INLINE_GGUF) for a local model file.',
    );
  }

  private async build(): Promise<void> {
    const started = performance.now();
    const source = await readRepository({ ...this.source!, maxBytes: this.corpus.maxBytes });
    this.origin = source.origin;
    this.corpus.reserve(source.files);
    let sliceBytes = 0;
    for (const file of source.files) {
      if (this.pending.has(file.path)) continue;
      const text = file.read();
      if (text === undefined) continue;
      this.corpus.set(file.language ? { path: file.path, text, language: file.language } : { path: file.path, text });
      sliceBytes += text.length;
      // Reading and counting are synchronous; pausing now and then lets requests and edits in.
      if (sliceBytes >= BUILD_SLICE_BYTES) {
        sliceBytes = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    for (const _ of this.corpus.finishBulkLoadInSlices()) await new Promise<void>((resolve) => setImmediate(resolve));
    this.built = true;
    this.applyPending();
    this.buildMs = performance.now() - started;
  }

  private applyPending(): void {
    for (const [path, text] of this.pending) {
      if (text === undefined) this.corpus.remove(path);
      else this.corpus.set({ path, text });
    }
    this.pending.clear();
  }

  /** Reclaims removed files' space soon, but never inside the edit that caused it. */
  private queueCompaction(): void {
    if (this.compactionQueued || !this.corpus.needsCompaction()) return;
    this.compactionQueued = true;
    setImmediate(() => {
      this.compactionQueued = false;
      this.corpus.compact();
    }).unref();
  }
}

