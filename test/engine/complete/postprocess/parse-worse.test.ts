import { describe, expect, it } from 'vitest';
import { clearTreeCache } from '../../../../src/context/parse.js';
import { parseWorse } from '../../../../src/engine/complete/postprocess/parse-worse.js';
import { contextOf, goldenSuite, type GoldenCase } from './golden.js';

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
];

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
