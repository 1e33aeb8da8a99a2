/** Golden outputs of real tools, one per format, and the locations they must yield. */
import { describe, expect, it } from 'vitest';
import { failingFiles, parseFailures } from '../../../src/engine/agents/failures.js';

const ROOT = '/home/dev/project';
const parse = (output: string, exists?: (path: string) => boolean) => parseFailures(output, { root: ROOT, ...(exists ? { exists } : {}) });
const where = (output: string) => parse(output).map((f) => `${f.path}:${f.line}`);

describe('parseFailures', () => {
  it('reads TypeScript compiler output (path(line,col))', () => {
    const output = "src/cart.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.\nsrc/cart.ts(30,1): error TS1005: ';' expected.\n";
    expect(parse(output)).toEqual([
      { path: 'src/cart.ts', line: 12, column: 7, message: "error TS2322: Type 'string' is not assignable to type 'number'." },
      { path: 'src/cart.ts', line: 30, column: 1, message: "error TS1005: ';' expected." },
    ]);
  });

  it('reads compiler and linter path:line:col output (gcc, go, eslint unix, ruff, rustc)', () => {
    const output = [
      "main.c:5:10: error: expected ';' before 'return'",
      './cmd/server.go:41:2: undefined: handler',
      '/home/dev/project/web/app.js:3:7: Unexpected var, use let or const instead. [Error/no-var]',
      'pkg/util.py:9:1: F401 `os` imported but unused',
      'error[E0308]: mismatched types',
      ' --> src/main.rs:7:18',
    ].join('\n');
    expect(where(output)).toEqual(['main.c:5', 'cmd/server.go:41', 'web/app.js:3', 'pkg/util.py:9', 'src/main.rs:7']);
  });

  it('reads Python tracebacks as unittest prints them', () => {
    const output = `F
======================================================================
FAIL: test_mean (test_calc.MeanTest.test_mean)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/home/dev/project/test_calc.py", line 8, in test_mean
    self.assertEqual(mean([2, 4]), 3)
  File "/usr/lib/python3.12/unittest/case.py", line 885, in assertEqual
    assertion_func(first, second, msg=msg)
AssertionError: 2.0 != 3

----------------------------------------------------------------------
Ran 1 test in 0.000s

FAILED (failures=1)
`;
    expect(where(output)).toEqual(['test_calc.py:8']);
  });

  it('reads pytest short tracebacks (path:line: Error)', () => {
    const output = `___________________________ test_total ___________________________

    def test_total():
>       assert total([1, 2]) == 4
E       assert 3 == 4

tests/test_shop.py:14: AssertionError
=========================== short test summary info ===========================
FAILED tests/test_shop.py::test_total - assert 3 == 4
`;
    expect(parse(output)).toEqual([{ path: 'tests/test_shop.py', line: 14, message: 'AssertionError' }]);
  });

  it('reads node:test output with stack frames and file URLs, skipping node internals and dependencies', () => {
    const output = `✖ adds (1.2ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

  -1 !== 5

      at TestContext.<anonymous> (file:///home/dev/project/math.test.js:6:10)
      at Test.runInAsyncScope (node:async_hooks:211:14)
      at Object.<anonymous> (/home/dev/project/node_modules/chai/index.js:10:3)
      at /home/dev/project/lib/helper.js:22:5
  location: '/home/dev/project/math.test.js:5:1'
`;
    expect(where(output)).toEqual(['math.test.js:6', 'lib/helper.js:22', 'math.test.js:5']);
  });

  it('ignores paths outside the repository, colour codes, and files that do not exist', () => {
    const output = '\x1b[31m/tmp/other/x.js:1:1: boom\x1b[0m\nsrc/a.ts:2:3: error\nsrc/gone.ts:4:1: error\n';
    expect(parse(output, (path) => path !== 'src/gone.ts').map((f) => f.path)).toEqual(['src/a.ts']);
  });

  it('finds nothing in output without locations', () => {
    expect(parse('All good\n3 passed in 0.01s\nversion 1.2.3\n')).toEqual([]);
  });
});

describe('failingFiles', () => {
  it('orders files by how often the output names them', () => {
    const locations = where('a.js:1:1: x\nb.js:1:1: x\nb.js:2:1: x\nc.js:3:1: x\n').map((text) => {
      const [path, line] = text.split(':');
      return { path: path!, line: Number(line) };
    });
    expect(failingFiles(locations)).toEqual(['b.js', 'a.js', 'c.js']);
  });
});
