import { describe, expect, it } from 'vitest';
import { indentationAt, opensBlockAt, wantsMultiline } from '../../../../src/engine/complete/prompt/multiline.js';

function split(marked: string): [string, number] {
  const offset = marked.indexOf('|');
  return [marked.slice(0, offset) + marked.slice(offset + 1), offset];
}

describe('wantsMultiline', () => {
  const cases: Array<[string, boolean]> = [
    ['def f(a):|\n', true],
    ['def f(a):\n    |\n', true],
    ['function f() {|\n}', true],
    ['const xs = [|];', true],
    ['x = compute(a, |)', false],
    ['x = compute(a, b)|', false],
    ['if ok:| # note', false],
    ['items.map((x) =>|', true],
    ['|', true],
    ['total = pri|ce * qty', false],
  ];
  for (const [marked, expected] of cases) {
    it(`${expected ? 'multi' : 'single'}: ${JSON.stringify(marked)}`, () => {
      const [text, offset] = split(marked);
      expect(wantsMultiline(text, offset)).toBe(expected);
    });
  }
});

describe('indentationAt and opensBlockAt', () => {
  it('reads the cursor line', () => {
    const [text, offset] = split('class A:\n    def f(self):|\n');
    expect(indentationAt(text, offset)).toBe('    ');
    expect(opensBlockAt(text, offset)).toBe(true);
    const [flat, at] = split('x = 1|\n');
    expect(indentationAt(flat, at)).toBe('');
    expect(opensBlockAt(flat, at)).toBe(false);
  });
});
