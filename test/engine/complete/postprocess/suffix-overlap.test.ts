import { suffixOverlap } from '../../../../src/engine/complete/postprocess/suffix-overlap.js';
import { goldenSuite, type GoldenCase } from './golden.js';

const cases: GoldenCase[] = [
  // Fixes: the model re-typed what follows the cursor.
  { name: 'python: the next line again', language: 'python', document: 'def f(x):\n    y = x * 2\n    ║\n    return y\n', completion: 'y += 1\n    return y', expected: 'y += 1' },
  { name: 'typescript: the closing brace again', language: 'typescript', document: 'function f() {\n  const a = 1;\n  ║\n}\n', completion: 'return a;\n}', expected: 'return a;' },
  { name: 'go: the closing brace again', language: 'go', document: 'func f() int {\n\tx := 1\n\t║\n}\n', completion: 'return x\n}', expected: 'return x' },
  { name: 'java: the semicolon after the cursor', language: 'java', document: 'class A {\n  int x = ║;\n}\n', completion: 'compute(a);', expected: 'compute(a)' },
  { name: 'typescript: the arguments after the cursor', language: 'typescript', document: 'const s = sum(a, ║, c);\n', completion: 'b, c);', expected: 'b' },
  { name: 'python: the auto-closed parenthesis', language: 'python', document: 'print(║)\n', completion: 'foo(a, b))', expected: 'foo(a, b)' },
  { name: 'python: whole lines inserted above code, the last one is that code', language: 'python', document: 'def f(x):\n║    return x\n', completion: '    x += 1\n    return x\n', expected: '    x += 1\n' },
  { name: 'python: nothing but the next line is rejected', language: 'python', document: 'def f():\n    ║\n    return 1\n', completion: 'return 1', expected: null },
  { name: 'c: CRLF, the next line again', language: 'c', document: 'int f() {\r\n  int x = 1;\r\n  ║\r\n  return x;\r\n}\r\n', completion: 'x++;\r\n  return x;', expected: 'x++;' },
  // Left alone.
  { name: 'python: a call closing its own parenthesis before the auto-closed one', language: 'python', document: 'print(║)\n', completion: 'foo()' },
  { name: 'python: whole lines before different code', language: 'python', document: 'def f(x):\n║    return x\n', completion: '    x = x + 1\n' },
  { name: 'typescript: a closing brace one level deeper than the next line', language: 'typescript', document: 'function f() {\n  if (b) {\n    ║\n}\n', completion: 'c();\n  }' },
  { name: 'go: a line like the next one, mid-way', language: 'go', document: 'func f() {\n\t║\n\tb()\n\tc()\n}\n', completion: 'a()\n\tb()\n\tx()' },
];

goldenSuite(suffixOverlap, cases);
