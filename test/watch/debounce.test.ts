/** Adaptive debounce: the delay follows the typing rate between 75 and 300 ms, per key, and only the latest call runs. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Debouncer, type DebounceClock } from '../../src/watch/debounce.js';

/** A clock whose time moves only when the test says so. */
class ManualClock implements DebounceClock {
  time = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = until;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}

function setup(options: ConstructorParameters<typeof Debouncer>[0] = {}) {
  const clock = new ManualClock();
  const debouncer = new Debouncer({ clock, ...options });
  const runs: string[] = [];
  /** A change to `key` after `gap` ms; returns the delay chosen. */
  const type = (key: string, gap: number, label = key): number => {
    clock.advance(gap);
    return debouncer.schedule(key, () => runs.push(label));
  };
  return { clock, debouncer, runs, type };
}

describe('Debouncer', () => {
  it('treats the first change as after a pause: the shortest delay, and the call runs once it passes', () => {
    const { clock, debouncer, runs, type } = setup();
    expect(debouncer.delayFor('doc')).toBe(75);
    expect(type('doc', 0)).toBe(75);
    clock.advance(74);
    expect(runs).toEqual([]);
    expect(debouncer.pending('doc')).toBe(true);
    clock.advance(1);
    expect(runs).toEqual(['doc']);
    expect(debouncer.pending('doc')).toBe(false);
  });

  it('waits longer as typing speeds up, up to 300 ms, and runs only the latest call', () => {
    const { clock, runs, type } = setup();
    const delays = Array.from({ length: 20 }, (_, i) => type('doc', i === 0 ? 0 : 60, `key ${i}`));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBe(300);
    expect(runs).toEqual([]);
    clock.advance(299);
    expect(runs).toEqual([]);
    clock.advance(1);
    expect(runs).toEqual(['key 19']);
  });

  it('waits the shortest time for slow typing, so that each change gets its call', () => {
    const { clock, runs, type } = setup();
    for (let i = 0; i < 5; i++) expect(type('doc', i === 0 ? 0 : 700, `key ${i}`)).toBe(75);
    clock.advance(75);
    expect(runs).toEqual(['key 0', 'key 1', 'key 2', 'key 3', 'key 4']);
  });

  it('follows the documented formula: an exponentially weighted mean gap mapped linearly from 100..500 ms to 300..75 ms', () => {
    const { type } = setup();
    type('doc', 0); // mean = 1000 (a first change counts as a pause)
    expect(type('doc', 200)).toBe(75); // mean = 0.4·200 + 0.6·1000 = 680 ≥ 500
    expect(type('doc', 200)).toBe(Math.round(300 - 225 * ((0.4 * 200 + 0.6 * 680 - 100) / 400))); // mean 488 → 82
    const steady = setup({ smoothing: 1 });
    steady.type('doc', 0);
    expect(steady.type('doc', 300)).toBe(Math.round(300 - 225 * 0.5));
    expect(steady.type('doc', 100)).toBe(300);
    expect(steady.type('doc', 500)).toBe(75);
    expect(steady.type('doc', 5000)).toBe(75);
  });

  it('keeps every delay within 75..300 ms, whatever the gaps', () => {
    const { debouncer, type } = setup();
    let seed = 3;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 48271) % 2147483647;
      const delay = type(`doc ${seed % 3}`, seed % 1500);
      expect(delay).toBeGreaterThanOrEqual(75);
      expect(delay).toBeLessThanOrEqual(300);
      expect(debouncer.delayFor(`doc ${seed % 3}`)).toBe(delay);
    }
  });

  it('keeps keys apart: each has its own rate and its own pending call', () => {
    const { clock, debouncer, runs, type } = setup();
    for (let i = 0; i < 10; i++) type('fast', i === 0 ? 0 : 50);
    type('slow', 0);
    expect(debouncer.delayFor('fast')).toBeGreaterThan(250);
    expect(debouncer.delayFor('slow')).toBe(75);
    clock.advance(75);
    expect(runs).toEqual(['slow']);
    clock.advance(300);
    expect(runs).toEqual(['slow', 'fast']);
  });

  it('cancels a key without forgetting its rate, forgets it on request, and disposes of everything', () => {
    const { clock, debouncer, runs, type } = setup();
    for (let i = 0; i < 10; i++) type('a', i === 0 ? 0 : 50);
    type('b', 0);
    debouncer.cancel('a');
    expect(debouncer.pending('a')).toBe(false);
    expect(debouncer.delayFor('a')).toBeGreaterThan(250);
    debouncer.forget('a');
    expect(debouncer.delayFor('a')).toBe(75);
    debouncer.dispose();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    expect(runs).toEqual([]);
    expect(() => debouncer.schedule('a', () => undefined)).toThrow(/after dispose/);
  });

  it('reports a call that throws or rejects instead of letting it escape', async () => {
    const errors: string[] = [];
    const { clock, debouncer } = setup({ onError: (error, key) => errors.push(`${key}: ${(error as Error).message}`) });
    debouncer.schedule('sync', () => {
      throw new Error('boom');
    });
    debouncer.schedule('async', async () => {
      throw new Error('later');
    });
    clock.advance(75);
    await Promise.resolve();
    expect(errors).toEqual(['sync: boom', 'async: later']);
  });

  it('rejects settings that cannot work', () => {
    expect(() => new Debouncer({ minDelayMs: 400, maxDelayMs: 300 })).toThrow(RangeError);
    expect(() => new Debouncer({ fastGapMs: 600, slowGapMs: 500 })).toThrow(RangeError);
    expect(() => new Debouncer({ smoothing: 0 })).toThrow(RangeError);
  });
});

describe('Debouncer on the real timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('works with the global timers (here faked by vitest)', () => {
    vi.useFakeTimers();
    const debouncer = new Debouncer();
    const calls: number[] = [];
    debouncer.schedule('doc', () => calls.push(1));
    vi.advanceTimersByTime(60);
    debouncer.schedule('doc', () => calls.push(2));
    vi.advanceTimersByTime(debouncer.delayFor('doc') - 1);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([2]);
    debouncer.dispose();
  });
});
