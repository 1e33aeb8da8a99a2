/**
 * The embedded engine: a local GGUF model run by node-llama-cpp (llama.cpp) in a worker process.
 *
 *   const engine = await LlamaEngine.open({ modelPath: '/models/qwen2.5-coder-1.5b-q8_0.gguf' });
 *   for await (const delta of engine.complete(request, signal)) render(delta.text);
 *   await engine.close();
 *
 * Options: `threads` (default: the cores useful for math minus one, at least 1), `gpu` ('auto'
 * detects CUDA, Vulkan or Metal and falls back to the CPU; false forces the CPU), `contextTokens`
 * (upper bound on the context window; default min(training context, 8192)).
 *
 * `open` only checks the file (a whole GGUF, read without loading) and reads what `info()` needs.
 * The worker process starts on the first request, loads the model once, serves every later
 * request, and is killed by `close()` or when inline exits. A crash, native abort or out-of-memory
 * kill in the worker becomes a typed error here (ModelFileUnusable while loading, BackendUnavailable
 * while generating) and never takes inline down. Completions use llama.cpp's infill layout when
 * the model has FIM tokens and the request carries the cursor's code; otherwise the prompt is
 * completed as it is. Nothing leaves the machine, so prompts are not redacted here.
 */
import path from 'node:path';
import { RequestRejected } from '../errors.js';
import type { ChatRequest, CompletionRequest, Delta, Engine, EngineInfo } from '../types.js';
import { checkThreads, parseGpuChoice } from './llama/hardware.js';
import { inspectModelFile, type ModelFileFacts } from './llama/model-file.js';
import type { GpuChoice, LoadedModel } from './llama/protocol.js';
import { LlamaWorkerClient } from './llama/worker-client.js';

export interface LlamaEngineOptions {
  modelPath: string;
  threads?: number;
  /** 'auto' (default), false or 'cpu' for the CPU only, or a backend: 'cuda', 'vulkan', 'metal'. */
  gpu?: GpuChoice | 'cpu' | boolean;
  contextTokens?: number;
}

const DEFAULT_CONTEXT_CAP = 8192;
const MAX_CANDIDATES = 16;

export class LlamaEngine implements Engine {
  private readonly worker: LlamaWorkerClient;
  private readonly cap: number;

  private constructor(
    readonly modelPath: string,
    private readonly facts: ModelFileFacts,
    options: { threads?: number; gpu: GpuChoice; contextTokens: number },
  ) {
    this.cap = options.contextTokens;
    this.worker = new LlamaWorkerClient({ modelPath, threads: options.threads, gpu: options.gpu, maxContextTokens: options.contextTokens });
  }

  /** Checks the options and the model file; rejects with ModelFileUnusable naming a bad file. */
  static async open(options: LlamaEngineOptions): Promise<LlamaEngine> {
    if (typeof options.modelPath !== 'string' || options.modelPath.trim() === '') {
      throw new RequestRejected('The llama engine needs a GGUF model file: set INLINE_GGUF (or --gguf) to its path.');
    }
    const threads = checkOption(() => checkThreads(options.threads));
    const gpu = checkOption(() => parseGpuChoice(options.gpu));
    const cap = options.contextTokens ?? DEFAULT_CONTEXT_CAP;
    if (!Number.isInteger(cap) || cap < 64) {
      throw new RequestRejected(`The llama context size must be a whole number of at least 64 tokens, not ${options.contextTokens}.`);
    }
    const modelPath = path.resolve(options.modelPath);
    const facts = await inspectModelFile(modelPath);
    return new LlamaEngine(modelPath, facts, { threads, gpu, contextTokens: cap });
  }

  /** Before the first request, from the file's metadata; afterwards, what the loaded model reports. */
  info(): EngineInfo {
    const loaded = this.worker.model;
    if (loaded) return { name: 'llama', fim: loaded.fim, contextTokens: Math.min(loaded.contextTokens, loaded.trainContextTokens), chat: true };
    const train = this.facts.trainContextTokens ?? this.cap;
    return { name: 'llama', fim: this.facts.fim, contextTokens: Math.min(train, this.cap), chat: true };
  }

  /** Starts the worker and loads the model, so the first completion's deadline measures generation only. */
  async warmUp(signal: AbortSignal): Promise<void> {
    await this.load(signal);
  }

  /** Threads, backend and context the worker settled on; starts the worker if needed. */
  load(signal?: AbortSignal): Promise<LoadedModel> {
    return this.worker.ready(signal);
  }

  /** The worker's process id while it runs. */
  get workerPid(): number | undefined {
    return this.worker.pid;
  }

  /** Bad request values reject the stream with RequestRejected, like every other failure. */
  async *complete(req: CompletionRequest, signal: AbortSignal): AsyncGenerator<Delta> {
    const n = req.n ?? 1;
    checkGenerationLimits(req.maxTokens, req.temperature);
    if (!Number.isInteger(n) || n < 1 || n > MAX_CANDIDATES) {
      throw new RequestRejected(`The number of candidates (n) must be a whole number from 1 to ${MAX_CANDIDATES}, not ${req.n}.`);
    }
    if (!Array.isArray(req.stop) || req.stop.some((stop) => typeof stop !== 'string')) {
      throw new RequestRejected('Stop sequences must be a list of strings.');
    }
    yield* this.worker.run(
      {
        type: 'complete',
        job: {
          prompt: req.prompt,
          cursor: req.cursor ? { prefix: req.cursor.prefix, suffix: req.cursor.suffix } : undefined,
          stop: req.stop,
          maxTokens: req.maxTokens,
          temperature: req.temperature,
          n,
        },
      },
      signal,
    );
  }

  async *chat(req: ChatRequest, signal: AbortSignal): AsyncGenerator<Delta> {
    checkGenerationLimits(req.maxTokens, req.temperature);
    if (req.messages.length === 0) throw new RequestRejected('A chat request needs at least one message.');
    yield* this.worker.run({ type: 'chat', job: { messages: req.messages, maxTokens: req.maxTokens, temperature: req.temperature } }, signal);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

function checkGenerationLimits(maxTokens: number, temperature: number): void {
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RequestRejected(`maxTokens must be a whole number of at least 1, not ${maxTokens}.`);
  }
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new RequestRejected(`temperature must be zero or more, not ${temperature}.`);
  }
}

function checkOption<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new RequestRejected((error as Error).message);
  }
}
