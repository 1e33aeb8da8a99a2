import { describe, expect, it } from 'vitest';
import { CODE, linesStartingInLiterals, openAtCursor, scan } from '../../../../src/engine/complete/postprocess/scanner.js';
import { syntaxOf } from '../../../../src/engine/complete/postprocess/syntax.js';
import type { LanguageId } from '../../../../src/context/languages.js';
import { contextOf } from './golden.js';

function openAt(language: LanguageId, document: string): string {
  const context = contextOf({ name: 'doc', language, document, completion: '' });
  return openAtCursor(context, syntaxOf(context)!).open.join('');
}

function brackets(language: LanguageId, text: string): string {
  let seen = '';
  scan(text, syntaxOf({ path: '', language, prefix: '', suffix: '', multiline: true })!, CODE, (bracket) => (seen += bracket));
  return seen;
}

describe('scanner', () => {
  it('counts brackets in code only', () => {
    expect(brackets('python', 'f("(", \'[\', """\n)\n""") # )')).toBe('()');
    expect(brackets('typescript', 'a(`${x}(`, /[(]/g, b / c) /* ( */ // {')).toBe('()');
    expect(brackets('c', "if (c == '(' || c == '\\'') {")).toBe('(){');
    expect(brackets('go', 'x := `(\n[` + f()')).toBe('()');
    expect(brackets('csharp', 'var p = @"C:\\(dir"; f()')).toBe('()');
    expect(brackets('rust', "fn f<'a>(x: &'a str) {")).toBe('(){');
  });

  it('ends single-line strings and line comments at the line break', () => {
    expect(brackets('typescript', 'const s = "unterminated (\nfoo(')).toBe('(');
    expect(brackets('python', '# comment (\nbar[')).toBe('[');
  });

  it('finds the brackets open at the cursor, reading leniently', () => {
    expect(openAt('python', 'x = foo(a, [1, 2], "(", ║')).toBe('(');
    expect(openAt('typescript', 'function f() {\n  const a = [\n    1, 2 ] ) ;\n  g(║')).toBe('{(');
    expect(openAt('java', 'class A {\n  // }\n  void f() {\n    ║')).toBe('{{');
  });

  it('tells which lines start inside a string or comment', () => {
    const syntax = syntaxOf({ path: 'a.py', prefix: '', suffix: '', multiline: true })!;
    expect(linesStartingInLiterals(['x = """', 'text', '"""', 'y = 1'], syntax, CODE)).toEqual([false, true, true, false]);
  });
});
