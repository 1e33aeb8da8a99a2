import { bracketBalance } from '../../../../src/engine/complete/postprocess/bracket-balance.js';
import { goldenSuite, type GoldenCase } from './golden.js';

const cases: GoldenCase[] = [
  // Fixes.
  { name: 'python: the auto-closed parenthesis typed again', language: 'python', document: 'print(║)\n', completion: 'foo(a, b))', expected: 'foo(a, b)' },
  { name: 'python: closes the auto-closed parenthesis, then goes on', language: 'python', document: 'print(║)\n', completion: 'a) + b', expected: 'a' },
  { name: 'typescript: one bracket more than is open', language: 'typescript', document: 'const x = [1, 2, ║];\n', completion: '3]]', expected: '3' },
  { name: 'java: closes more than is open', language: 'java', document: 'class A {\n  void f() {\n    foo(bar(║\n', completion: 'x)));', expected: 'x))' },
  { name: 'go: closes a bracket of another kind', language: 'go', document: 'func f() {\n\tx := []int{║\n', completion: '1, 2)', expected: '1, 2' },
  { name: 'typescript: the completion mismatches its own brackets', language: 'typescript', document: 'const a = ║\n', completion: 'foo([1, 2)', expected: 'foo([1, 2' },
  { name: 'c: a closing line that closes nothing', language: 'c', document: 'int f() {\n  ║\n}\n', completion: 'return 1;\n}\n}', expected: 'return 1;\n}' },
  { name: 'python: nothing but a stray closer is rejected', language: 'python', document: 'x = 1║\n', completion: ')', expected: null },
  // Left alone.
  { name: 'python: brackets in strings do not count', language: 'python', document: 'print(║)\n', completion: '"(:" + s' },
  { name: 'typescript: brackets in comments and regexes do not count', language: 'typescript', document: 'const r = ║\n', completion: '/[)]+/.test(s) /* ) */ && a // ]' },
  { name: 'java: a character literal bracket does not count', language: 'java', document: 'class A {\n  boolean f(char c) {\n    return ║\n', completion: "c == ')';" },
  { name: 'python: closes a call opened on an earlier line', language: 'python', document: 'result = compute(\n    a,\n    ║\n', completion: 'b)' },
  { name: 'python: closes the inner call, the rest of the line the outer', language: 'python', document: 'print(foo(║)\n', completion: 'x)' },
  { name: 'go: finishes the function body', language: 'go', document: 'func f() int {\n\t║', completion: 'return 1\n}' },
  { name: 'c: a closer inside the completion’s own block', language: 'c', document: 'int main() {\n  ║\n}\n', completion: 'if (a) {\n    b(c[0]);\n  }' },
  { name: 'rust: a lifetime is not a character literal', language: 'rust', document: 'fn f<║\n', completion: "'a>(x: &'a str) -> &'a str {" },
  { name: 'unknown language: left alone', document: 'x = (║\n', completion: 'a))' },
];

goldenSuite(bracketBalance, cases);
