import { indentation } from '../../../../src/engine/complete/postprocess/indentation.js';
import { goldenSuite, type GoldenCase } from './golden.js';

const TS_FUNCTION = 'function f() {\n  const a = 1;\n  const b = 2;\n  if (a) {\n    log(b);\n  }\n  ║\n}\n';
const GO_FUNCTION = 'func f() {\n\tx := 1\n\ty := 2\n\tif x > y {\n\t\treturn\n\t}\n\t║\n}\n';

const cases: GoldenCase[] = [
  // Fixes.
  { name: 'python: indented from column 0 under an indented cursor', language: 'python', document: 'def f(x):\n    ║\n', completion: 'if x:\n    return 1\nreturn 2', expected: 'if x:\n        return 1\n    return 2' },
  { name: 'typescript: block written from column 0', language: 'typescript', document: 'class A {\n  f(xs: number[]) {\n    ║\n  }\n}\n', completion: 'for (const x of xs) {\n  log(x);\n}', expected: 'for (const x of xs) {\n      log(x);\n    }' },
  { name: 'typescript: tabs in a file indented with two spaces', language: 'typescript', document: TS_FUNCTION, completion: 'for (const x of y) {\n\t\tlog(x);\n\t}', expected: 'for (const x of y) {\n    log(x);\n  }' },
  { name: 'go: spaces in a file indented with tabs', language: 'go', document: GO_FUNCTION, completion: 'for i := 0; i < 3; i++ {\n        fmt.Println(i)\n    }', expected: 'for i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}' },
  // Left alone.
  { name: 'python: already indented to the document', language: 'python', document: 'def f(x):\n    ║\n', completion: 'if x:\n        return 1\n    return 2' },
  { name: 'python: dedent after a statement is for block-end to judge', language: 'python', document: 'def f(x):\n    if x:\n        ║\n', completion: 'y = 1\n    return y' },
  { name: 'typescript: tabs inside a template literal are text', language: 'typescript', document: TS_FUNCTION, completion: 'const s = `\n\tkept\n`;' },
  { name: 'c: a completion that mixes tabs and spaces (GNU style) is meant', language: 'c', document: 'int main() {\n  int a;\n  int b;\n  while (1) {\n      a++;\n  }\n  ║\n}\n', completion: 'if (a)\n\tb = 1;\n      else\n\tb = 2;' },
  { name: 'go: single line', language: 'go', document: GO_FUNCTION, completion: 'x++' },
];

goldenSuite(indentation, cases);
