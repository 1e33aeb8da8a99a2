import { describe, expect, it } from 'vitest';
import { generate } from '../../../../src/engine/complete/generate/generate.js';
import { firstTextWithin, DeadlineMissed } from '../../../../src/engine/complete/generate/deadline.js';
import type { CompletionRequest, Delta, Engine } from '../../../../src/engine/types.js';

/** An engine that replays scripted deltas and records how the stream ended. */
function scripted(deltas: Delta[], delayMs = 0) {
  const state = { delivered: 0, aborted: false, returned: false };
  const engine: Engine = {
    info: () => ({ name: 'scripted', fim: true, contextTokens: 4096, chat: false }),
    chat: () => {
      throw new Error('no chat');
    },
    async *complete(_req: CompletionRequest, signal: AbortSignal) {
      signal.addEventListener('abort', () => (state.aborted = true));
      try {
        for (const delta of deltas) {
          if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          signal.throwIfAborted();
          state.delivered++;
          yield delta;
        }
      } finally {
        state.returned = true;
      }
    },
  };
  return { engine, state };
}

const request: CompletionRequest = { prompt: 'p', stop: [], maxTokens: 32, temperature: 0 };
const single = { multiline: false, indent: '', opensBlock: false, maxLines: 12 };

describe('generate', () => {
  it('stops reading once the line is complete', async () => {
    const { engine, state } = scripted(['a, ', 'b)', '\nnext', 'more', 'more'].map((text) => ({ text, choice: 0 })));
    const out = await generate(engine, request, single, new AbortController().signal);
    expect(out).toEqual([{ text: 'a, b)', finishReason: 'block-end' }]);
    expect(state.delivered).toBe(3);
    expect(state.returned).toBe(true);
  });

  it('collects n candidates with their log-probabilities', async () => {
    const { engine } = scripted([
      { text: 'foo', choice: 0, logprob: -1 },
      { text: 'bar', choice: 1, logprob: -2 },
      { text: '()', choice: 0, logprob: -0.5, finishReason: 'stop' },
      { text: '(x)', choice: 1, logprob: -0.25, finishReason: 'stop' },
    ]);
    const out = await generate(engine, { ...request, n: 2 }, single, new AbortController().signal);
    expect(out).toEqual([
      { text: 'foo()', logprob: -1.5, finishReason: 'stop' },
      { text: 'bar(x)', logprob: -2.25, finishReason: 'stop' },
    ]);
  });

  it('keeps a candidate the stream ended without a block end', async () => {
    const { engine } = scripted([{ text: 'x + 1', choice: 0 }]);
    expect(await generate(engine, request, single, new AbortController().signal)).toEqual([{ text: 'x + 1', finishReason: 'stream-end' }]);
  });

  it('passes cancellation to the engine', async () => {
    const { engine, state } = scripted(Array.from({ length: 50 }, () => ({ text: 'x', choice: 0 })), 5);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('superseded')), 30);
    await expect(generate(engine, request, single, controller.signal)).rejects.toThrow('superseded');
    expect(state.aborted).toBe(true);
    expect(state.delivered).toBeLessThan(50);
  });
});

describe('firstTextWithin', () => {
  it('gives up on an engine that has not started answering in time', async () => {
    const { engine, state } = scripted([{ text: 'late', choice: 0 }], 200);
    const attempt = (signal: AbortSignal, onFirstText: () => void) => generate(engine, request, single, signal, { onFirstText });
    await expect(firstTextWithin(40, new AbortController().signal, attempt)).rejects.toBeInstanceOf(DeadlineMissed);
    expect(state.aborted).toBe(true);
  });

  it('lets a stream that started in time run past the deadline', async () => {
    const { engine } = scripted([{ text: 'a', choice: 0 }, { text: 'b', choice: 0 }, { text: 'c', choice: 0, finishReason: 'stop' }], 30);
    const attempt = (signal: AbortSignal, onFirstText: () => void) => generate(engine, request, single, signal, { onFirstText });
    expect(await firstTextWithin(50, new AbortController().signal, attempt)).toEqual([{ text: 'abc', finishReason: 'stop' }]);
  });
});
