import { describe, expect, it } from 'vitest';
import { cutAtBlockEnd, type BlockEndRules } from '../../../../src/engine/complete/generate/stop-rules.js';

const single: BlockEndRules = { multiline: false, indent: '', opensBlock: false, maxLines: 12 };
const pythonBody: BlockEndRules = { multiline: true, indent: '', opensBlock: true, maxLines: 12 };
const insideBody: BlockEndRules = { multiline: true, indent: '    ', opensBlock: false, maxLines: 12 };

describe('cutAtBlockEnd', () => {
  it('ends a single-line request at the first newline', () => {
    expect(cutAtBlockEnd('a, b)', single)).toEqual({ text: 'a, b)', done: false });
    expect(cutAtBlockEnd('a, b)\nprint(x)', single)).toEqual({ text: 'a, b)', done: true });
    expect(cutAtBlockEnd('a, b)', single, true)).toEqual({ text: 'a, b)', done: true });
  });

  it('keeps a Python body and stops at the next top-level statement', () => {
    const text = '\n    total = a + b\n    return total\n\ndef other():\n';
    expect(cutAtBlockEnd(text, pythonBody)).toEqual({ text: '\n    total = a + b\n    return total', done: true });
  });

  it('keeps the closing brace of a block the cursor opened, and ends there', () => {
    const text = '\n  return a + b;\n}\n\nfunction next() {\n';
    expect(cutAtBlockEnd(text, { ...pythonBody, indent: '' })).toEqual({ text: '\n  return a + b;\n}', done: true });
  });

  it('stops where the code leaves the block the cursor is in', () => {
    const text = 'x = 1\n    y = 2\nz = 3\n';
    expect(cutAtBlockEnd(text, insideBody)).toEqual({ text: 'x = 1\n    y = 2', done: true });
  });

  it('waits for an unfinished last line', () => {
    expect(cutAtBlockEnd('x = 1\n    y =', insideBody)).toEqual({ text: 'x = 1\n    y =', done: false });
    expect(cutAtBlockEnd('x = 1\nz', insideBody)).toEqual({ text: 'x = 1\nz', done: false });
  });

  it('stops at two blank lines and at a repeated line', () => {
    expect(cutAtBlockEnd('a()\n    b()\n\n\n    c()\n', insideBody)).toEqual({ text: 'a()\n    b()', done: true });
    expect(cutAtBlockEnd('a()\n    log(x)\n    log(x)\n', insideBody)).toEqual({ text: 'a()\n    log(x)', done: true });
  });

  it('caps the number of lines', () => {
    const text = Array.from({ length: 20 }, (_, i) => `    v${i} = ${i}`).join('\n') + '\n';
    const cut = cutAtBlockEnd(text, { ...insideBody, maxLines: 3 });
    expect(cut.done).toBe(true);
    expect(cut.text.split('\n')).toHaveLength(3);
  });

  it('counts a tab as four columns', () => {
    expect(cutAtBlockEnd('x()\n\ty()\nz()\n', insideBody)).toEqual({ text: 'x()\n\ty()', done: true });
  });
});
