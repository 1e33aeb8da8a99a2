import { describe, expect, it } from 'vitest';
import { languageForPath } from '../../../../src/context/languages.js';
import { Prefilter } from '../../../../src/engine/complete/prefilter/prefilter.js';
import type { CompletionInput } from '../../../../src/engine/complete/types.js';

/** `|` marks the cursor. */
function at(path: string, marked: string, trigger: CompletionInput['trigger'] = 'automatic'): CompletionInput {
  const offset = marked.indexOf('|');
  return { path, text: marked.slice(0, offset) + marked.slice(offset + 1), offset, trigger };
}

function skip(filter: Prefilter, input: CompletionInput) {
  return filter.skipReason(input, languageForPath(input.path));
}

describe('Prefilter', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['a.py', 'def f():\n    ret|', undefined],
    ['a.py', 'value = comp|ute(1)\n', 'mid-identifier'],
    ['a.py', 'x = "hel| lo"\n', 'in-string'],
    ['a.py', 'x = "hello"|\n', undefined],
    ['a.py', '# a note about th|\nx = 1\n', 'in-comment'],
    ['a.py', '# a note\n|', undefined],
    ['a.ts', 'const s = `abc| def`;\n', 'in-string'],
    ['a.ts', '// explain |\nconst x = 1;\n', 'in-comment'],
    ['a.ts', '/* block |*/\n', 'in-comment'],
    ['a.ts', 'call(a, |)\n', undefined],
    ['a.go', 'package main\n\nfunc main() {\n\tfmt.Println("x|")\n}\n', 'in-string'],
    ['notes.txt', 'some words here|', undefined],
    ['a.py', '   |', 'empty-document'],
  ];
  for (const [path, marked, expected] of cases) {
    it(`${expected ?? 'allows'}: ${JSON.stringify(marked)}`, async () => {
      expect(await skip(new Prefilter(), at(path, marked))).toBe(expected);
    });
  }

  it('lets an explicit request through wherever the cursor is', async () => {
    expect(await skip(new Prefilter(), at('a.py', 'x = "hel|lo"\n', 'invoked'))).toBeUndefined();
    expect(await skip(new Prefilter(), at('a.py', 'value = comp|ute(1)\n', 'invoked'))).toBeUndefined();
  });

  it('skips a document and cursor it has just seen, but not after a change', async () => {
    const filter = new Prefilter();
    const input = at('a.py', 'def f():\n    ret|');
    expect(await skip(filter, input)).toBeUndefined();
    expect(await skip(filter, input)).toBe('unchanged');
    expect(await skip(filter, at('a.py', 'def f():\n    retu|'))).toBeUndefined();
    expect(await skip(filter, { ...input, documentKey: 'other' })).toBeUndefined();
  });

  it('remembers a bounded amount of text: many large documents push the oldest out', async () => {
    const filter = new Prefilter();
    // Plain text: nothing to parse, only the memory bound is at work.
    const large = (name: string) => at(`${name}.txt`, `${'x = 1\n'.repeat(200_000)}|`);
    const first = large('first');
    expect(await skip(filter, first)).toBeUndefined();
    expect(await skip(filter, first)).toBe('unchanged');
    // Each 1.2M-character document counts for its size: a handful exhaust the 8M-character bound.
    for (let i = 0; i < 7; i++) await skip(filter, large(`other${i}`));
    expect(await skip(filter, first)).toBeUndefined();
  });

  it('still remembers small documents by the hundred', async () => {
    const filter = new Prefilter();
    const inputs = Array.from({ length: 200 }, (_, i) => at(`f${i}.py`, `v${i} = ${i}\n|`));
    for (const input of inputs) await skip(filter, input);
    expect(await skip(filter, inputs[0]!)).toBe('unchanged');
  });
});
