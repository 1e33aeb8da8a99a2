/**
 * Messages between the llama engine (parent) and its worker process, over the fork IPC channel
 * (JSON serialisation). The worker says `listening` once it can receive (a message sent earlier
 * could be dropped while its modules load); the parent then sends one `load`, waits for `ready`,
 * and sends jobs; the worker
 * runs them one at a time on its single context sequence, so consecutive completions for the same
 * file reuse the evaluated prompt prefix.
 */
import type { Delta, Message } from '../../types.js';

/** 'auto' lets node-llama-cpp pick the best GPU backend and fall back to the CPU; false forces the CPU. */
export type GpuChoice = 'auto' | false | 'cuda' | 'vulkan' | 'metal';

export interface LoadOptions {
  modelPath: string;
  /** Threads for token evaluation; undefined lets the worker choose from the machine. */
  threads?: number;
  gpu: GpuChoice;
  /** Upper bound on the context window. */
  maxContextTokens: number;
}

export interface CompletionJob {
  /** Plain-completion input; special-token text in it is parsed, as llama.cpp's server does. */
  prompt: string;
  /** The raw code around the cursor; with a FIM-capable model the worker uses infill. */
  cursor?: { prefix: string; suffix: string };
  stop: string[];
  maxTokens: number;
  temperature: number;
  n: number;
}

export interface ChatJob {
  messages: Message[];
  maxTokens: number;
  temperature: number;
}

/** What the worker found when it loaded the model. */
export interface LoadedModel {
  fim: boolean;
  contextTokens: number;
  trainContextTokens: number;
  threads: number;
  /** The compute backend in use: 'cuda', 'vulkan', 'metal', or false for the CPU. */
  gpu: string | false;
  /** Set when the requested GPU backend could not be used and the worker fell back to the CPU. */
  gpuFallback?: string;
}

export type ToWorker =
  | { type: 'load'; options: LoadOptions }
  | { type: 'complete'; id: number; job: CompletionJob }
  | { type: 'chat'; id: number; job: ChatJob }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'listening' }
  | { type: 'ready'; model: LoadedModel }
  /** `runtime`: node-llama-cpp or its native binary could not start; `model`: the model would not load. */
  | { type: 'load-failed'; stage: 'runtime' | 'model'; message: string }
  | { type: 'delta'; id: number; delta: Delta }
  | { type: 'end'; id: number }
  | { type: 'failed'; id: number; message: string };

/** Guards the parent against a worker that sends something unexpected (a stray console.log via IPC, say). */
export function isFromWorker(value: unknown): value is FromWorker {
  if (!value || typeof value !== 'object') return false;
  const type = (value as { type?: unknown }).type;
  return type === 'listening' || type === 'ready' || type === 'load-failed' || type === 'delta' || type === 'end' || type === 'failed';
}

export function isToWorker(value: unknown): value is ToWorker {
  if (!value || typeof value !== 'object') return false;
  const type = (value as { type?: unknown }).type;
  return type === 'load' || type === 'complete' || type === 'chat' || type === 'cancel';
}
