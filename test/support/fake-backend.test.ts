import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, startFakeBackend, type FakeBackend, type FakeBackendOptions } from './fake-backend.js';

const started: FakeBackend[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((b) => b.close()));
});

async function start(opts?: FakeBackendOptions): Promise<FakeBackend> {
  const b = await startFakeBackend(opts);
  started.push(b);
  return b;
}

function post(b: FakeBackend, path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(b.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, ...init });
}

// Deliberately independent of the fake's own framing code, so the two can't share a bug.
function sseData(raw: string): string[] {
  const out: string[] = [];
  for (const block of raw.replace(/\r\n/g, '\n').split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.startsWith('data:'));
    if (lines.length > 0) out.push(lines.map((l) => l.slice(5).replace(/^ /, '')).join('\n'));
  }
  return out;
}

// Response.json() is typed `unknown`; tests poke at known shapes, so loosen it once here.
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();
const jsonEvents = (raw: string) => sseData(raw).filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
const completionText = (events: any[], index = 0) =>
  events.flatMap((e) => e.choices.filter((c: any) => c.index === index).map((c: any) => c.text ?? c.delta?.content ?? '')).join('');

async function readUntilError(res: Response): Promise<{ text: string; error: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

async function eventually(cond: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const streamReq = { model: 'm', prompt: 'abcdefghij', max_tokens: 5, stream: true };

describe('model discovery', () => {
  it('lists vllm models with max_model_len and 404s other flavors’ paths', async () => {
    const b = await start();
    const list = await json(fetch(`${b.url}/v1/models`));
    expect(list.object).toBe('list');
    expect(list.data[0]).toMatchObject({ id: 'qwen2.5-coder-7b', object: 'model', owned_by: 'vllm', max_model_len: 32768 });
    expect((await fetch(`${b.url}/props`)).status).toBe(404);
    expect((await fetch(`${b.url}/api/version`)).status).toBe(404);
    b.models.push({ id: 'extra' });
    const again = await json(fetch(`${b.url}/v1/models`));
    expect(again.data[1]).not.toHaveProperty('max_model_len');
  });

  it('serves llama.cpp meta and /props', async () => {
    const b = await start({ flavor: 'llamacpp', models: [{ id: 'x', max_model_len: 8192 }] });
    const list = await json(fetch(`${b.url}/v1/models`));
    expect(list.data[0]).toMatchObject({ id: 'x', owned_by: 'llamacpp', meta: { n_ctx_train: 8192 } });
    expect(await json(fetch(`${b.url}/props`))).toEqual({ default_generation_settings: { n_ctx: 8192 } });
  });

  it('serves ollama version and show', async () => {
    const b = await start({ flavor: 'ollama' });
    const list = await json(fetch(`${b.url}/v1/models`));
    expect(list.data[0].owned_by).toBe('library');
    expect(await json(fetch(`${b.url}/api/version`))).toEqual({ version: '0.6.2' });
    const show = await json(post(b, '/api/show', { model: 'qwen2.5-coder-7b' }));
    expect(show.model_info['qwen2.context_length']).toBe(32768);
    expect(show.parameters).toBe('');
    const missing = await post(b, '/api/show', { model: 'nope' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "model 'nope' not found" });
    expect((await fetch(`${b.url}/props`)).status).toBe(404);
  });
});

describe('ok replies', () => {
  it('streams completions with usage only when requested', async () => {
    const b = await start();
    b.script({ chunks: ['Hel', 'lo'] }, { chunks: ['x'] });
    const res = await post(b, '/v1/completions', { ...streamReq, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const raw = await res.text();
    const data = sseData(raw);
    expect(data.at(-1)).toBe('[DONE]');
    const events = jsonEvents(raw);
    expect(events[0]).toMatchObject({ id: 'cmpl-1', object: 'text_completion', model: 'm' });
    expect(events[0].choices[0]).toEqual({ index: 0, text: 'Hel', logprobs: null, finish_reason: null });
    expect(completionText(events)).toBe('Hello');
    expect(events[2].choices[0]).toMatchObject({ text: '', finish_reason: 'stop' });
    expect(events[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });

    const plain = jsonEvents(await (await post(b, '/v1/completions', streamReq)).text());
    expect(plain.some((e) => 'usage' in e)).toBe(false);
    expect(completionText(plain)).toBe('x');
  });

  it('uses CRLF line endings when asked', async () => {
    const b = await start({ replies: [{ chunks: ['a', 'b'], crlf: true }] });
    const raw = await (await post(b, '/v1/completions', streamReq)).text();
    expect(raw).toContain('\r\n\r\n');
    expect(raw.replace(/\r\n/g, '')).not.toContain('\n');
    expect(completionText(jsonEvents(raw))).toBe('ab');
  });

  it('splitBytes delivers the same text across many small writes', async () => {
    const b = await start({ replies: [{ chunks: ['héllo ', 'wörld ', '🙂'], splitBytes: 3 }] });
    const res = await post(b, '/v1/completions', streamReq);
    const reader = res.body!.getReader();
    const parts: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    expect(parts.length).toBeGreaterThan(1);
    const raw = Buffer.concat(parts).toString('utf8');
    expect(completionText(jsonEvents(raw))).toBe('héllo wörld 🙂');
  });

  it('interleaves comments and multi-line data without corrupting JSON', async () => {
    const b = await start({ replies: [{ chunks: ['a, "b"', ', c'], comments: true, multilineData: true }] });
    const raw = await (await post(b, '/v1/completions', streamReq)).text();
    expect(raw).toContain(': keep-alive');
    expect(raw).toMatch(/data: [^\n]*,\ndata: /);
    expect(completionText(jsonEvents(raw))).toBe('a, "b", c');
  });

  it('emits one event per choice when n=2', async () => {
    const b = await start({ replies: [{ chunks: ['p', 'q'], n: 2 }] });
    const events = jsonEvents(await (await post(b, '/v1/completions', streamReq)).text());
    expect(completionText(events, 0)).toBe('pq');
    expect(completionText(events, 1)).toBe('pq');
    const finals = events.filter((e) => e.choices[0]?.finish_reason === 'stop').map((e) => e.choices[0].index);
    expect(finals).toEqual([0, 1]);
  });

  it('streams chat deltas with a role preamble', async () => {
    const b = await start({ replies: [{ chunks: ['Hi', '!'], finishReason: 'length' }] });
    const body = { model: 'm', messages: [{ role: 'user', content: 'hello' }], stream: true };
    const events = jsonEvents(await (await post(b, '/v1/chat/completions', body)).text());
    expect(events[0]).toMatchObject({ id: 'chatcmpl-1', object: 'chat.completion.chunk' });
    expect(events[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(events[1].choices[0].delta).toEqual({ content: 'Hi' });
    expect(events[3].choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
    expect(completionText(events)).toBe('Hi!');
  });

  it('answers non-streaming completion and chat requests with one JSON object', async () => {
    const b = await start({ replies: [{ chunks: ['a', 'b'] }, { chunks: ['c'], usage: { prompt_tokens: 7, completion_tokens: 9 } }] });
    const comp = await json(post(b, '/v1/completions', { model: 'm', prompt: 'xyz', stream: false }));
    expect(comp).toMatchObject({ object: 'text_completion', choices: [{ index: 0, text: 'ab', finish_reason: 'stop' }] });
    expect(comp.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    const chat = await json(post(b, '/v1/chat/completions', { model: 'm', messages: [] }));
    expect(chat).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'c' } }] });
    expect(chat.usage).toEqual({ prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 });
  });

  it('produces deterministic unit-length embeddings', async () => {
    const b = await start();
    const res = await json(post(b, '/v1/embeddings', { model: 'e', input: ['foo', 'bar', 'foo'] }));
    expect(res).toMatchObject({ object: 'list', model: 'e' });
    const [foo, bar, foo2] = res.data.map((d: any) => d.embedding as number[]);
    expect(foo).toHaveLength(8);
    expect(foo2).toEqual(foo);
    expect(bar).not.toEqual(foo);
    expect(Math.hypot(...foo)).toBeCloseTo(1, 10);
    const wide = await start({ embeddingDims: 40 });
    const single = await json(post(wide, '/v1/embeddings', { model: 'e', input: 'foo' }));
    expect(single.data[0].embedding).toHaveLength(40);
  });
});

describe('routing and recording', () => {
  it('404s unknown paths, 400s malformed JSON, and records every request in order', async () => {
    const b = await start();
    const missing = await fetch(`${b.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: 'not found', type: 'invalid_request_error' } });
    expect((await post(b, '/v1/completions', '{not json')).status).toBe(400);
    await post(b, '/v1/completions', { model: 'm', prompt: 'p' }, { headers: { authorization: 'Bearer k' } });
    expect(b.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', '/v2/nothing'],
      ['POST', '/v1/completions'],
      ['POST', '/v1/completions'],
    ]);
    expect(b.requests[1].body).toBe('{not json');
    expect(b.requests[2].body).toEqual({ model: 'm', prompt: 'p' });
    expect(b.requests[2].headers.authorization).toBe('Bearer k');
    expect(b.requests.every((r) => !r.aborted && r.at > 0)).toBe(true);
    await expect(b.waitForRequests(4, 50)).rejects.toThrow(/wanted 4/);
  });

  it('consumes the script FIFO, then falls back to the default', async () => {
    const b = await start();
    b.script({ chunks: ['one'] }, { chunks: ['two'] });
    b.setDefault({ fault: 'status', status: 503 });
    const texts: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(b, '/v1/completions', { model: 'm', prompt: 'p' });
      texts.push(res.ok ? (await json(res)).choices[0].text : res.status);
    }
    expect(texts).toEqual(['one', 'two', 503]);
  });

  it('closedPort yields a port that refuses connections', async () => {
    const port = await closedPort();
    await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();
  });
});

describe('faults', () => {
  it('status: 429 with Retry-After and the default error body', async () => {
    const b = await start({ replies: [{ fault: 'status', status: 429, retryAfter: '2' }] });
    const res = await post(b, '/v1/completions', streamReq);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({ error: { message: 'fake 429', type: 'server_error', code: null } });
  });

  it('reset-before-headers makes fetch reject, also on embeddings', async () => {
    const b = await start();
    b.script({ fault: 'reset-before-headers' }, { fault: 'reset-before-headers' });
    await expect(post(b, '/v1/completions', streamReq)).rejects.toThrow();
    await expect(post(b, '/v1/embeddings', { input: 'x' })).rejects.toThrow();
    expect(b.requests.map((r) => r.aborted)).toEqual([false, false]);
  });

  it('reset-mid-stream delivers partial data then fails the body read', async () => {
    const b = await start({ replies: [{ fault: 'reset-mid-stream', afterChunks: 2, chunks: ['a', 'b', 'c', 'd'] }] });
    const res = await post(b, '/v1/completions', streamReq);
    expect(res.status).toBe(200);
    const { text, error } = await readUntilError(res);
    expect(error).toBeDefined();
    expect(completionText(jsonEvents(text))).toBe('ab');
  });

  it('stall-before-headers delays the response, then serves `then`', async () => {
    const b = await start({ replies: [{ fault: 'stall-before-headers', ms: 200, then: { chunks: ['late'] } }] });
    const t0 = Date.now();
    const res = await post(b, '/v1/completions', streamReq);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(completionText(jsonEvents(await res.text()))).toBe('late');
  });

  it('stall-mid-stream pauses between chunks and then finishes', async () => {
    const b = await start({ replies: [{ fault: 'stall-mid-stream', afterChunks: 1, ms: 150, chunks: ['x', 'y'] }] });
    const t0 = Date.now();
    const raw = await (await post(b, '/v1/completions', streamReq)).text();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(completionText(jsonEvents(raw))).toBe('xy');
    expect(sseData(raw).at(-1)).toBe('[DONE]');
  });

  it('malformed-sse writes a broken line and ends without [DONE]', async () => {
    const b = await start({ replies: [{ fault: 'malformed-sse', afterChunks: 1 }] });
    const raw = await (await post(b, '/v1/completions', streamReq)).text();
    const data = sseData(raw);
    expect(JSON.parse(data[0]).choices[0].text).toBe('w0 ');
    expect(data.at(-1)).toBe('{"choices": [ {oops');
    expect(data).not.toContain('[DONE]');
  });

  it('non-json returns an HTML page with status 200', async () => {
    const b = await start({ replies: [{ fault: 'non-json' }, { fault: 'non-json', status: 502 }] });
    const res = await post(b, '/v1/completions', streamReq);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toContain('<!DOCTYPE html>');
    expect((await post(b, '/v1/embeddings', { input: 'x' })).status).toBe(502);
  });

  it.each([
    ['openai', 400, (j: any) => j.error.code === 'context_length_exceeded'],
    ['vllm', 400, (j: any) => j.object === 'error' && j.message.includes('maximum context length is 4096')],
    ['llamacpp', 400, (j: any) => j.error.type === 'exceed_context_size_error' && j.error.n_ctx === 4096],
    ['tgi', 422, (j: any) => j.error_type === 'validation' && j.error.includes('must be <= 4096')],
  ] as const)('context-length in %s style', async (style, status, check) => {
    const b = await start({ replies: [{ fault: 'context-length', style }] });
    const res = await post(b, '/v1/chat/completions', { model: 'm', messages: [] });
    expect(res.status).toBe(status);
    expect(check(await res.json())).toBe(true);
  });

  it('non-streaming requests get truncated JSON for mid-stream faults; embeddings honour stalls', async () => {
    const b = await start();
    b.script({ fault: 'reset-mid-stream', afterChunks: 0 }, { fault: 'stall-before-headers', ms: 100 });
    const cut = await post(b, '/v1/completions', { model: 'm', prompt: 'p' });
    const { text, error } = await readUntilError(cut);
    expect(error).toBeDefined();
    expect(text.startsWith('{"id":"cmpl-')).toBe(true);
    const t0 = Date.now();
    const emb = await json(post(b, '/v1/embeddings', { input: 'x' }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(emb.data[0].embedding).toHaveLength(8);
  });

  it('error-event sends an error payload mid-stream and ends', async () => {
    const b = await start({ replies: [{ fault: 'error-event', afterChunks: 1, message: 'boom' }] });
    const raw = await (await post(b, '/v1/completions', streamReq)).text();
    const events = jsonEvents(raw);
    expect(events[0].choices[0].text).toBe('w0 ');
    expect(events.at(-1)).toEqual({ error: { message: 'boom', type: 'server_error' } });
    expect(sseData(raw)).not.toContain('[DONE]');
  });
});

describe('lifecycle', () => {
  it('records aborted when the client disconnects mid-stream', async () => {
    const b = await start({ replies: [{ fault: 'stall-mid-stream', afterChunks: 1, ms: 300 }] });
    const ac = new AbortController();
    const res = await post(b, '/v1/completions', streamReq, { signal: ac.signal });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('w0 ');
    ac.abort();
    await eventually(() => b.requests[0]?.aborted === true);
  });

  it('close() is fast even with a stalled request open', async () => {
    const b = await start({ replies: [{ fault: 'stall-before-headers', ms: 10_000 }] });
    const pending = post(b, '/v1/completions', streamReq).then(
      () => 'resolved',
      () => 'rejected',
    );
    await b.waitForRequests(1);
    const t0 = Date.now();
    await b.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await pending).toBe('rejected');
    await b.close();
  });
});
