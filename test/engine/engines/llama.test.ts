import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailable, ModelFileUnusable, RequestRejected } from '../../../src/engine/errors.js';
import { LlamaEngine } from '../../../src/engine/engines/llama.js';
import type { CompletionRequest, Delta } from '../../../src/engine/types.js';
import { tinyGgufBytes, writeTinyGguf } from '../../support/tiny-gguf.js';

// Real loading and generation on a generated random-weight model: the structure of the stream is
// what is checked, never the (meaningless) text. The CPU backend keeps start-up short and steady.
// Worker start-up (mostly node-llama-cpp testing its native binary) dominates, so the three
// workers the file needs start together.
let dir: string;
let model: string;
let refused: string;
let engine: LlamaEngine;
let noFim: LlamaEngine;
let refusing: LlamaEngine;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inline-llama-'));
  model = writeTinyGguf(dir, 'tiny.gguf', { contextLength: 2048 });
  refused = writeTinyGguf(dir, 'refused.gguf', { architecture: 'no-such-architecture' });
  [engine, noFim, refusing] = await Promise.all([
    LlamaEngine.open({ modelPath: model, gpu: false }),
    LlamaEngine.open({ modelPath: writeTinyGguf(dir, 'no-fim.gguf', { fim: false }), gpu: false }),
    LlamaEngine.open({ modelPath: refused, gpu: false }),
  ]);
  await Promise.all([engine.load(), noFim.load(), refusing.load().catch(() => undefined)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([engine?.close(), noFim?.close(), refusing?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const never = () => new AbortController().signal;

async function collect(stream: AsyncIterable<Delta>): Promise<{ deltas: Delta[]; error?: unknown }> {
  const deltas: Delta[] = [];
  try {
    for await (const delta of stream) deltas.push(delta);
    return { deltas };
  } catch (error) {
    return { deltas, error };
  }
}

const textOf = (deltas: Delta[], choice = 0) =>
  deltas
    .filter((d) => d.choice === choice)
    .map((d) => d.text)
    .join('');

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return { prompt: 'function add(a, b) {\n  return', stop: [], maxTokens: 12, temperature: 0, ...overrides };
}

describe('LlamaEngine info', () => {
  it('reads FIM support and the context size from the file before the worker starts', async () => {
    const fresh = await LlamaEngine.open({ modelPath: model, gpu: false, contextTokens: 1024 });
    expect(fresh.workerPid).toBeUndefined();
    expect(fresh.info()).toEqual({ name: 'llama', fim: true, contextTokens: 1024, chat: true });
    await fresh.close();
  });

  it('reports what the loaded model uses', async () => {
    const loaded = await engine.load();
    expect(loaded).toMatchObject({ fim: true, trainContextTokens: 2048, gpu: false });
    expect(loaded.threads).toBeGreaterThanOrEqual(1);
    expect(loaded.threads).toBeLessThanOrEqual(Math.max(1, os.availableParallelism() - 1));
    expect(engine.info()).toEqual({ name: 'llama', fim: true, contextTokens: 2048, chat: true });
  });
});

describe('LlamaEngine complete', () => {
  it('streams deltas and ends with finishReason length at maxTokens, with usage and logprobs', async () => {
    const { deltas, error } = await collect(engine.complete(request(), never()));
    expect(error).toBeUndefined();
    const text = deltas.filter((d) => d.text.length > 0);
    expect(text.length).toBeGreaterThan(1);
    expect(textOf(deltas).length).toBeGreaterThan(0);
    expect(deltas.filter((d) => d.finishReason)).toEqual([expect.objectContaining({ choice: 0, finishReason: 'length' })]);
    const usage = deltas.find((d) => d.usage)?.usage;
    expect(usage?.completionTokens).toBe(12);
    expect(usage?.promptTokens).toBeGreaterThan(5);
    for (const delta of text) {
      expect(delta.logprob).toBeLessThanOrEqual(0);
      expect(Number.isFinite(delta.logprob)).toBe(true);
    }
  });

  it('ends the text just before a stop string', async () => {
    const free = textOf((await collect(engine.complete(request({ maxTokens: 24 }), never()))).deltas);
    // Greedy decoding is deterministic: a stop string taken from the middle must cut it there.
    const stop = free.slice(8, 11);
    const at = free.indexOf(stop);
    expect(at).toBeGreaterThan(0);
    const { deltas } = await collect(engine.complete(request({ maxTokens: 24, stop: [stop] }), never()));
    expect(textOf(deltas)).toBe(free.slice(0, at));
    expect(deltas.find((d) => d.finishReason)?.finishReason).toBe('stop');
  });

  it('uses the infill layout when the model has FIM tokens and the cursor is given', async () => {
    const cursor = { path: 'add.ts', prefix: 'function add(a, b) {\n  return a + ', suffix: ';\n}\n\nexport { add };\n' };
    const plain = await collect(engine.complete(request({ prompt: 'x' }), never()));
    const infill = await collect(engine.complete(request({ prompt: 'x', cursor }), never()));
    const plainPrompt = plain.deltas.find((d) => d.usage)!.usage!.promptTokens;
    const infillPrompt = infill.deltas.find((d) => d.usage)!.usage!.promptTokens;
    // BOS + the prompt, against BOS + <PRE> prefix <SUF> suffix <MID>.
    expect(plainPrompt).toBeLessThanOrEqual(3);
    expect(infillPrompt).toBeGreaterThan(cursor.prefix.length / 4 + cursor.suffix.length / 4);
    expect(textOf(infill.deltas).length).toBeGreaterThan(0);
  });

  it('generates n candidates one after another, each with its own finish', async () => {
    const { deltas } = await collect(engine.complete(request({ n: 2, temperature: 0.8, maxTokens: 6 }), never()));
    expect(deltas.filter((d) => d.finishReason).map((d) => [d.choice, d.finishReason])).toEqual([
      [0, 'length'],
      [1, 'length'],
    ]);
    expect(textOf(deltas, 1).length).toBeGreaterThan(0);
    expect(deltas.find((d) => d.usage)?.usage?.completionTokens).toBe(12);
  });

  it('rejects bad request values with a clear error', async () => {
    const zero = await collect(engine.complete(request({ maxTokens: 0 }), never()));
    expect(zero.error).toBeInstanceOf(RequestRejected);
    expect((zero.error as Error).message).toMatch(/maxTokens must be a whole number/);
    const many = await collect(engine.complete(request({ n: 99 }), never()));
    expect((many.error as Error).message).toMatch(/candidates \(n\)/);
  });

  it('reuses one worker process across requests', async () => {
    const pid = engine.workerPid;
    expect(pid).toBeGreaterThan(0);
    await collect(engine.complete(request({ maxTokens: 3 }), never()));
    await collect(engine.chat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 3, temperature: 0 }, never()));
    expect(engine.workerPid).toBe(pid);
  });
});

describe('LlamaEngine chat', () => {
  it('streams a reply through the chat wrapper', async () => {
    const messages = [
      { role: 'system' as const, content: 'Answer briefly.' },
      { role: 'user' as const, content: 'What does add return?' },
    ];
    const { deltas, error } = await collect(engine.chat({ messages, maxTokens: 8, temperature: 0 }, never()));
    expect(error).toBeUndefined();
    expect(deltas.filter((d) => d.text.length > 0).length).toBeGreaterThan(1);
    expect(deltas.find((d) => d.finishReason)?.finishReason).toBe('length');
    expect(deltas.find((d) => d.usage)?.usage).toEqual({ promptTokens: expect.any(Number), completionTokens: 8 });
  });
});

describe('LlamaEngine cancellation and failures', () => {
  it('stops generation in the worker when the signal aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const deltas: Delta[] = [];
    let error: unknown;
    try {
      for await (const delta of engine.complete(request({ maxTokens: 1900 }), controller.signal)) {
        deltas.push(delta);
        if (deltas.length === 2) controller.abort(new Error('superseded'));
      }
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toBe('superseded');
    expect(deltas.length).toBe(2);
    // The worker runs one job at a time: this one finishing shows the long one was dropped.
    const next = await collect(engine.complete(request({ maxTokens: 4 }), never()));
    expect(next.deltas.find((d) => d.usage)?.usage?.completionTokens).toBe(4);
  });

  it('stops the worker job when the consumer stops reading', async () => {
    for await (const delta of engine.complete(request({ maxTokens: 1900 }), never())) {
      if (delta.text) break;
    }
    const next = await collect(engine.complete(request({ maxTokens: 4 }), never()));
    expect(next.error).toBeUndefined();
  });

  it('refuses a missing, truncated, non-GGUF or wrong-magic file by name, and the engine keeps working', async () => {
    const whole = tinyGgufBytes();
    const files = {
      missing: path.join(dir, 'missing.gguf'),
      truncated: path.join(dir, 'truncated.gguf'),
      random: path.join(dir, 'random.gguf'),
      magic: path.join(dir, 'magic.gguf'),
    };
    writeFileSync(files.truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
    writeFileSync(files.random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
    writeFileSync(files.magic, Buffer.concat([Buffer.from('GGML'), whole.subarray(4)]));
    const expected: Record<keyof typeof files, RegExp> = {
      missing: /does not exist/,
      truncated: /is truncated/,
      random: /is not a GGUF model file/,
      magic: /is not a GGUF model file/,
    };
    for (const [kind, file] of Object.entries(files) as Array<[keyof typeof files, string]>) {
      const error = await LlamaEngine.open({ modelPath: file }).catch((caught: unknown) => caught);
      expect(error, kind).toBeInstanceOf(ModelFileUnusable);
      expect((error as Error).message, kind).toContain(file);
      expect((error as Error).message, kind).toMatch(expected[kind]);
      expect((error as ModelFileUnusable).retryable).toBe(false);
    }
    await expect(LlamaEngine.open({ modelPath: '' })).rejects.toThrow(/needs a GGUF model file: set INLINE_GGUF/);
    await expect(LlamaEngine.open({ modelPath: model, threads: 0 })).rejects.toBeInstanceOf(RequestRejected);
    const after = await collect(engine.complete(request({ maxTokens: 3 }), never()));
    expect(after.error).toBeUndefined();
  });

  it('reports a file llama.cpp refuses to load, and keeps answering so without a new worker', async () => {
    const first = await collect(refusing.complete(request(), never()));
    expect(first.error).toBeInstanceOf(ModelFileUnusable);
    expect((first.error as Error).message).toContain(`Could not load the model ${refused}`);
    expect((first.error as Error).message).toMatch(/no-such-architecture/);
    const second = await collect(refusing.chat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 3, temperature: 0 }, never()));
    expect(second.error).toBe(first.error);
    expect(refusing.workerPid).toBeUndefined();
  });

  it('turns a worker killed mid-generation or mid-load into BackendUnavailable, restarts, and is killed by close', async () => {
    const deltas: Delta[] = [];
    let error: unknown;
    const first = engine.workerPid!;
    try {
      for await (const delta of engine.complete(request({ maxTokens: 1900 }), never())) {
        deltas.push(delta);
        if (deltas.length === 1) process.kill(first, 'SIGKILL');
      }
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BackendUnavailable);
    expect((error as Error).message).toContain(model);
    expect((error as Error).message).toMatch(/was killed \(SIGKILL\) while generating/);
    expect((error as BackendUnavailable).partial).toBe(true);

    // Killed while loading: not the file's fault (the OOM killer, most likely), so not remembered.
    const loading = engine.load();
    while (engine.workerPid === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    process.kill(engine.workerPid, 'SIGKILL');
    const loadError = await loading.catch((caught: unknown) => caught);
    expect(loadError).toBeInstanceOf(BackendUnavailable);
    expect(loadError).not.toBeInstanceOf(ModelFileUnusable);
    expect((loadError as Error).message).toContain(`was killed (SIGKILL) while loading ${model}`);
    expect((loadError as Error).message).toMatch(/out of memory/);

    const again = await collect(engine.complete(request({ maxTokens: 3 }), never()));
    expect(again.error).toBeUndefined();
    const second = engine.workerPid!;
    expect(second).not.toBe(first);
    await engine.close();
    expect(() => process.kill(second, 0)).toThrow();
    const closed = await collect(engine.complete(request(), never()));
    expect((closed.error as Error).message).toMatch(/is closed/);
  });
});

describe('LlamaEngine without FIM tokens', () => {
  it('says so and completes the prompt even when the cursor is given', async () => {
    expect(noFim.info().fim).toBe(false);
    const cursor = { path: 'a.ts', prefix: 'function add(a, b) {\n  return a + ', suffix: ';\n}\n' };
    const { deltas, error } = await collect(noFim.complete(request({ prompt: 'x', cursor, maxTokens: 4 }), never()));
    expect(error).toBeUndefined();
    expect(deltas.find((d) => d.usage)?.usage?.promptTokens).toBeLessThanOrEqual(3);
  });
});
