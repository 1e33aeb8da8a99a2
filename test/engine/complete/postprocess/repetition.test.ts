import { repetition } from '../../../../src/engine/complete/postprocess/repetition.js';
import { goldenSuite, type GoldenCase } from './golden.js';

const cases: GoldenCase[] = [
  // Fixes.
  { name: 'python: repeats the line before the cursor', language: 'python', document: 'def f(x):\n    total = compute(x)\n    ║\n', completion: 'total = compute(x)', expected: null },
  { name: 'typescript: repeats the two lines before the cursor', language: 'typescript', document: 'const a = load("a");\nconst b = load("b");\n\n║', completion: 'const a = load("a");\nconst b = load("b");', expected: null },
  { name: 'python: one line looping', language: 'python', document: 'def f():\n    ║', completion: 'a = 1\n    a = 1\n    a = 1\n    a = 1', expected: 'a = 1' },
  { name: 'typescript: a two-line block looping, last repeat cut short', language: 'typescript', document: 'function f() {\n  ║\n}\n', completion: 'log(1);\n  log(2);\n  log(1);\n  log(2);\n  log(1);\n  log(', expected: 'log(1);\n  log(2);' },
  { name: 'java: a line ending in a token loop is dropped', language: 'java', document: 'class A {\n  void f() {\n    ║\n  }\n}\n', completion: 'a();\n    b = "x" + "x" + "x" + "x" + "x" + "x" + "x" + "x" + "x" + "x" + "x" + "x"', expected: 'a();' },
  { name: 'c: a completion that is only a loop is rejected', language: 'c', document: 'int x = ║\n', completion: 'f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(', expected: null },
  // Left alone.
  { name: 'python: a line written twice on purpose', language: 'python', document: 'def f(x):\n    ║', completion: 'x.pop()\n    x.pop()\n' },
  { name: 'c: a loop-like run inside a string the cursor is in', language: 'c', document: 'char *s = "║";\n', completion: 'abababababababababababababababababababab' },
  { name: 'python: a ==== rule in a comment', language: 'python', document: '║\n', completion: '# ========================================\nx = 1' },
  { name: 'typescript: a string of zeros', language: 'typescript', document: '║\n', completion: "const zeros = '0000000000000000000000000000000000000000';" },
  { name: 'go: closing braces at different depths', language: 'go', document: 'func f() {\n\tif x {\n\t\tif y {\n\t\t\t║\n', completion: 'z()\n\t\t}\n\t}\n}' },
  { name: 'python: a line like the previous one but indented differently', language: 'python', document: 'if a:\n    return b\n║', completion: 'return b' },
];

goldenSuite(repetition, cases);
