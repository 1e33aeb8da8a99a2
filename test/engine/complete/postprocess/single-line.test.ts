import { singleLine } from '../../../../src/engine/complete/postprocess/single-line.js';
import { goldenSuite, type GoldenCase } from './golden.js';

const cases: GoldenCase[] = [
  // Fixes: a single-line request answered with more lines.
  { name: 'python: cut at the first line break', language: 'python', multiline: false, document: 'def f(x):\n    return x +║\n', completion: ' 1\n    print(x)', expected: ' 1' },
  { name: 'typescript: cut before the next statement', language: 'typescript', multiline: false, document: 'const a = [1, 2, ║];\n', completion: '3\nconst b = 4;', expected: '3' },
  { name: 'c: CRLF document, the carriage return goes too', language: 'c', multiline: false, document: 'int x = ║\r\n', completion: '1;\r\nint y;', expected: '1;' },
  { name: 'python: a whole line inserted above code keeps its break', language: 'python', multiline: false, document: 'def f():\n║    return 1\n', completion: '    x = 2\n    y = 3\n', expected: '    x = 2\n' },
  { name: 'go: nothing on the first line is rejected', language: 'go', multiline: false, document: 'func f() {\n\tx := ║\n}\n', completion: '\n\ty := 2', expected: null },
  // Left alone.
  { name: 'go: one line', language: 'go', multiline: false, document: '\tfmt.Println(║)\n', completion: 'x' },
  { name: 'python: a whole line ending in its break above code', language: 'python', multiline: false, document: 'def f():\n║    return 1\n', completion: '    x = 2\n' },
  { name: 'java: multi-line requests are not cut', language: 'java', document: 'class A {\n  void f() {\n    ║\n  }\n}\n', completion: 'int a = 1;\n    int b = 2;' },
];

goldenSuite(singleLine, cases);
