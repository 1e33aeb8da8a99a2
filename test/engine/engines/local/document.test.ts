import { describe, expect, it } from 'vitest';
import { readCursor } from '../../../../src/engine/engines/local/document.js';
import { syntaxForPath } from '../../../../src/engine/engines/local/syntax.js';
import { TokenSpace } from '../../../../src/engine/engines/local/token-space.js';
import { Vocabulary } from '../../../../src/engine/engines/local/vocabulary.js';

function read(prefix: string, suffix = '', path = 'a.py') {
  const space = new TokenSpace(new Vocabulary());
  const document = readCursor({ path, prefix, suffix }, syntaxForPath(path), space);
  return { ...document, contextText: document.context.map((id) => space.text(id)) };
}

describe('readCursor', () => {
  it('takes the name under the cursor as the partial token', () => {
    const document = read('x = self.val');
    expect(document.partial).toBe('val');
    expect(document.contextText.slice(-3)).toEqual([' =', ' self', '.']);
  });

  it('takes a space or an indentation as what the next token must start with', () => {
    expect(read('return ').partial).toBe(' ');
    expect(read('if x:\n    ').partial).toBe('\n    ');
    expect(read('if x:\n    y = 1\n\n').partial).toBe('\n\n');
    expect(read('').partial).toBe('');
  });

  it('renders at the indentation of the line the next token follows', () => {
    expect(read('if x:\n        y = 1\n').indent.indent).toBe('        ');
    expect(read('if x:\n  y = f(').indent).toEqual({ indent: '  ', unit: '  ' });
  });

  it('is blocked in a comment and in a long string, but completes a short string', () => {
    expect(read('x = 1  # note').blocked).toBe('comment');
    expect(read('"""A long docstring\nthat goes on').blocked).toBe('string');
    const short = read('open(path, "r');
    expect(short.blocked).toBeUndefined();
    expect(short.partial).toBe(' "r');
  });

  it('tracks the brackets open before the cursor and the text after it on the line', () => {
    const document = read('x = f(a, [b', '], c)\nnext_line()\n\n  other()');
    expect(document.brackets).toEqual(['(', '[']);
    expect(document.cursorDepth).toBe(2);
    expect(document.lineSuffix).toBe('], c)');
    expect(document.lineSuffixHead).toBe(']');
    expect(document.nextLines).toEqual(['next_line()', 'other()']);
    expect(read('x = f(').brackets).toEqual([]);
    expect(read('x = f(').cursorDepth).toBe(1);
  });

  it('indexes the document so that its own text is evidence, but not the context matching itself', () => {
    const document = read('alpha = beta\nalpha = beta\nalpha =', '\nalpha = gamma');
    expect(document.counts.size).toBeGreaterThan(0);
    expect(document.cursorLine).toEqual({ indent: '', typed: 'alpha =', blankBefore: 0 });
    expect(document.store.length).toBeGreaterThan(document.context.length);
  });

  it('reads only a window of a very long document', () => {
    const long = 'x = 1\n'.repeat(20_000);
    const document = read(long, long);
    expect(document.context.length).toBeLessThan(20_000);
  });
});
