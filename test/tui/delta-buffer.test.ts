import { describe, expect, it } from 'vitest';
import { DeltaBuffer, type Clock } from '../../src/tui/delta-buffer.js';

/** A manual clock: time moves only when the test advances it, and due timers fire in order. */
class ManualClock implements Clock {
  time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, callback });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = end;
  }
}

describe('DeltaBuffer', () => {
  it('publishes the first delta at once and then at most once per interval', () => {
    const clock = new ManualClock();
    const published: Array<{ at: number; text: string }> = [];
    const buffer = new DeltaBuffer((text) => published.push({ at: clock.now(), text }), 16, clock);

    // 1,000 tokens per second for one second.
    for (let i = 0; i < 1000; i++) {
      buffer.push(`${i} `);
      clock.advance(1);
    }
    buffer.flush();

    expect(published[0]).toEqual({ at: 0, text: '0 ' });
    expect(published.length).toBeLessThanOrEqual(Math.ceil(1000 / 16) + 2);
    expect(published.length).toBeGreaterThan(1000 / 16 - 2);
    for (let i = 1; i < published.length - 1; i++) {
      expect(published[i]!.at - published[i - 1]!.at).toBeGreaterThanOrEqual(16);
    }
    expect(published[published.length - 1]!.text).toBe(Array.from({ length: 1000 }, (_, i) => `${i} `).join(''));
  });

  it('publishes a lone delta after a quiet period immediately, and a pending one when its interval ends', () => {
    const clock = new ManualClock();
    const published: string[] = [];
    const buffer = new DeltaBuffer((text) => published.push(text), 16, clock);
    buffer.push('a');
    buffer.push('b');
    expect(published).toEqual(['a']);
    clock.advance(15);
    expect(published).toEqual(['a']);
    clock.advance(1);
    expect(published).toEqual(['a', 'ab']);
    clock.advance(100);
    buffer.push('c');
    expect(published).toEqual(['a', 'ab', 'abc']);
  });

  it('drops pending text on reset without publishing it', () => {
    const clock = new ManualClock();
    const published: string[] = [];
    const buffer = new DeltaBuffer((text) => published.push(text), 16, clock);
    buffer.push('x');
    buffer.push('y');
    buffer.reset();
    clock.advance(50);
    expect(published).toEqual(['x']);
    expect(buffer.text).toBe('');
    buffer.flush();
    expect(published).toEqual(['x']);
  });
});
