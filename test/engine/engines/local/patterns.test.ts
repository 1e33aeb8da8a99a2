import { describe, expect, it } from 'vitest';
import { readCursor } from '../../../../src/engine/engines/local/document.js';
import { repeatedPatterns } from '../../../../src/engine/engines/local/patterns.js';
import { syntaxForPath } from '../../../../src/engine/engines/local/syntax.js';
import { TokenSpace } from '../../../../src/engine/engines/local/token-space.js';
import { Vocabulary } from '../../../../src/engine/engines/local/vocabulary.js';

function patterns(prefix: string, suffix = '', path = 'a.py') {
  const document = readCursor({ path, prefix, suffix }, syntaxForPath(path), new TokenSpace(new Vocabulary()));
  return repeatedPatterns(document).map((c) => ({ text: c.text, p: Math.exp(c.logprob) }));
}

describe('repeatedPatterns', () => {
  const init = 'def __init__(self, width, height, depth):\n    self.width = width\n    self.height = height\n    ';

  it('steps a name through the list it came from', () => {
    expect(patterns(init)).toEqual([{ text: 'self.depth = depth', p: 0.5 }]);
  });

  it('completes the rest of a line already begun', () => {
    expect(patterns(`${init}self.de`)).toEqual([{ text: 'pth = depth', p: 0.5 }]);
    expect(patterns(`${init}self.x`)).toEqual([]);
  });

  it('proposes nothing when the list has ended or the line is already below', () => {
    expect(patterns(`${init}self.depth = depth\n    `)).toEqual([]);
    expect(patterns(init, '\n    self.depth = depth\n')).toEqual([]);
  });

  it('steps numbers and keeps affixes', () => {
    expect(patterns('switch (x) {\n  case 1: return f1();\n  case 2: return f2();\n  ', '', 'a.js')).toEqual([{ text: 'case 3: return f3();', p: 0.5 }]);
    expect(patterns('items[9] = x9\nitems[10] = x10\n')).toEqual([{ text: 'items[11] = x11', p: 0.5 }]);
  });

  it('is more confident when a third line follows the same steps', () => {
    const text = 'COLORS = ["red", "green", "blue", "cyan"]\nset_red(1)\nset_green(1)\nset_blue(1)\n';
    expect(patterns(text)).toEqual([{ text: 'set_cyan(1)', p: 0.8 }]);
  });

  it('leaves a trailing comment out of the projection', () => {
    expect(patterns('a = 1  # first\nb = 2  # second\n')).toEqual([]);
    expect(patterns('x1 = 1  # first\nx2 = 2  # second\n')).toEqual([{ text: 'x3 = 3', p: 0.5 }]);
  });

  it('needs lines of the same shape', () => {
    expect(patterns('a = f(1)\nb = g(2, 3)\n')).toEqual([]);
    expect(patterns('x = 1\n\ny = 2\n')).toEqual([]);
  });
});
