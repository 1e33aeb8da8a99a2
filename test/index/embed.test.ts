import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InlineConfig } from '../../src/config/schema.js';
import { OpenAIHttpEngine } from '../../src/engine/engines/openai-http.js';
import { HashingEmbedder } from '../../src/index/embed/hashing.js';
import { HttpEmbedder, type EmbeddingEngine } from '../../src/index/embed/http.js';
import { createEmbedder } from '../../src/index/embed/index.js';
import { LlamaEmbedder, validateGguf } from '../../src/index/embed/llama.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { embeddingVector } from '../support/fake-backend/payloads.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));

const CODE = {
  parseHeader: 'function parseHeader(line) {\n  const [name, value] = line.split(":");\n  return { name: name.trim(), value: value.trim() };\n}',
  parseHeaders: 'def parse_headers(lines):\n    headers = {}\n    for line in lines:\n        name, value = line.split(":", 1)\n        headers[name.strip()] = value.strip()\n    return headers',
  matrix: 'fn multiply(a: &Matrix, b: &Matrix) -> Matrix {\n    let mut out = Matrix::zeros(a.rows, b.cols);\n    for i in 0..a.rows { for j in 0..b.cols { out[i][j] = dot(a.row(i), b.col(j)); } }\n    out\n}',
  css: '.sidebar {\n  display: flex;\n  background-color: #fafafa;\n  border-left: 1px solid #ddd;\n}',
};

function baseConfig(overrides: Partial<InlineConfig> = {}): InlineConfig {
  return {
    engine: 'openai-http',
    baseUrls: [],
    timeouts: { connectMs: 1000, firstByteMs: 3000, stallMs: 3000 },
    retries: { max: 0, baseDelayMs: 10, maxRetryAfterMs: 100 },
    endpoints: { busyInFlight: 4, downCooldownMs: 1000 },
    embedBatchSize: 64,
    ...overrides,
  } as InlineConfig;
}

function engineFor(url: string, embedBatchSize = 64): OpenAIHttpEngine {
  return OpenAIHttpEngine.fromConfig(baseConfig({ baseUrls: [url], embedModel: 'nomic-embed', embedBatchSize }));
}

describe('HashingEmbedder', () => {
  it('names its version and size', () => {
    expect(new HashingEmbedder().id).toBe('hashing-v1-256');
    expect(new HashingEmbedder().dimensions).toBe(256);
    const small = new HashingEmbedder({ dimensions: 64 });
    expect(small.id).toBe('hashing-v1-64');
    expect(() => new HashingEmbedder({ dimensions: 0 })).toThrow(RangeError);
  });

  it('is deterministic across instances and returns unit vectors of the right size', async () => {
    const [a] = await new HashingEmbedder().embed([CODE.parseHeader]);
    const [b] = await new HashingEmbedder().embed([CODE.parseHeader]);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a).toHaveLength(256);
    expect(a).toEqual(b);
    expect(norm(a!)).toBeCloseTo(1, 5);
  });

  it('gives a zero vector for text without tokens', async () => {
    const [empty, symbols] = await new HashingEmbedder().embed(['', '{ } ( ) ;']);
    expect(norm(empty!)).toBe(0);
    expect(norm(symbols!)).toBe(0);
  });

  it('puts similar code closer than unrelated code', async () => {
    const embedder = new HashingEmbedder();
    embedder.fit(Object.values(CODE));
    const [header, headers, matrix, css] = await embedder.embed([CODE.parseHeader, CODE.parseHeaders, CODE.matrix, CODE.css]);
    expect(dot(header!, headers!)).toBeGreaterThan(dot(header!, matrix!));
    expect(dot(header!, headers!)).toBeGreaterThan(dot(header!, css!));
    const [query] = await embedder.embed(['parse http headers']);
    expect(dot(query!, headers!)).toBeGreaterThan(dot(query!, matrix!));
  });

  it('restores its fitted state to identical vectors', async () => {
    const fitted = new HashingEmbedder();
    fitted.fit(Object.values(CODE));
    const stored = JSON.parse(JSON.stringify(fitted.state()));
    expect(JSON.stringify(stored).length).toBeLessThan(100_000);
    const restored = new HashingEmbedder();
    restored.restore(stored);
    const texts = [...Object.values(CODE), 'an unseen query'];
    expect(await restored.embed(texts)).toEqual(await fitted.embed(texts));
    expect(await new HashingEmbedder().embed(texts)).not.toEqual(await fitted.embed(texts));
  });

  it('has no state before fitting and rejects a bad one', () => {
    const embedder = new HashingEmbedder();
    expect(embedder.state()).toBeUndefined();
    expect(() => embedder.restore({ kind: 'something-else' })).toThrow(/hashing-embedder state is invalid/);
    expect(() => embedder.restore({ kind: 'hashing-idf', version: 1, documents: 3, maxIdf: 2, idf: 'not deflated' })).toThrow(/invalid/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new HashingEmbedder().embed(['x y'], controller.signal)).rejects.toThrow();
  });
});

describe('HttpEmbedder', () => {
  let backend: FakeBackend;
  let other: FakeBackend;
  const engines: OpenAIHttpEngine[] = [];
  const engine = (url: string, batch?: number) => {
    const created = engineFor(url, batch);
    engines.push(created);
    return created;
  };

  beforeAll(async () => {
    backend = await startFakeBackend({ embeddingDims: 8, models: [{ id: 'nomic-embed' }] });
    other = await startFakeBackend({ embeddingDims: 16, models: [{ id: 'nomic-embed' }] });
  });
  afterEach(async () => {
    backend.requests.length = 0;
    for (const created of engines.splice(0)) await created.close();
  });
  afterAll(async () => {
    await backend.close();
    await other.close();
  });

  it('returns the server vectors in input order, across batches', async () => {
    const embedder = new HttpEmbedder(engine(backend.url, 2), 'nomic-embed');
    expect(embedder.id).toBe('http:nomic-embed');
    expect(embedder.dimensions).toBe(0);
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const vectors = await embedder.embed(texts);
    expect(vectors.map((v) => Array.from(v))).toEqual(texts.map((t) => Array.from(Float32Array.from(embeddingVector(t, 8)))));
    expect(embedder.dimensions).toBe(8);
    const requests = backend.requests.filter((r) => r.path === '/v1/embeddings');
    expect(requests.map((r) => r.body.input)).toEqual([['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']]);
    expect(requests[0]!.body.model).toBe('nomic-embed');
  });

  it('sends nothing for no texts', async () => {
    expect(await new HttpEmbedder(engine(backend.url), 'nomic-embed').embed([])).toEqual([]);
    expect(backend.requests).toHaveLength(0);
  });

  it('fails clearly when the vector size changes between calls', async () => {
    const first = engine(backend.url);
    const second = engine(other.url);
    let calls = 0;
    const switching: EmbeddingEngine = { embed: (texts, signal) => (calls++ === 0 ? first : second).embed(texts, signal) };
    const embedder = new HttpEmbedder(switching, 'nomic-embed');
    await embedder.embed(['a']);
    await expect(embedder.embed(['b'])).rejects.toThrow(/returned 16-dimensional vectors where 8 were expected/);
    expect(embedder.dimensions).toBe(8);
  });

  it('checks against dimensions it was given', async () => {
    const embedder = new HttpEmbedder(engine(backend.url), 'nomic-embed', { dimensions: 16 });
    expect(embedder.dimensions).toBe(16);
    await expect(embedder.embed(['a'])).rejects.toThrow(/8-dimensional vectors where 16 were expected/);
  });

  it('keeps at most one request in flight', async () => {
    const embedder = new HttpEmbedder(engine(backend.url), 'nomic-embed');
    backend.script({ fault: 'stall-before-headers', ms: 200 });
    const both = Promise.all([embedder.embed(['first']), embedder.embed(['second'])]);
    await backend.waitForRequests(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(backend.requests).toHaveLength(1);
    const [[first], [second]] = await both;
    expect(Array.from(first!)).toEqual(Array.from(Float32Array.from(embeddingVector('first', 8))));
    expect(Array.from(second!)).toEqual(Array.from(Float32Array.from(embeddingVector('second', 8))));
    expect(backend.requests.map((r) => r.body.input)).toEqual([['first'], ['second']]);
    expect(backend.requests[1]!.at - backend.requests[0]!.at).toBeGreaterThanOrEqual(150);
  });

  it('does not send a request that was aborted while queued', async () => {
    const embedder = new HttpEmbedder(engine(backend.url), 'nomic-embed');
    backend.script({ fault: 'stall-before-headers', ms: 150 });
    const controller = new AbortController();
    const first = embedder.embed(['first']);
    const second = embedder.embed(['second'], controller.signal);
    controller.abort();
    await expect(second).rejects.toThrow();
    await first;
    expect(backend.requests.map((r) => r.body.input)).toEqual([['first']]);
  });

  it('is created from the configuration with its size already known', async () => {
    const embedder = await createEmbedder('http', baseConfig({ baseUrls: [backend.url], embedModel: 'nomic-embed' }));
    expect(embedder.id).toBe('http:nomic-embed');
    expect(embedder.dimensions).toBe(8);
    await embedder.close?.();
  });

  it('needs a base URL and an embedding model', async () => {
    await expect(createEmbedder('http', baseConfig({ embedModel: 'nomic-embed' }))).rejects.toThrow(/needs a server: set baseUrl/);
    await expect(createEmbedder('http', baseConfig({ baseUrls: [backend.url] }))).rejects.toThrow(/needs an embedding model: set embedModel/);
  });
});

describe('LlamaEmbedder error paths', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inline-llama-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, bytes: Buffer) => {
    const target = path.join(dir, name);
    writeFileSync(target, bytes);
    return target;
  };
  const ggufHeader = (version: number) => {
    const header = Buffer.alloc(24);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(version, 4);
    return header;
  };

  it('names the model after the file', () => {
    expect(new LlamaEmbedder('/models/nomic-embed-text.Q8_0.gguf').id).toBe('llama:nomic-embed-text.Q8_0.gguf');
    expect(new LlamaEmbedder('/models/x.gguf').dimensions).toBe(0);
  });

  it('accepts a GGUF header of version 1 to 3', async () => {
    await expect(validateGguf(file('ok.gguf', ggufHeader(3)))).resolves.toEqual({ version: 3, sizeBytes: 24 });
  });

  it('reports a missing file by name', async () => {
    const missing = path.join(dir, 'missing.gguf');
    await expect(validateGguf(missing)).rejects.toThrow(`The embedding model ${missing} does not exist`);
    await expect(new LlamaEmbedder(missing).embed(['x'])).rejects.toThrow(`${missing} does not exist`);
  });

  it('reports a file that is not a GGUF', async () => {
    const text = file('model.gguf', Buffer.from('<html>404 Not Found</html>'));
    await expect(validateGguf(text)).rejects.toThrow(`${text} is not a GGUF model file`);
    const tiny = file('tiny.gguf', Buffer.from('GG'));
    await expect(new LlamaEmbedder(tiny).load()).rejects.toThrow(`${tiny} is not a GGUF model file`);
  });

  it('reports an unsupported GGUF version', async () => {
    const future = file('future.gguf', ggufHeader(9));
    await expect(validateGguf(future)).rejects.toThrow(`${future} is GGUF version 9`);
  });

  it('reports a directory', async () => {
    const folder = path.join(dir, 'folder.gguf');
    mkdirSync(folder);
    await expect(validateGguf(folder)).rejects.toThrow(`${folder} is not a file`);
  });

  it('is refused by createEmbedder without a GGUF path, and checks the one it gets', async () => {
    await expect(createEmbedder('llama', baseConfig())).rejects.toThrow(/needs a GGUF embedding model: set embedGguf/);
    const text = file('notes.gguf', Buffer.from('just some notes'));
    await expect(createEmbedder('llama', baseConfig({ embedGguf: text }))).rejects.toThrow(`${text} is not a GGUF model file`);
    await expect(createEmbedder('llama', baseConfig(), { gguf: text })).rejects.toThrow(`${text} is not a GGUF model file`);
  });

  it('closes cleanly when never loaded', async () => {
    await expect(new LlamaEmbedder(path.join(dir, 'missing.gguf')).close()).resolves.toBeUndefined();
  });
});

describe('createEmbedder', () => {
  it('makes the hashing embedder by default name', async () => {
    const embedder = await createEmbedder('hashing', baseConfig());
    expect(embedder.id).toBe('hashing-v1-256');
  });
});
