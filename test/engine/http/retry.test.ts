import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, sleep } from '../../../src/engine/http/retry.js';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(' 0.5 ')).toBe(500);
    expect(parseRetryAfter(['3', '9'])).toBe(3000);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Sun, 22 Nov 2026 00:00:00 GMT');
    expect(parseRetryAfter('Sun, 22 Nov 2026 00:00:04 GMT', now)).toBe(4000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 23:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for missing or unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with half of it random', () => {
    expect(backoffDelay(0, 200, () => 0)).toBe(100);
    expect(backoffDelay(0, 200, () => 1)).toBe(200);
    expect(backoffDelay(2, 200, () => 0)).toBe(400);
    expect(backoffDelay(2, 200, () => 1)).toBe(800);
  });

  it('is capped at 30 s', () => {
    expect(backoffDelay(20, 1000, () => 1)).toBe(30_000);
  });
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
