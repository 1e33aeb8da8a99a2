/**
 * One test per fault kind, through the real client over real HTTP: each asserts the typed
 * error (or the successful retry) and that nothing waits past its deadline.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BackendUnavailable,
  BadResponse,
  ContextTooLong,
  RateLimited,
  Timeout,
} from '../../../src/engine/errors.js';
import { closedPort, startFakeBackend, type FakeBackend } from '../../support/fake-backend.js';
import { collect, completion, makeEngine, signal } from './openai-http-harness.js';

// Slack for timers and loopback I/O on a loaded two-core machine.
const SLACK_MS = 350;

let backend: FakeBackend;
beforeEach(async () => {
  backend = await startFakeBackend();
});
afterEach(async () => {
  await backend.close();
});

const generations = () => backend.requests.filter((r) => r.path.endsWith('/completions'));

describe('openai-http faults', () => {
  it('connection refused: BackendUnavailable after bounded retries, saying what to do', async () => {
    const port = await closedPort();
    const engine = makeEngine([`http://127.0.0.1:${port}`]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(BackendUnavailable);
    expect(String((result.error as Error).message)).toMatch(/connection refused.*Is the server running/);
    expect(result.ms).toBeLessThan(20 + 40 + SLACK_MS * 2);
    await engine.close();
  });

  it('reset before the first token: retried, and the retry succeeds', async () => {
    backend.script({ fault: 'reset-before-headers' }, { chunks: ['return ', 'a + b'] });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('return a + b');
    expect(generations()).toHaveLength(2);
    await engine.close();
  });

  it('reset mid-stream: partial BackendUnavailable, text kept, never retried', async () => {
    backend.script({ fault: 'reset-mid-stream', afterChunks: 2, chunks: ['one ', 'two ', 'three'] });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.text).toBe('one two ');
    expect(result.error).toBeInstanceOf(BackendUnavailable);
    expect((result.error as BackendUnavailable).partial).toBe(true);
    expect((result.error as Error).message).toMatch(/incomplete/);
    expect(generations()).toHaveLength(1);
    await engine.close();
  });

  it('429 with Retry-After: waits as asked, then succeeds', async () => {
    backend.script({ fault: 'status', status: 429, retryAfter: '1' }, { chunks: ['ok'] });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('ok');
    const [first, second] = generations();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(result.ms).toBeLessThan(1000 + SLACK_MS);
    await engine.close();
  });

  it('429 asking for longer than we may wait: RateLimited at once, with the wait it asked', async () => {
    backend.script({ fault: 'status', status: 429, retryAfter: '120' });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(RateLimited);
    expect((result.error as RateLimited).retryAfterMs).toBe(120_000);
    expect((result.error as Error).message).toMatch(/retry in 120 s/);
    expect(result.ms).toBeLessThan(SLACK_MS);
    await engine.close();
  });

  it('500: retried with backoff, then succeeds', async () => {
    backend.script({ fault: 'status', status: 500 }, { chunks: ['fine'] });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.text).toBe('fine');
    expect(generations()).toHaveLength(2);
    await engine.close();
  });

  it('500 every time: BackendUnavailable after maxRetries + 1 attempts', async () => {
    backend.setDefault({ fault: 'status', status: 500, body: { error: { message: 'CUDA out of memory' } } });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(BackendUnavailable);
    expect((result.error as Error).message).toMatch(/HTTP 500: CUDA out of memory/);
    expect(generations()).toHaveLength(3);
    await engine.close();
  });

  it('503 with Retry-After: honoured, then succeeds', async () => {
    backend.script({ fault: 'status', status: 503, retryAfter: '1' }, { chunks: ['up'] });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.text).toBe('up');
    const [first, second] = generations();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    await engine.close();
  });

  it('stall before the first byte: Timeout at the first-byte deadline, not retried on the same server', async () => {
    backend.script({ fault: 'stall-before-headers', ms: 3000 });
    const engine = makeEngine([backend.url], { deadlines: { connectMs: 1000, firstByteMs: 300, stallMs: 300 } });
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(Timeout);
    expect((result.error as Timeout).phase).toBe('first-byte');
    expect((result.error as Error).message).toMatch(/within 300 ms.*timeouts\.firstByteMs/);
    expect(result.ms).toBeGreaterThanOrEqual(290);
    expect(result.ms).toBeLessThan(300 + SLACK_MS);
    expect(generations()).toHaveLength(1);
    await backend.waitForRequests(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(generations()[0]!.aborted).toBe(true);
    await engine.close();
  });

  it('stall mid-stream: Timeout at the stall deadline with the text so far', async () => {
    backend.script({ fault: 'stall-mid-stream', afterChunks: 1, ms: 3000, chunks: ['first', 'second'] });
    const engine = makeEngine([backend.url], { deadlines: { connectMs: 1000, firstByteMs: 1000, stallMs: 250 } });
    const result = await collect(engine.complete(completion, signal()));
    expect(result.text).toBe('first');
    expect(result.error).toBeInstanceOf(Timeout);
    expect((result.error as Timeout).phase).toBe('stall');
    expect(result.ms).toBeLessThan(250 + SLACK_MS);
    expect(generations()).toHaveLength(1);
    await engine.close();
  });

  it('malformed SSE line: BadResponse quoting the line', async () => {
    backend.script({ fault: 'malformed-sse', afterChunks: 1 });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(BadResponse);
    expect((result.error as Error).message).toMatch(/not JSON.*oops/);
    await engine.close();
  });

  it('non-JSON body: BadResponse naming the content type, for streams and for JSON routes', async () => {
    backend.script({ fault: 'non-json' }, { fault: 'non-json' });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(BadResponse);
    expect((result.error as Error).message).toMatch(/text\/html.*Bad Gateway page/);
    await expect(engine.embed(['x'], signal())).rejects.toThrow(BadResponse);
    await engine.close();
  });

  it.each(['openai', 'vllm', 'llamacpp', 'tgi'] as const)('400 context length exceeded (%s): ContextTooLong with the limit, not retried', async (style) => {
    backend.script({ fault: 'context-length', style });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.chat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 10, temperature: 0 }, signal()));
    expect(result.error).toBeInstanceOf(ContextTooLong);
    expect((result.error as ContextTooLong).limitTokens).toBe(4096);
    expect((result.error as Error).message).toMatch(/context window of 4096 tokens/);
    expect(generations()).toHaveLength(1);
    await engine.close();
  });

  it('error event inside the stream: typed error after the text so far', async () => {
    backend.script({ fault: 'error-event', afterChunks: 1, message: 'engine crashed' });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(BackendUnavailable);
    expect((result.error as Error).message).toMatch(/engine crashed/);
    await engine.close();
  });
});
