import { trimWhitespace } from '../../../../src/engine/complete/postprocess/trim-whitespace.js';
import { goldenSuite, type GoldenCase } from './golden.js';

const cases: GoldenCase[] = [
  // Fixes.
  { name: 'python: only whitespace is rejected', language: 'python', document: 'def f():\n    ║\n', completion: '   \n  ', expected: null },
  { name: 'python: trailing spaces at the end of the line', language: 'python', document: 'x = ║\n', completion: '1   ', expected: '1' },
  { name: 'typescript: a doubled space after the cursor', language: 'typescript', document: 'foo(a, ║)\n', completion: ' b', expected: 'b' },
  { name: 'java: indentation left after the last line', language: 'java', document: 'class A {\n  void f() {\n    ║\n  }\n}\n', completion: 'a();\n    b();\n    ', expected: 'a();\n    b();\n' },
  // Left alone.
  { name: 'python: a space that separates from the code after the cursor', language: 'python', document: 'print(║"x")\n', completion: '"a", ' },
  { name: 'python: a whole line with its break, above code', language: 'python', document: 'def f():\n║    return 1\n', completion: '    x = 1\n' },
  { name: 'go: indentation at the start of an empty line', language: 'go', document: 'func f() {\n║\n}\n', completion: '\tx := 1' },
];

goldenSuite(trimWhitespace, cases);
