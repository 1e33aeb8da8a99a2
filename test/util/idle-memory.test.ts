import { afterEach, describe, expect, it, vi } from 'vitest';
import { fullGarbageCollector, IdleMemoryTrimmer } from '../../src/util/idle-memory.js';

afterEach(() => vi.useRealTimers());

describe('IdleMemoryTrimmer', () => {
  it('collects twice once the process has been quiet, again one quiet period later, and not while work keeps coming', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const trimmer = new IdleMemoryTrimmer(collect, 1000);
    trimmer.touch();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900);
      trimmer.touch();
    }
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(4);
    // Quiet with nothing done since: nothing more to give back.
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(4);
    trimmer.touch();
    vi.advanceTimersByTime(500);
    trimmer.touch();
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(6);
  });

  it('does nothing after dispose, or without a collector', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const trimmer = new IdleMemoryTrimmer(collect, 1000);
    trimmer.touch();
    trimmer.dispose();
    vi.advanceTimersByTime(5000);
    expect(collect).not.toHaveBeenCalled();
    expect(() => new IdleMemoryTrimmer(undefined, 1000).touch()).not.toThrow();
  });
});

describe('fullGarbageCollector', () => {
  it("finds V8's collector without --expose-gc, and it collects unreachable objects", async () => {
    const gc = fullGarbageCollector();
    expect(gc).toBeTypeOf('function');
    const unreachable = new WeakRef({ payload: new Array(1000).fill('x') });
    // A WeakRef keeps its target for the rest of the job that made it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc!();
    expect(unreachable.deref()).toBeUndefined();
    // The flag is off again: code loaded later does not see a `gc` global.
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
