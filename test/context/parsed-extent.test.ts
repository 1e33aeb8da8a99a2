import { describe, expect, it } from 'vitest';
import { parsedEnd, parsedExtent } from '../../src/context/parsed-extent.js';

/** A Python module of `count` small functions, each followed by a blank line. */
function module(count: number): string {
  return Array.from({ length: count }, (_, i) => `def f${i}(x):\n    y = x + ${i}\n    return y\n`).join('\n');
}

describe('parsedExtent', () => {
  it('keeps a document with little text after the cursor whole', () => {
    const text = module(40);
    expect(parsedExtent(text, 10)).toBe(text);
    const long = module(400);
    expect(parsedExtent(long, long.length - 3000)).toBe(long);
  });

  it('keeps everything before the cursor and cuts after a blank line a little way on', () => {
    const text = module(400);
    const offset = text.indexOf('\n', 5000);
    const kept = parsedExtent(text, offset);
    expect(text.startsWith(kept)).toBe(true);
    expect(kept.length - offset).toBeGreaterThanOrEqual(1500);
    expect(kept.length - offset).toBeLessThan(6000);
    // The cut comes after a blank line, so the next line (a new definition) is left out whole.
    expect(kept.endsWith('\n\n')).toBe(true);
    expect(text.slice(kept.length)).toMatch(/^def f\d+\(x\):/);
  });

  it('keeps at least eight lines after the cursor, however long they are', () => {
    const line = `x = ${'1 + '.repeat(120)}1\n`;
    const text = `${line.repeat(10)}\n${line.repeat(30)}`;
    const offset = line.length - 1;
    const kept = parsedExtent(text, offset);
    expect(kept.slice(offset).split('\n').length).toBeGreaterThan(8);
  });

  it('without a blank line, cuts at the first line end past its limit', () => {
    const text = 'x = 1\n'.repeat(3000);
    const end = parsedEnd(text, 600);
    expect(end - 600).toBeGreaterThanOrEqual(6000);
    expect(end - 600).toBeLessThanOrEqual(6000 + "x = 1\n".length);
    expect(text[end - 1]).toBe('\n');
  });

  it('depends only on the text after the cursor, so an insertion there is cut at the same place', () => {
    const text = module(400);
    const offset = text.indexOf('\n', 3000);
    const suffix = text.slice(offset);
    expect(parsedEnd(text, offset)).toBe(offset + parsedEnd(suffix, 0));
    const inserted = `${text.slice(0, offset)}\n    z = compute(y)${suffix}`;
    expect(parsedEnd(inserted, offset + 19)).toBe(offset + 19 + parsedEnd(suffix, 0));
  });
});
