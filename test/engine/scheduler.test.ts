/** Ordering, cancellation, caps and rate limits of the engine scheduler, and its wrapper over a real HTTP engine. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestCancelled } from '../../src/engine/errors.js';
import { Scheduler, scheduledEngine, type Priority } from '../../src/engine/scheduler.js';
import type { CompletionRequest, Delta, Engine } from '../../src/engine/types.js';
import { startFakeBackend } from '../support/fake-backend.js';
import { completion, makeEngine } from './engines/openai-http-harness.js';

interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every already-settled promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const unlimitedRate = { ratePerSecond: Infinity, burst: 1 };

/** Resolves with how the promise ended, so a rejection is never left unhandled while a test waits. */
function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** A task that stays running until the test lets it go, and fails with a socket-like error if its signal aborts. */
function heldTask(started: string[], name: string, gate: Promise<void>) {
  return (signal: AbortSignal) => {
    started.push(name);
    return new Promise<string>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('socket closed'));
      signal.addEventListener('abort', () => reject(new Error('socket closed')), { once: true });
      gate.then(() => resolve(name), reject);
    });
  };
}

describe('Scheduler ordering', () => {
  it('starts the highest priority first, FIFO within a priority', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const started: string[] = [];
    const blocker = deferred();
    const first = scheduler.run({ priority: 'background' }, heldTask(started, 'blocker', blocker.promise));
    const queued: Array<[Priority, string]> = [
      ['background', 'bg1'],
      ['chat', 'chat1'],
      ['interactive', 'int1'],
      ['background', 'bg2'],
      ['chat', 'chat2'],
      ['interactive', 'int2'],
      ['interactive', 'int3'],
    ];
    const runs = queued.map(([priority, name]) => scheduler.run({ priority }, async () => void started.push(name)));
    expect(scheduler.stats()).toEqual({ queued: { interactive: 3, chat: 2, background: 2 }, running: 1 });
    blocker.resolve();
    await Promise.all([first, ...runs]);
    expect(started).toEqual(['blocker', 'int1', 'int2', 'int3', 'chat1', 'chat2', 'bg1', 'bg2']);
    expect(scheduler.stats()).toEqual({ queued: { interactive: 0, chat: 0, background: 0 }, running: 0 });
  });

  it('never runs more tasks at once than the concurrency cap, and fills it', async () => {
    const scheduler = new Scheduler({ concurrency: 3, interactiveReserve: 0, ...unlimitedRate });
    const priorities: Priority[] = ['interactive', 'chat', 'background'];
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 30 }, (_, i) =>
      scheduler.run({ priority: priorities[i % 3]! }, async () => {
        running++;
        peak = Math.max(peak, running);
        expect(scheduler.stats().running).toBeLessThanOrEqual(3);
        // Uneven lengths so tasks finish out of order.
        for (let turn = 0; turn < (i * 7) % 5; turn++) await settle();
        running--;
        return i;
      }),
    );
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('keeps a slot free for interactive work, yet still runs background work when idle', async () => {
    const scheduler = new Scheduler({ concurrency: 2, interactiveReserve: 1, ...unlimitedRate });
    const started: string[] = [];
    const gate = deferred();
    const background = ['bg1', 'bg2', 'bg3'].map((name) => scheduler.run({ priority: 'background' }, heldTask(started, name, gate.promise)));
    await settle();
    expect(started).toEqual(['bg1']);
    const interactive = scheduler.run({ priority: 'interactive' }, async () => void started.push('int'));
    await interactive;
    expect(started).toEqual(['bg1', 'int']);
    gate.resolve();
    await Promise.all(background);
    expect(started).toEqual(['bg1', 'int', 'bg2', 'bg3']);
  });

  it('rejects unusable limits and priorities with a clear message', async () => {
    expect(() => new Scheduler({ concurrency: 0 })).toThrow(/concurrency must be a whole number ≥ 1 \(got 0\)/);
    expect(() => new Scheduler({ ratePerSecond: -1, burst: 0.5 })).toThrow(/ratePerSecond must be > 0.*burst must be a number ≥ 1/);
    const scheduler = new Scheduler();
    await expect(scheduler.run({ priority: 'urgent' as Priority }, async () => 1)).rejects.toThrow(/Unknown priority "urgent"/);
  });
});

describe('Scheduler cancellation', () => {
  it('rejects a superseded queued request without ever starting it', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const started: string[] = [];
    const blocker = deferred();
    const first = scheduler.run({ priority: 'interactive' }, heldTask(started, 'blocker', blocker.promise));
    const older = outcome(scheduler.run({ priority: 'interactive', key: 'file:///a.ts' }, async () => void started.push('older')));
    const newer = scheduler.run({ priority: 'interactive', key: 'file:///a.ts' }, async () => void started.push('newer'));
    const { error } = await older;
    expect(error).toBeInstanceOf(RequestCancelled);
    expect(error).toMatchObject({ reason: 'superseded' });
    expect(scheduler.stats().queued.interactive).toBe(1);
    blocker.resolve();
    await Promise.all([first, newer]);
    expect(started).toEqual(['blocker', 'newer']);
  });

  it('aborts the signal of a superseded running request and frees its slot once it stops', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const started: string[] = [];
    let olderSignal: AbortSignal | undefined;
    const older = outcome(
      scheduler.run({ priority: 'interactive', key: 'a.ts' }, (signal) => {
        olderSignal = signal;
        return heldTask(started, 'older', new Promise(() => {}))(signal);
      }),
    );
    await settle();
    expect(started).toEqual(['older']);
    const other = scheduler.run({ priority: 'interactive', key: 'b.ts' }, async () => void started.push('other'));
    const newer = scheduler.run({ priority: 'interactive', key: 'a.ts' }, async () => void started.push('newer'));
    const { error } = await older;
    // The task failed with its own socket error, but the caller learns why it really stopped.
    expect(error).toBeInstanceOf(RequestCancelled);
    expect(error).toMatchObject({ reason: 'superseded' });
    expect(olderSignal?.aborted).toBe(true);
    expect(olderSignal?.reason).toBe(error);
    await Promise.all([other, newer]);
    expect(started).toEqual(['older', 'other', 'newer']);
    expect(scheduler.stats().running).toBe(0);
  });

  it('keeps keys apart: a different key cancels nothing', async () => {
    const scheduler = new Scheduler({ concurrency: 2, interactiveReserve: 0, ...unlimitedRate });
    const gate = deferred();
    const a = scheduler.run({ priority: 'interactive', key: 'a.ts' }, heldTask([], 'a', gate.promise));
    const b = scheduler.run({ priority: 'interactive', key: 'b.ts' }, heldTask([], 'b', gate.promise));
    gate.resolve();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
  });

  it('honours the caller signal before queueing, while queued and while running', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const started: string[] = [];

    const already = new AbortController();
    already.abort(new Error('user left'));
    const early = await outcome(scheduler.run({ priority: 'chat', signal: already.signal }, async () => void started.push('early')));
    expect(early.error).toMatchObject({ name: 'RequestCancelled', reason: 'aborted' });
    expect((early.error as Error).cause).toEqual(new Error('user left'));

    const runningCaller = new AbortController();
    const running = outcome(scheduler.run({ priority: 'chat', signal: runningCaller.signal }, heldTask(started, 'running', new Promise(() => {}))));
    const queuedCaller = new AbortController();
    const queued = outcome(scheduler.run({ priority: 'chat', signal: queuedCaller.signal }, async () => void started.push('queued')));
    queuedCaller.abort();
    expect((await queued).error).toMatchObject({ reason: 'aborted' });
    expect(scheduler.stats().queued.chat).toBe(0);
    runningCaller.abort();
    expect((await running).error).toMatchObject({ reason: 'aborted' });
    expect(started).toEqual(['running']);
    expect(scheduler.stats().running).toBe(0);
  });

  it('rejects a cancelled request even when its task ignores the signal and succeeds', async () => {
    const scheduler = new Scheduler(unlimitedRate);
    const caller = new AbortController();
    const gate = deferred();
    const result = outcome(scheduler.run({ priority: 'interactive', signal: caller.signal }, () => gate.promise.then(() => 'stale')));
    await settle();
    caller.abort();
    gate.resolve();
    expect((await result).error).toBeInstanceOf(RequestCancelled);
  });

  it('passes task errors through unchanged and releases the slot', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const failure = new Error('backend exploded');
    await expect(scheduler.run({ priority: 'interactive' }, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(scheduler.stats().running).toBe(0);
    await expect(scheduler.run({ priority: 'interactive' }, async () => 'next')).resolves.toBe('next');
  });
});

describe('Scheduler token bucket', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delays requests once the burst is spent, and waiting requests stay cancellable', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const scheduler = new Scheduler({ concurrency: 10, ratePerSecond: 10, burst: 2 });
    const started: string[] = [];
    const start = (name: string, signal?: AbortSignal) => outcome(scheduler.run({ priority: 'interactive', signal }, async () => void started.push(name)));
    const caller = new AbortController();
    const runs = [start('r1'), start('r2'), start('r3'), start('r4', caller.signal), start('r5')];
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['r1', 'r2']);
    await vi.advanceTimersByTimeAsync(99);
    expect(started).toEqual(['r1', 'r2']);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['r1', 'r2', 'r3']);
    caller.abort();
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual(['r1', 'r2', 'r3', 'r5']);
    const results = await Promise.all(runs);
    expect(results[3]!.error).toMatchObject({ reason: 'aborted' });
    // Nothing is waiting, so no timer is left behind to keep the process alive.
    expect(vi.getTimerCount()).toBe(0);
    // A quiet second refills the bucket up to the burst, not beyond.
    await vi.advanceTimersByTimeAsync(1000);
    const later = [start('r6'), start('r7'), start('r8')];
    await vi.advanceTimersByTimeAsync(0);
    expect(started.slice(4)).toEqual(['r6', 'r7']);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(later);
    expect(started.slice(4)).toEqual(['r6', 'r7', 'r8']);
  });
});

/** An in-memory engine whose streams yield `texts` one per turn and record how they ended. */
function fakeEngine(texts: string[], failAfter?: number, ignoreSignal = false) {
  const log: string[] = [];
  const engine: Engine = {
    async *complete(req: CompletionRequest, signal: AbortSignal): AsyncGenerator<Delta> {
      log.push(`open ${req.prompt}`);
      try {
        for (const [index, text] of texts.entries()) {
          if (index === failAfter) throw new Error('stream broke');
          if (signal.aborted && !ignoreSignal) throw signal.reason;
          await settle();
          yield { text, choice: 0 };
        }
        log.push(`end ${req.prompt}`);
      } finally {
        log.push(`closed ${req.prompt}`);
      }
    },
    chat: (_req, signal) => engine.complete({ ...completion, prompt: 'chat' }, signal),
    embed: async (texts) => {
      log.push(`embed ${texts.length}`);
      return texts.map(() => new Float32Array(2));
    },
    info: () => ({ name: 'fake', fim: true, contextTokens: 1024, chat: true }),
  };
  return { engine, log };
}

describe('scheduledEngine', () => {
  it('holds the slot while the consumer reads and releases it when the consumer breaks early', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const { engine, log } = fakeEngine(['a', 'b', 'c', 'd']);
    const wrapped = scheduledEngine(engine, scheduler);
    let waiting: Promise<string> | undefined;
    for await (const delta of wrapped.complete({ ...completion, prompt: 'first', routeKey: 'a.ts' }, new AbortController().signal)) {
      waiting ??= (async () => {
        const texts: string[] = [];
        for await (const d of wrapped.complete({ ...completion, prompt: 'second', routeKey: 'b.ts' }, new AbortController().signal)) texts.push(d.text);
        return texts.join('');
      })();
      expect(scheduler.stats()).toMatchObject({ running: 1, queued: { interactive: 1 } });
      if (delta.text === 'b') break;
    }
    expect(await waiting).toBe('abcd');
    // The first stream was closed before the second one was allowed to open.
    expect(log).toEqual(['open first', 'closed first', 'open second', 'end second', 'closed second']);
    expect(scheduler.stats().running).toBe(0);
  });

  it('stops delivering text for a cancelled stream even when the engine ignores its signal', async () => {
    const scheduler = new Scheduler(unlimitedRate);
    const wrapped = scheduledEngine(fakeEngine(['a', 'b', 'c'], undefined, true).engine, scheduler);
    const caller = new AbortController();
    const texts: string[] = [];
    const failure = await (async () => {
      try {
        for await (const delta of wrapped.complete(completion, caller.signal)) {
          texts.push(delta.text);
          caller.abort();
        }
      } catch (error) {
        return error;
      }
    })();
    expect(texts).toEqual(['a']);
    expect(failure).toMatchObject({ name: 'RequestCancelled', reason: 'aborted' });
    expect(scheduler.stats().running).toBe(0);
  });

  it('releases the slot when the stream throws, and the consumer sees the engine error', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const wrapped = scheduledEngine(fakeEngine(['a', 'b', 'c'], 2).engine, scheduler);
    const texts: string[] = [];
    const failure = await (async () => {
      try {
        for await (const delta of wrapped.chat({ messages: [], maxTokens: 5, temperature: 0 }, new AbortController().signal)) texts.push(delta.text);
      } catch (error) {
        return error;
      }
    })();
    expect(texts).toEqual(['a', 'b']);
    expect(failure).toMatchObject({ message: 'stream broke' });
    expect(failure).not.toBeInstanceOf(RequestCancelled);
    expect(scheduler.stats().running).toBe(0);
  });

  it('supersedes completions for the same document but not chat, and runs embeddings last', async () => {
    const scheduler = new Scheduler({ concurrency: 1, ...unlimitedRate });
    const { engine, log } = fakeEngine(['x']);
    const wrapped = scheduledEngine(engine, scheduler);
    const drain = async (stream: AsyncIterable<Delta>) => {
      for await (const _ of stream);
    };
    const gate = deferred();
    const blocker = scheduler.run({ priority: 'interactive' }, () => gate.promise);
    const cursor = (prompt: string) => ({ ...completion, prompt, cursor: { path: 'src/a.ts', prefix: '', suffix: '' } });
    const embedded = wrapped.embed!(['t1', 't2'], new AbortController().signal);
    const chat = drain(wrapped.chat({ messages: [], maxTokens: 5, temperature: 0 }, new AbortController().signal));
    const stale = outcome(drain(wrapped.complete(cursor('stale'), new AbortController().signal)));
    const fresh = drain(wrapped.complete(cursor('fresh'), new AbortController().signal));
    expect(scheduler.stats().queued).toEqual({ interactive: 1, chat: 1, background: 1 });
    gate.resolve();
    await Promise.all([blocker, embedded, chat, fresh]);
    expect((await stale).error).toMatchObject({ reason: 'superseded' });
    expect(log.filter((line) => line.startsWith('open') || line.startsWith('embed'))).toEqual(['open fresh', 'open chat', 'embed 2']);
  });
});

describe('scheduledEngine over HTTP', () => {
  it('aborts the HTTP stream of a completion superseded by a newer one for the same document', async () => {
    const backend = await startFakeBackend();
    const http = makeEngine([backend.url], { deadlines: { connectMs: 1000, firstByteMs: 15_000, stallMs: 15_000 } });
    try {
      // The older stream stalls after one chunk: only an abort that reaches the socket ends it in time.
      backend.script({ fault: 'stall-mid-stream', afterChunks: 1, ms: 10_000, chunks: ['one ', 'two '] }, { chunks: ['fresh'] });
      const signals: AbortSignal[] = [];
      const recording: Engine = {
        complete: (req, signal) => {
          signals.push(signal);
          return http.complete(req, signal);
        },
        chat: (req, signal) => http.chat(req, signal),
        info: () => http.info(),
      };
      const wrapped = scheduledEngine(recording, new Scheduler({ concurrency: 1, ...unlimitedRate }));
      const key = { routeKey: 'src/app.py' };
      const olderTexts: string[] = [];
      let olderError: unknown;
      let newer: Promise<string> | undefined;
      try {
        for await (const delta of wrapped.complete({ ...completion, ...key, prompt: 'older' }, new AbortController().signal)) {
          olderTexts.push(delta.text);
          newer ??= (async () => {
            let text = '';
            for await (const d of wrapped.complete({ ...completion, ...key, prompt: 'newer' }, new AbortController().signal)) text += d.text;
            return text;
          })();
        }
      } catch (error) {
        olderError = error;
      }
      expect(olderError).toBeInstanceOf(RequestCancelled);
      expect(olderError).toMatchObject({ reason: 'superseded' });
      expect(olderTexts).toEqual(['one ']);
      expect(signals[0]!.reason).toBe(olderError);
      expect(await newer).toBe('fresh');
      expect(backend.requests.map((r) => [r.body.prompt, r.aborted])).toEqual([
        ['older', true],
        ['newer', false],
      ]);
    } finally {
      await http.close();
      await backend.close();
    }
  });
});
