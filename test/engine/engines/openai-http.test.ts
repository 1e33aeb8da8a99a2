/** The streaming, routing, embedding and cancellation paths of the real client over real HTTP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthFailed, BackendUnavailable, RequestRejected, Timeout } from '../../../src/engine/errors.js';
import { closedPort, startFakeBackend, type FakeBackend } from '../../support/fake-backend.js';
import { collect, completion, makeEngine, signal } from './openai-http-harness.js';

let backend: FakeBackend;
beforeEach(async () => {
  backend = await startFakeBackend();
});
afterEach(async () => {
  await backend.close();
});

describe('openai-http streaming', () => {
  it.each([
    ['plain', {}],
    ['CRLF line endings', { crlf: true }],
    ['one byte per network chunk', { splitBytes: 1 }],
    ['keep-alive comments', { comments: true }],
    ['data split over several lines', { multilineData: true }],
  ])('reassembles the same text with %s', async (_name, variant) => {
    backend.script({ chunks: ['const x', ' = "é€😀";', '\n'], ...variant });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('const x = "é€😀";\n');
    await engine.close();
  });

  it('surfaces finish_reason and usage, and sends the request OpenAI servers expect', async () => {
    backend.script({ chunks: ['a', 'b'], finishReason: 'length', usage: { prompt_tokens: 11, completion_tokens: 2 } });
    const engine = makeEngine([backend.url], { apiKey: 'sk-test-123' });
    const result = await collect(engine.complete({ ...completion, suffix: '\nprint()', n: 1 }, signal()));
    expect(result.deltas.find((d) => d.finishReason)?.finishReason).toBe('length');
    expect(result.deltas.find((d) => d.usage)?.usage).toEqual({ promptTokens: 11, completionTokens: 2 });
    const request = backend.requests.at(-1)!;
    expect(request.path).toBe('/v1/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test-123');
    expect(request.body).toMatchObject({
      model: 'qwen2.5-coder-7b',
      prompt: completion.prompt,
      suffix: '\nprint()',
      stop: ['\n\n'],
      max_tokens: 32,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    await engine.close();
  });

  it('keeps n candidates apart', async () => {
    backend.script({ chunks: ['x', 'y'], n: 2 });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete({ ...completion, n: 2 }, signal()));
    const byChoice = [0, 1].map((c) => result.deltas.filter((d) => d.choice === c).map((d) => d.text).join(''));
    expect(byChoice).toEqual(['xy', 'xy']);
    expect(backend.requests.at(-1)!.body.n).toBe(2);
    await engine.close();
  });

  it('streams chat deltas to /v1/chat/completions', async () => {
    backend.script({ chunks: ['Hello', ', world'] });
    const engine = makeEngine([backend.url]);
    const messages = [{ role: 'user' as const, content: 'greet me' }];
    const result = await collect(engine.chat({ messages, maxTokens: 20, temperature: 0.2 }, signal()));
    expect(result.text).toBe('Hello, world');
    expect(backend.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', body: { messages, stream: true } });
    await engine.close();
  });

  it('uses the fim model for completions and the chat model for chat', async () => {
    const engine = makeEngine([backend.url], { model: 'chatty', fimModel: 'starcoder2-3b' });
    await collect(engine.complete(completion, signal()));
    await collect(engine.chat({ messages: [{ role: 'user', content: 'x' }], maxTokens: 5, temperature: 0 }, signal()));
    expect(backend.requests.map((r) => r.body?.model)).toEqual(['starcoder2-3b', 'chatty']);
    expect(engine.info()).toMatchObject({ name: 'openai-http', fim: true, chat: true });
    await engine.close();
  });

  it('picks the only served model when none is configured, and refuses to guess among several', async () => {
    const engine = makeEngine([backend.url], { model: undefined });
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeUndefined();
    expect(backend.requests.at(-1)!.body.model).toBe('qwen2.5-coder-7b');
    await engine.close();

    backend.models.push({ id: 'llama-3.1-8b' });
    const picky = makeEngine([backend.url], { model: undefined });
    const refused = await collect(picky.complete(completion, signal()));
    expect(refused.error).toBeInstanceOf(RequestRejected);
    expect((refused.error as Error).message).toMatch(/serves qwen2.5-coder-7b, llama-3.1-8b.*--model/);
    await picky.close();
  });

  it('401: AuthFailed telling the user how to set a key', async () => {
    backend.script({ fault: 'status', status: 401, body: { error: { message: 'invalid api key' } } });
    const engine = makeEngine([backend.url]);
    const result = await collect(engine.complete(completion, signal()));
    expect(result.error).toBeInstanceOf(AuthFailed);
    expect((result.error as Error).message).toMatch(/needs an API key and none was sent.*INLINE_API_KEY/);
    await engine.close();
  });
});

describe('openai-http never sends a secret', () => {
  // Assembled at run time so that this file itself holds no credential-shaped string.
  const awsKey = ['AKIA', 'Q3EGRT7XWZ5MNB2L'].join('');
  const ghToken = ['ghp_', 'R7wqZ2vN8kLpX4tY6mB3sD1fH9jC5gA0eU7i'].join('');

  it('redacts credentials in completion prompts, suffixes, chat messages and embedding inputs', async () => {
    const engine = makeEngine([backend.url]);
    await collect(engine.complete({ ...completion, prompt: `aws_access_key_id = ${awsKey}\n`, suffix: `token = "${ghToken}"` }, signal()));
    await collect(engine.chat({ messages: [{ role: 'user', content: `why does ${awsKey} fail?` }], maxTokens: 5, temperature: 0 }, signal()));
    await engine.embed([`key ${awsKey}`], signal());
    const sent = JSON.stringify(backend.requests.map((r) => r.body));
    expect(sent).not.toContain(awsKey);
    expect(sent).not.toContain(ghToken);
    expect(sent).toContain('[REDACTED:aws-access-key');
    await engine.close();
  });
});

describe('openai-http cancellation', () => {
  it('aborts the HTTP stream when the signal fires, with the abort reason', async () => {
    backend.script({ fault: 'stall-mid-stream', afterChunks: 1, ms: 5000 });
    const engine = makeEngine([backend.url], { deadlines: { connectMs: 1000, firstByteMs: 5000, stallMs: 5000 } });
    const controller = new AbortController();
    const started = performance.now();
    const pending = collect(engine.complete(completion, controller.signal));
    await backend.waitForRequests(1);
    setTimeout(() => controller.abort(new Error('superseded')), 50);
    const result = await pending;
    expect((result.error as Error).message).toBe('superseded');
    expect(performance.now() - started).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(backend.requests[0]!.aborted).toBe(true);
    await engine.close();
  });

  it('stops the request when the consumer stops reading', async () => {
    backend.script({ chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 100 });
    const engine = makeEngine([backend.url]);
    for await (const delta of engine.complete(completion, signal())) {
      if (delta.text === 'a') break;
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(backend.requests[0]!.aborted).toBe(true);
    await engine.close();
  });
});

describe('openai-http with several base URLs', () => {
  let second: FakeBackend;
  beforeEach(async () => {
    second = await startFakeBackend();
  });
  afterEach(async () => {
    await second.close();
  });

  it('sends every request for one file to the same endpoint', async () => {
    const engine = makeEngine([backend.url, second.url]);
    const files = ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts', 'src/e.ts', 'src/f.ts'];
    for (let i = 0; i < 3; i++) {
      for (const file of files) await collect(engine.complete({ ...completion, prompt: file, routeKey: file }, signal()));
    }
    const servedBy = (b: FakeBackend, file: string) => b.requests.filter((r) => r.body.prompt === file).length;
    for (const file of files) {
      expect([servedBy(backend, file), servedBy(second, file)].sort()).toEqual([0, 3]);
    }
    expect(backend.requests.length).toBeGreaterThan(0);
    expect(second.requests.length).toBeGreaterThan(0);
    await engine.close();
  });

  it('fails over from a dead endpoint before the first token, and remembers it is down', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const engine = makeEngine([dead, backend.url]);
    const key = ['x.ts', 'y.ts', 'z.ts', 'w.ts'].find((k) => engine.pool.preferred(k).url === dead)!;
    const first = await collect(engine.complete({ ...completion, routeKey: key }, signal()));
    expect(first.error).toBeUndefined();
    expect(first.text).toBe('ok');
    await collect(engine.complete({ ...completion, routeKey: key }, signal()));
    expect(backend.requests).toHaveLength(2);
    expect(engine.pool.endpoints[0]!.failures).toBe(1);
    await engine.close();
  });

  it('fails over when the preferred endpoint stalls before its first byte', async () => {
    const engine = makeEngine([backend.url, second.url], { deadlines: { connectMs: 1000, firstByteMs: 200, stallMs: 200 } });
    const key = ['p.ts', 'q.ts', 'r.ts', 's.ts'].find((k) => engine.pool.preferred(k).url === backend.url)!;
    backend.script({ fault: 'stall-before-headers', ms: 2000 });
    second.script({ chunks: ['rescued'] });
    const result = await collect(engine.complete({ ...completion, routeKey: key }, signal()));
    expect(result.text).toBe('rescued');
    expect(result.ms).toBeLessThan(200 + 350);
    await engine.close();
  });

  it('reports the last failure when every endpoint is down', async () => {
    const engine = makeEngine([`http://127.0.0.1:${await closedPort()}`, `http://127.0.0.1:${await closedPort()}`]);
    const result = await collect(engine.chat({ messages: [{ role: 'user', content: 'x' }], maxTokens: 5, temperature: 0 }, signal()));
    expect(result.error).toBeInstanceOf(BackendUnavailable);
    await engine.close();
  });
});

describe('openai-http embeddings', () => {
  it('embeds in batches and keeps the input order', async () => {
    const engine = makeEngine([backend.url], { embedBatchSize: 2, embedModel: 'nomic-embed' });
    backend.models.push({ id: 'nomic-embed' });
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'alpha'];
    const vectors = await engine.embed(texts, signal());
    expect(vectors).toHaveLength(5);
    expect(vectors.every((v) => v instanceof Float32Array && v.length === 8)).toBe(true);
    expect(Array.from(vectors[4]!)).toEqual(Array.from(vectors[0]!));
    expect(Array.from(vectors[1]!)).not.toEqual(Array.from(vectors[0]!));
    const batches = backend.requests.filter((r) => r.path === '/v1/embeddings');
    expect(batches.map((r) => r.body.input)).toEqual([['alpha', 'beta'], ['gamma', 'delta'], ['alpha']]);
    expect(batches[0]!.body.model).toBe('nomic-embed');
    await engine.close();
  });

  it('retries a batch that failed with 503 and times out a stalled one', async () => {
    backend.script({ fault: 'status', status: 503 }, { fault: 'stall-before-headers', ms: 2000 });
    const engine = makeEngine([backend.url], { retries: { maxRetries: 1, baseDelayMs: 10, maxRetryAfterMs: 1000 } });
    await expect(engine.embed(['a'], signal())).rejects.toBeInstanceOf(Timeout);
    expect(backend.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(2);
    await engine.close();
  });
});
