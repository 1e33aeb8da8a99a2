import { describe, expect, it } from 'vitest';
import { lineOfOffset, lineStarts } from '../../src/context/window.js';

describe('lineStarts', () => {
  it('gives the offset of every line, for texts asked about again and in turn', () => {
    const a = 'one\ntwo\n\nfour';
    const b = 'x\r\ny\n';
    expect(lineStarts(a)).toEqual([0, 4, 8, 9]);
    expect(lineStarts(b)).toEqual([0, 3, 5]);
    // A copy of a text already seen, as the next keystroke's document is, gets the same answer.
    expect(lineStarts([...a].join(''))).toEqual([0, 4, 8, 9]);
    expect(lineStarts(`${a}\n`)).toEqual([0, 4, 8, 9, 14]);
    for (let i = 0; i < 40; i++) expect(lineStarts(`line ${i}\n`)).toEqual([0, `line ${i}\n`.length]);
    expect(lineStarts(a)).toEqual([0, 4, 8, 9]);
    expect(lineOfOffset(lineStarts(a), 8)).toBe(2);
  });

  it('stays right when texts over the kept amount come and go', () => {
    const big = 'x\n'.repeat(1_500_000);
    const bigger = `${big}y`;
    expect(lineStarts(big).length).toBe(1_500_001);
    expect(lineStarts(bigger).length).toBe(1_500_001);
    expect(lineStarts(big).at(-1)).toBe(3_000_000);
    expect(lineStarts('a\nb')).toEqual([0, 2]);
    expect(lineStarts(bigger).at(-1)).toBe(3_000_000);
  });
});
