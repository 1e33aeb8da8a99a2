/** Shared set-up for driving the real OpenAIHttpEngine against the fake backend. */
import { OpenAIHttpEngine, type OpenAIHttpOptions } from '../../../src/engine/engines/openai-http.js';
import type { Delta } from '../../../src/engine/types.js';

export function makeEngine(baseUrls: string[], overrides: Partial<OpenAIHttpOptions> = {}): OpenAIHttpEngine {
  return new OpenAIHttpEngine({
    baseUrls,
    model: 'qwen2.5-coder-7b',
    deadlines: { connectMs: 1000, firstByteMs: 400, stallMs: 300 },
    retries: { maxRetries: 2, baseDelayMs: 20, maxRetryAfterMs: 2000, random: () => 0.5 },
    endpoints: { busyInFlight: 4, downCooldownMs: 5000 },
    embedBatchSize: 64,
    ...overrides,
  });
}

export const completion = { prompt: 'def add(a, b):\n', stop: ['\n\n'], maxTokens: 32, temperature: 0 };

export interface Collected {
  text: string;
  deltas: Delta[];
  error?: unknown;
  ms: number;
}

/** Consumes a stream, keeping what arrived before any failure. */
export async function collect(stream: AsyncIterable<Delta>): Promise<Collected> {
  const started = performance.now();
  const deltas: Delta[] = [];
  try {
    for await (const delta of stream) deltas.push(delta);
  } catch (error) {
    return { text: deltas.map((d) => d.text).join(''), deltas, error, ms: performance.now() - started };
  }
  return { text: deltas.map((d) => d.text).join(''), deltas, ms: performance.now() - started };
}

export const signal = () => new AbortController().signal;
