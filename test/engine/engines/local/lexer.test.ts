import { describe, expect, it } from 'vitest';
import { lex } from '../../../../src/engine/engines/local/lexer.js';
import { syntaxForPath } from '../../../../src/engine/engines/local/syntax.js';

const python = syntaxForPath('a.py').syntax;
const js = syntaxForPath('a.js').syntax;
const rust = syntaxForPath('a.rs').syntax;

const texts = (text: string, syntax = python) => lex(text, syntax).lines.map((line) => line.lexemes.map((l) => l.text));

describe('lex', () => {
  it('splits names, numbers, strings, operators and punctuation', () => {
    const [line] = lex('total += price_1 * 2.5e-3 if x != "a b" else f(x)', python).lines;
    expect(line!.lexemes.map((l) => [l.kind, l.text])).toEqual([
      ['word', 'total'],
      ['punct', '+='],
      ['word', 'price_1'],
      ['punct', '*'],
      ['number', '2.5e-3'],
      ['word', 'if'],
      ['word', 'x'],
      ['punct', '!='],
      ['string', '"a b"'],
      ['word', 'else'],
      ['word', 'f'],
      ['punct', '('],
      ['word', 'x'],
      ['punct', ')'],
    ]);
    expect(line!.lexemes.map((l) => l.spaced)).toEqual([false, true, true, true, true, true, true, true, true, true, true, false, false, false]);
  });

  it('drops comments, and lines that hold only a comment vanish without counting as blank', () => {
    const result = lex('a = 1  # one\n    # note\n\nb = 2\n', python);
    expect(result.lines.map((l) => l.lexemes.map((x) => x.text))).toEqual([['a', '=', '1'], ['b', '=', '2']]);
    expect(result.lines[1]!.blankBefore).toBe(1);
    expect(texts('x = 1 /* two\nlines */ + 2 // end', js)).toEqual([['x', '=', '1', '+', '2']]);
  });

  it('keeps multi-line strings whole and glues string prefixes to their quote', () => {
    expect(texts('s = f"v={v}"\nd = """one\ntwo"""\nn = 3')).toEqual([['s', '=', 'f"v={v}"'], ['d', '=', '"""one\ntwo"""'], ['n', '=', '3']]);
    expect(texts('const t = `a\n${b}`', js)).toEqual([['const', 't', '=', '`a\n${b}`']]);
  });

  it('reads an unmatched quote mid-file as punctuation, and a Rust lifetime as one too', () => {
    expect(texts("it's here\nnext = 1", syntaxForPath('notes.txt').syntax)).toEqual([['it', "'", 's', 'here'], ['next', '=', '1']]);
    expect(texts("fn f<'a>(x: &'a str) -> char { 'x' }", rust)[0]).toContain("'x'");
    expect(texts("fn f<'a>(x: &'a str) -> char { 'x' }", rust)[0]!.slice(0, 4)).toEqual(['fn', 'f', '<', "'"]);
  });

  it('does not read a range as a number', () => {
    expect(texts('for i in 0..10 {}', rust)[0]).toEqual(['for', 'i', 'in', '0', '..', '10', '{', '}']);
  });

  it('records indentation, offsets and blank lines', () => {
    const { lines } = lex('def f():\n\n\n    return 1\n', python);
    expect(lines[1]!.indent).toBe('    ');
    expect(lines[1]!.blankBefore).toBe(2);
    expect(lines[1]!.start).toBe(11);
    expect(lines[1]!.lexemes[0]!.start).toBe(15);
  });

  it('describes where a cursor at the end of the text stands', () => {
    expect(lex('x = 1\n    ', python).tail).toMatchObject({ lineEmpty: true, indent: '    ', blankBefore: 0, trailingSpace: false });
    expect(lex('x = 1\n\n', python).tail).toMatchObject({ lineEmpty: true, indent: '', blankBefore: 1 });
    expect(lex('return x ', python).tail).toMatchObject({ lineEmpty: false, trailingSpace: true });
    expect(lex('return x', python).tail).toMatchObject({ lineEmpty: false, trailingSpace: false, open: undefined });
    expect(lex('open("da', python).tail.open).toBe('string');
    expect(lex('x = 1  # explain', python).tail.open).toBe('comment');
    expect(lex('/* start', js).tail.open).toBe('comment');
    expect(lex('"""doc\nmore', python).tail.open).toBe('string');
  });

  it('never fails on arbitrary input', () => {
    const noise = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 0xd7ff)).join('');
    expect(() => lex(noise, js)).not.toThrow();
    expect(() => lex('\uD83D', python)).not.toThrow();
  });
});
