import { describe, expect, it } from 'vitest';
import { clearTreeCache } from '../../../../src/context/parse.js';
import { parsedEnd } from '../../../../src/context/parsed-extent.js';
import { parseWorse } from '../../../../src/engine/complete/postprocess/parse-worse.js';
import { contextOf, goldenSuite, type GoldenCase } from './golden.js';

/** Small functions either side of the cursor's, so that the parsed extent ends long before the file does. */
const pythonFunctions = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `def f${from + i}(x):\n    y = x + ${i}\n    return y\n\n`).join('');
const LONG_PYTHON = `${pythonFunctions(0, 100)}def g(x):\n    ║\n\n${pythonFunctions(100, 300)}`;
const typescriptFunctions = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `export function f${from + i}(x: number): number {\n  return x + ${i};\n}\n\n`).join('');
const LONG_TYPESCRIPT = `${typescriptFunctions(0, 100)}function g(x: boolean) {\n  ║\n}\n\n${typescriptFunctions(100, 300)}`;

const cases: GoldenCase[] = [
  // Rejected: the completion adds parse errors.
  { name: 'python: unclosed expression', language: 'python', document: 'def f(x):\n    ║\n', completion: 'return (x +', expected: null },
  { name: 'typescript: a declaration without a name', language: 'typescript', document: 'function f() {\n  ║\n}\n', completion: 'const = 5;', expected: null },
  { name: 'typescript: an if without its closing parenthesis', language: 'typescript', document: 'function f(x: boolean) {\n  ║\n}\n', completion: 'if (x {', expected: null },
  { name: 'c: a declaration without a name', language: 'c', document: 'int main() {\n  ║\n  return 0;\n}\n', completion: 'int = ;', expected: null },
  // Left alone.
  { name: 'go: a valid statement', language: 'go', document: 'package main\n\nfunc main() {\n\t║\n}\n', completion: 'fmt.Println(1)' },
  { name: 'java: mends a document that was broken at the cursor', language: 'java', document: 'class A { void f() { int x = ║ } }\n', completion: '1;' },
  { name: 'python: an edit that keeps an unrelated error', language: 'python', document: 'def f(:\n    pass\n\ndef g():\n    ║\n', completion: 'return 1' },
  { name: 'unknown language: nothing to parse with', document: 'some notes ║\n', completion: '((( {{' },
  // A long file is judged on its parsed extent (the text after the cursor is cut a few thousand
  // characters on): what breaks the statement or the code after it is still rejected.
  { name: 'long python: unclosed expression', language: 'python', document: LONG_PYTHON, completion: 'return (x +', expected: null },
  { name: 'long python: a statement without its colon', language: 'python', document: LONG_PYTHON, completion: 'if x\n        return 1', expected: null },
  { name: 'long python: a string left open swallows what follows', language: 'python', document: LONG_PYTHON, completion: 'y = """unfinished', expected: null },
  { name: 'long typescript: an if without its closing parenthesis', language: 'typescript', document: LONG_TYPESCRIPT, completion: 'if (x {', expected: null },
  { name: 'long typescript: a block left open swallows what follows', language: 'typescript', document: LONG_TYPESCRIPT, completion: 'if (x) {', expected: null },
  { name: 'long python: a valid statement', language: 'python', document: LONG_PYTHON, completion: 'return x + 1' },
  { name: 'long typescript: a valid statement', language: 'typescript', document: LONG_TYPESCRIPT, completion: 'const y = x ? 1 : 2;' },
  { name: 'long python: an unrelated error past the parsed extent', language: 'python', document: `${LONG_PYTHON}def broken(:\n    pass\n`, completion: 'return x' },
];

describe('the long golden documents', () => {
  it('reach well past the parsed extent, so those cases judge a part of the file', () => {
    for (const document of [LONG_PYTHON, LONG_TYPESCRIPT]) {
      const suffix = document.slice(document.indexOf('║') + 1);
      expect(parsedEnd(suffix, 0)).toBeLessThan(suffix.length / 2);
    }
  });
});

goldenSuite(parseWorse, cases);

describe('parse-worse with the tree cache', () => {
  it('judges each candidate against the document, whatever was parsed before', async () => {
    const good: GoldenCase = { name: 'good', language: 'python', document: 'def f(x):\n    ║\n', completion: 'return x' };
    const bad = { ...good, completion: 'return (x' };
    const context = contextOf(good);
    // Alternate good and bad candidates for the same document, as with n > 1.
    for (let round = 0; round < 3; round++) {
      expect(await parseWorse.apply(good.completion, context)).toBe(good.completion);
      expect(await parseWorse.apply(bad.completion, context)).toBeUndefined();
    }
    clearTreeCache();
    expect(await parseWorse.apply(bad.completion, context)).toBeUndefined();
  });
});
