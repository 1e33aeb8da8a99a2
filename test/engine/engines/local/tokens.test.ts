import { describe, expect, it } from 'vitest';
import { lex } from '../../../../src/engine/engines/local/lexer.js';
import { syntaxForPath } from '../../../../src/engine/engines/local/syntax.js';
import { BOUNDARY, bracketOf, detectIndentUnit, encodeLines, newlineToken, OPAQUE, renderToken } from '../../../../src/engine/engines/local/tokens.js';

const python = syntaxForPath('a.py').syntax;

function encode(text: string): string[] {
  const { lines } = lex(text, python);
  return encodeLines(lines, { fileStart: true, unit: detectIndentUnit(lines) });
}

describe('tokens', () => {
  it('encodes spacing and indentation changes in the tokens', () => {
    expect(encode('def f(a):\n    return a\n\nx = 1')).toEqual([BOUNDARY, BOUNDARY, 'def', ' f', '(', 'a', ')', ':', '\n>1', 'return', ' a', '\n\n<1', 'x', ' =', ' 1']);
  });

  it('counts indentation in levels of the file’s own unit, so two- and four-space files agree', () => {
    expect(encode('if a:\n  b = 1\n')).toEqual(encode('if a:\n    b = 1\n'));
    expect(newlineToken(0, '    ', '    ', '    ')).toBe('\n');
    expect(newlineToken(0, '', '        ', '    ')).toBe('\n>2');
    expect(newlineToken(1, '        ', '', '    ')).toBe('\n\n<2');
    expect(newlineToken(0, '', '             ', '    ')).toBe('\n>13c');
  });

  it('detects the indentation unit', () => {
    expect(detectIndentUnit(lex('a:\n  b\n  c:\n    d\n', python).lines)).toBe('  ');
    expect(detectIndentUnit(lex('a:\n\tb\n\tc:\n\t\td\n', python).lines)).toBe('\t');
    expect(detectIndentUnit(lex('a = 1\n', python).lines)).toBe('    ');
  });

  it('stands in one token for literals too long to predict', () => {
    expect(encode(`x = "${'a'.repeat(80)}"\ny = """doc\nmore"""`)).toEqual([BOUNDARY, BOUNDARY, 'x', ' =', OPAQUE, '\n', 'y', ' =', OPAQUE]);
  });

  it('renders tokens back into text at the current indentation', () => {
    const state = { indent: '  ', unit: '  ' };
    const text = ['if', ' ok', ':', '\n>1', 'go', '(', ')', '\n<1', 'done'].map((t) => renderToken(t, state)).join('');
    expect(text).toBe('if ok:\n    go()\n  done');
    expect(renderToken('\n\n<5', { indent: '    ', unit: '    ' })).toBe('\n\n');
    expect(renderToken('\n>3c', { indent: '\t', unit: '\t' })).toBe('\n\t   ');
  });

  it('tells brackets apart', () => {
    expect(bracketOf(' (')).toEqual({ open: true, char: '(' });
    expect(bracketOf('}')).toEqual({ open: false, char: '}' });
    expect(bracketOf('=>')).toBeUndefined();
  });
});
