import { blockEnd } from '../../../../src/engine/complete/postprocess/block-end.js';
import { goldenSuite, type GoldenCase } from './golden.js';

const cases: GoldenCase[] = [
  // Fixes: the completion runs past the block the cursor is in.
  { name: 'python: dedents out of the if body', language: 'python', document: 'def f(x):\n    if x:\n        ║\n    return 0\n', completion: 'y = 1\n        return y\n    return 2\n\ndef g():\n    pass', expected: 'y = 1\n        return y' },
  { name: 'python: after a def line, stops at the next method', language: 'python', document: 'class A:\n    def f(self):║\n', completion: '\n        return 1\n\n    def g(self):\n        return 2', expected: '\n        return 1' },
  { name: 'python: closing bracket of the call the line opened is kept', language: 'python', document: 'def f():\n    x = foo(║\n', completion: '\n        a,\n        b,\n    )\n    y = 2', expected: '\n        a,\n        b,\n    )' },
  { name: 'python: at column 0, a new definition ends it', language: 'python', document: 'def f(n):\n║', completion: '    return n + 1\n\n\ndef g():\n    return 2\n', expected: '    return n + 1' },
  { name: 'typescript: closes the if block the code after already closes', language: 'typescript', document: 'function f(a: number) {\n  if (a > 1) {\n    ║\n  }\n  return a;\n}\n', completion: 'a = 1;\n  }\n  return a;\n}\n\nfunction g() {}', expected: 'a = 1;' },
  { name: 'typescript: at the end of the file, the closing brace is kept', language: 'typescript', document: 'export function f(a: number) {\n  ║', completion: 'return a + 1;\n}\n\nexport function g() {\n  return 2;\n}', expected: 'return a + 1;\n}' },
  { name: 'java: runs into the next method', language: 'java', document: 'class A {\n  int f() {\n    ║\n  }\n}\n', completion: 'return 1;\n  }\n\n  int g() {\n    return 2;\n  }', expected: 'return 1;' },
  { name: 'go: closes the function and starts another', language: 'go', document: 'package main\n\nfunc f() int {\n\t║', completion: 'return 1\n}\n\nfunc g() int {\n\treturn 2\n}', expected: 'return 1\n}' },
  // Left alone.
  { name: 'java: `} else {` carries on the statement', language: 'java', document: 'class A {\n  int f(int a) {\n    if (a > 0) {\n      ║\n    }\n    return a;\n  }\n}\n', completion: 'a++;\n    } else {\n      a--;' },
  { name: 'go: stays in the block', language: 'go', document: 'func main() {\n\t║\n}\n', completion: 'x := 1\n\tfmt.Println(x)' },
  { name: 'c: sloppy indentation inside braces does not end the block', language: 'c', document: 'int main() {\n    while (1) {\n        ║\n    }\n}\n', completion: 'a++;\n  b++;\n      c++;' },
  { name: 'python: at column 0, dedent to a loop the code after is the body of', language: 'python', document: 'def f(n):\n    if n < 2:\n        return n\n║        total += i\n    return total\n', completion: '    total = 0\n    for i in range(n):\n' },
  { name: 'python: at column 0, elif under a deeper block', language: 'python', document: 'def f(c):\n    for x in c:\n        if x:\n║            y -= 1\n', completion: '            y += 1\n        elif not x:\n' },
  { name: 'python: a comment less indented is not code', language: 'python', document: 'def f():\n    for x in y:\n        ║\n', completion: 'a(x)\n    # next\n        b(x)' },
  { name: 'python: a dedented line inside a docstring is text', language: 'python', document: 'def f():\n    ║\n', completion: 'x = """\ntext\n"""\n    return x' },
  { name: 'python: single-line request', language: 'python', multiline: false, document: 'def f():\n    ║\n', completion: 'a\nb' },
];

goldenSuite(blockEnd, cases);
