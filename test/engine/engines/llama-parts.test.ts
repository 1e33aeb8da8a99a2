import { describe, expect, it } from 'vitest';
import { explainExit } from '../../../src/engine/engines/llama/exit-reason.js';
import { checkThreads, defaultThreads, parseGpuChoice } from '../../../src/engine/engines/llama/hardware.js';
import { StopScanner } from '../../../src/engine/engines/llama/stop-scanner.js';

/** Feeds the growing text one piece at a time, as tokens arrive, and joins what was shown. */
function scan(stops: string[], pieces: string[]): { shown: string[]; stopped: boolean; rest: string } {
  const scanner = new StopScanner(stops);
  const shown: string[] = [];
  let decoded = '';
  for (const piece of pieces) {
    decoded += piece;
    const result = scanner.push(decoded);
    shown.push(result.text);
    if (result.stopped) return { shown, stopped: true, rest: '' };
  }
  return { shown, stopped: false, rest: scanner.finish(decoded) };
}

describe('StopScanner', () => {
  it('passes text through when there are no stop strings', () => {
    expect(scan([], ['a', 'bc', 'd'])).toEqual({ shown: ['a', 'bc', 'd'], stopped: false, rest: '' });
  });

  it('ends the text just before a stop string split across tokens', () => {
    const result = scan(['\n\n'], ['foo', '()', '\n', '\n', 'bar']);
    expect(result.stopped).toBe(true);
    expect(result.shown.join('')).toBe('foo()');
    // The first newline is held back until the second one decides it.
    expect(result.shown).toEqual(['foo', '()', '', '']);
  });

  it('releases held-back text once it can no longer start a stop string', () => {
    const result = scan(['</end>'], ['x <', '/e', 'x']);
    expect(result.shown).toEqual(['x ', '', '</ex']);
    expect(result.stopped).toBe(false);
  });

  it('releases a partial stop string at the end of generation', () => {
    expect(scan(['STOP'], ['ab', 'ST'])).toEqual({ shown: ['ab', ''], stopped: false, rest: 'ST' });
  });

  it('cuts at the earliest of several stop strings', () => {
    const result = scan(['cd', 'b'], ['abcd']);
    expect(result).toEqual({ shown: ['a'], stopped: true, rest: '' });
  });

  it('holds back an incomplete multi-byte character until it is whole', () => {
    const scanner = new StopScanner([]);
    expect(scanner.push('a\uFFFD').text).toBe('a');
    expect(scanner.push('a€').text).toBe('€');
  });

  it('ignores empty stop strings', () => {
    expect(scan([''], ['ab'])).toEqual({ shown: ['ab'], stopped: false, rest: '' });
  });
});

describe('llama thread and GPU choice', () => {
  it('leaves one core free, never going below one thread', () => {
    expect(defaultThreads(8, 16)).toBe(7);
    expect(defaultThreads(8, 4)).toBe(3);
    expect(defaultThreads(2, 2)).toBe(1);
    expect(defaultThreads(1, 1)).toBe(1);
    expect(defaultThreads(0, 6)).toBe(5);
  });

  it('accepts a sensible thread override and explains a bad one', () => {
    expect(checkThreads(undefined)).toBeUndefined();
    expect(checkThreads(3)).toBe(3);
    expect(() => checkThreads(0)).toThrow(/from 1 to 1024, not 0/);
    expect(() => checkThreads(2.5)).toThrow(/whole number/);
  });

  it('reads GPU choices', () => {
    expect(parseGpuChoice(undefined)).toBe('auto');
    expect(parseGpuChoice(true)).toBe('auto');
    expect(parseGpuChoice(false)).toBe(false);
    expect(parseGpuChoice('CPU')).toBe(false);
    expect(parseGpuChoice('vulkan')).toBe('vulkan');
    expect(() => parseGpuChoice('tpu')).toThrow(/Unknown GPU choice "tpu"/);
  });
});

describe('llama worker exit reasons', () => {
  it('blames the file for native crashes and error exits, not for kills from outside', () => {
    expect(explainExit(null, 'SIGABRT')).toEqual({ what: 'aborted (SIGABRT)', crashed: true, memory: false });
    expect(explainExit(null, 'SIGSEGV')).toMatchObject({ what: 'crashed (SIGSEGV)', crashed: true });
    expect(explainExit(134, null)).toMatchObject({ crashed: true, memory: true });
    expect(explainExit(1, null)).toMatchObject({ what: 'exited unexpectedly (code 1)', crashed: true });
    expect(explainExit(null, 'SIGKILL')).toEqual({ what: 'was killed (SIGKILL)', crashed: false, memory: true });
    expect(explainExit(null, 'SIGTERM')).toMatchObject({ what: 'was stopped (SIGTERM)', crashed: false });
  });
});
