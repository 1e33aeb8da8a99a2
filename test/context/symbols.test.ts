import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LanguageId } from '../../src/context/languages.js';
import { extractSymbols, referencesNear } from '../../src/context/symbols.js';
import type { SymbolDef } from '../../src/context/types.js';
import { FIXTURES, type ExpectedSymbol } from './expected/index.js';

const fixture = (file: string) => readFileSync(new URL(`../../fixtures/languages/${file}`, import.meta.url), 'utf8');

function row(symbol: SymbolDef): ExpectedSymbol {
  const line = symbol.signature.split('\n', 1)[0]!;
  return symbol.doc ? [symbol.kind, symbol.name, symbol.container ?? '', line, symbol.doc] : [symbol.kind, symbol.name, symbol.container ?? '', line];
}

const FUNCTION_KINDS = new Set(['function', 'method', 'constructor']);

describe('extractSymbols on the fixtures', () => {
  for (const { language, file, symbols: expected } of FIXTURES) {
    describe(file, () => {
      const text = fixture(file);

      it('finds every definition with its kind, container, signature and doc', async () => {
        const symbols = await extractSymbols(language, text);
        expect(symbols.map(row)).toEqual(expected);
      });

      it('gives ranges that agree with the text', async () => {
        const symbols = await extractSymbols(language, text);
        let previous = -1;
        for (const symbol of symbols) {
          const { range, nameRange, bodyRange } = symbol;
          expect(range.startIndex).toBeGreaterThanOrEqual(previous);
          previous = range.startIndex;
          expect(text.slice(nameRange.startIndex, nameRange.endIndex)).toBe(symbol.name);
          expect(nameRange.startIndex).toBeGreaterThanOrEqual(range.startIndex);
          expect(nameRange.endIndex).toBeLessThanOrEqual(range.endIndex);
          expect(text.split('\n')[range.startLine]!.slice(range.startColumn)).toBe(text.slice(range.startIndex).split('\n', 1)[0]);
          if (bodyRange) {
            // C typedefs name the type after its body.
            expect(bodyRange.startIndex >= nameRange.endIndex || bodyRange.endIndex <= nameRange.startIndex).toBe(true);
            expect(bodyRange.startIndex).toBeGreaterThanOrEqual(range.startIndex);
            expect(bodyRange.endIndex).toBeLessThanOrEqual(range.endIndex);
            expect(text.slice(bodyRange.startIndex, bodyRange.endIndex)).not.toContain(symbol.signature.split('\n', 1)[0]);
          }
        }
      });

      it('gives a body to every function that has one in the source', async () => {
        const symbols = await extractSymbols(language, text);
        const functions = symbols.filter((symbol) => FUNCTION_KINDS.has(symbol.kind));
        expect(functions.length).toBeGreaterThan(0);
        for (const symbol of functions) {
          const source = text.slice(symbol.range.startIndex, symbol.range.endIndex);
          // Only declarations (prototypes, interface and abstract methods) have no body.
          const declaration = !/[{:]/.test(source.slice(symbol.signature.length)) && language !== 'python';
          if (!declaration) expect(symbol.bodyRange, `${symbol.name} at line ${symbol.range.startLine + 1}`).toBeDefined();
        }
      });
    });
  }

  it('covers every language the registry knows', () => {
    const languages = new Set(FIXTURES.map((entry) => entry.language));
    expect([...languages].sort()).toEqual(['c', 'cpp', 'csharp', 'go', 'java', 'javascript', 'php', 'python', 'ruby', 'rust', 'swift', 'tsx', 'typescript']);
  });
});

describe('signatures', () => {
  async function signatureOf(language: LanguageId, file: string, name: string, index = 0): Promise<string> {
    const matches = (await extractSymbols(language, fixture(file))).filter((symbol) => symbol.name === name);
    return matches[index]!.signature;
  }

  it('keep line breaks and indentation inside multi-line headers', async () => {
    expect(await signatureOf('php', 'php/UserRepository.php', '__construct')).toBe(
      'public function __construct(\n        private PDO $db,\n        private PasswordHasher $hasher,\n    )',
    );
    expect(await signatureOf('c', 'c/ring_buffer.h', 'rb_drain')).toBe('size_t rb_drain(ring_buffer_t *rb,\n                rb_visitor visit,\n                void *context)');
    expect(await signatureOf('cpp', 'cpp/matrix.cpp', 'nearly_equal')).toBe('template <typename T>\nbool nearly_equal(T a, T b)');
    expect(await signatureOf('cpp', 'cpp/matrix.cpp', 'Matrix', 2)).toBe(
      'Matrix::Matrix(std::size_t rows, std::size_t cols, double fill)\n    : rows_(rows), cols_(cols), data_(rows * cols, fill)',
    );
  });

  it('start after decorators and annotations', async () => {
    expect(await signatureOf('java', 'java/OrderService.java', 'cancel')).toBe('public boolean cancel(long orderId)');
    expect(await signatureOf('python', 'python/inventory.py', 'label')).toBe('def label(self) -> str');
    expect(await signatureOf('csharp', 'csharp/ShoppingCart.cs', 'ShoppingCart')).toBe('public sealed class ShoppingCart');
  });

  it('drop a body opener but keep other trailing tokens', async () => {
    const python = await extractSymbols('python', 'def f(x):  # why\n    return x\n\nclass A(B): pass\n');
    expect(python.map((symbol) => symbol.signature)).toEqual(['def f(x)', 'class A(B)']);
    const ruby = await extractSymbols('ruby', 'def area = width * height\ndef helper; end\n');
    expect(ruby.map((symbol) => symbol.signature)).toEqual(['def area', 'def helper']);
    const ts = await extractSymbols('typescript', 'export const add = (a: number, b: number): number => a + b;\n');
    expect(ts[0]!.signature).toBe('export const add = (a: number, b: number): number =>');
    expect(ts[0]!.bodyRange).toBeDefined();
  });
});

describe('docs', () => {
  it('join consecutive comment lines, and stop at a blank line or trailing comment', async () => {
    const text = ['x = 1  # about x', '# unrelated', '', '# First line', '#   indented', '@decorator', 'def f():', '    pass', ''].join('\n');
    const [x, f] = await extractSymbols('python', text);
    expect(x!.doc).toBeUndefined();
    expect(f!.doc).toBe('First line\n  indented');
  });

  it('skip attributes between a doc comment and the definition', async () => {
    const [point] = await extractSymbols('rust', '/// A point.\n#[derive(Debug)]\n#[repr(C)]\nstruct Point { x: i32 }\n');
    expect(point!.doc).toBe('A point.');
  });

  it('strip block comment stars and XML doc tags', async () => {
    const [java] = await extractSymbols('java', 'class A {\n  /**\n   * Adds.\n   *\n   * @param x what\n   */\n  void add(int x) {}\n}\n').then((all) => all.slice(1));
    expect(java!.doc).toBe('Adds.\n\n@param x what');
    const csharp = await extractSymbols('csharp', 'class A {\n  /// <summary>\n  /// Adds <paramref name="x"/>.\n  /// </summary>\n  /// <returns>The sum.</returns>\n  int Add(int x) => x;\n}\n');
    expect(csharp[1]!.doc).toBe('Adds x.\nReturns: The sum.');
  });

  it('prefer a Python docstring to comments above', async () => {
    const [f] = await extractSymbols('python', '# comment\ndef f():\n    r"""Doc\n\n       more.\n    """\n');
    expect(f!.doc).toBe('Doc\n\nmore.');
  });
});

describe('robustness', () => {
  it('handles empty and broken input', async () => {
    expect(await extractSymbols('go', '')).toEqual([]);
    // Half-typed code, as the editor sends it on every keystroke.
    const partial = await extractSymbols('python', 'class A:\n    def f(self):\n        x = \n\ndef g():\n    return 1\n');
    expect(partial.map((symbol) => `${symbol.kind} ${symbol.name}`)).toEqual(['class A', 'method f', 'function g']);
  });

  it('keeps locals out: only top-level constants and variables are definitions', async () => {
    const symbols = await extractSymbols('typescript', 'const A = 1;\nfunction f() {\n  const B = 2;\n  const g = () => B;\n}\n[1].map(() => { const C = 3; });\n');
    expect(symbols.map((symbol) => `${symbol.kind} ${symbol.name}`)).toEqual(['constant A', 'function f']);
  });

  it('reports offsets in UTF-16 units, as JavaScript strings index', async () => {
    const text = 'LABEL = "naïve 😀"\ndef après(): pass\n';
    const [, fn] = await extractSymbols('python', text);
    expect(text.slice(fn!.nameRange.startIndex, fn!.nameRange.endIndex)).toBe('après');
  });
});

const REFERENCE_CASES: [language: LanguageId, file: string, cursorAfter: string, nearest: string[], absent: string[]][] = [
  ['python', 'python/inventory.py', 'level.quantity = min(', ['min', 'MAX_QUANTITY', 'updated', 'StockLevel'], ['self', 'level', 'quantity', 'item', 'if', 'receive']],
  ['typescript', 'typescript/task-queue.ts', 'const result = await ', ['task', 'run', 'signal', 'AbortController'], ['result', 'entry', 'controller', 'error', 'execute']],
  ['tsx', 'tsx/TaskList.tsx', 'onRetry?.(', ['useCallback', 'useMemo', 'Filter', 'useState'], ['onRetry', 'id', 'filter', 'div', 'className']],
  ['javascript', 'javascript/event-bus.js', 'if (!matches(', ['matches', 'values', 'shift', 'history'], ['pattern', 'handler', 'topic', 'delivered']],
  ['go', 'go/handlers.go', 'note, err := s.store.', ['Get', 'store', 'Path', 'URL'], ['s', 'w', 'r', 'id', 'note', 'err', 'get']],
  ['rust', 'rust/shapes.rs', '(square!(self.x', ['square', 'sqrt', 'EPSILON', 'abs'], ['self', 'other', 'Debug', 'derive', 'x', 'distance']],
  ['java', 'java/OrderService.java', 'payments.charge(', ['charge', 'payments', 'clock', 'now'], ['order', 'customerId', 'total', 'line', 'new']],
  ['c', 'c/ring_buffer.c', 'rb->data[RB_MASK(', ['RB_MASK', 'head', 'data', 'RB_FULL'], ['rb', 'byte', 'rb_push', 'if']],
  ['cpp', 'cpp/matrix.cpp', 'result.at(i, j) += ', ['at', 'cols_', 'rows_', 'Matrix'], ['i', 'j', 'k', 'a', 'result', 'other', 'const_cast']],
  ['ruby', 'ruby/billing.rb', 'rate = TaxRates.', ['TaxRates', 'customer', 'country', 'round'], ['rate', 'def', 'self', 'tax']],
  ['csharp', 'csharp/ShoppingCart.cs', '_lines.Add(new CartLine(', ['CartLine', '_catalog', '_lines', 'PriceOf'], ['sku', 'quantity', 'existing', 'line', 'var']],
  ['php', 'php/UserRepository.php', '$row = $statement->', ['fetch', 'PDO', 'FETCH_ASSOC', 'execute'], ['row', 'statement', 'id', 'this']],
  ['swift', 'swift/Playlist.swift', 'tracks.shuffle(', ['tracks', 'shuffleSeed', 'position', 'SeededGenerator'], ['generator', 'using', '$0', 'self', 'shuffle']],
];

describe('referencesNear', () => {
  for (const [language, file, cursorAfter, nearest, absent] of REFERENCE_CASES) {
    it(`${file}: names near the cursor, nearest first`, async () => {
      const text = fixture(file);
      const offset = text.indexOf(cursorAfter) + cursorAfter.length;
      const references = await referencesNear(language, text, offset);
      const names = references.map((reference) => reference.name);
      expect(names.slice(0, nearest.length)).toEqual(nearest);
      for (const name of absent) expect(names).not.toContain(name);
      expect(new Set(names).size).toBe(names.length);

      const cursorLine = text.slice(0, offset).split('\n').length - 1;
      const distances = references.map((reference) => {
        expect(reference.line).toBeGreaterThanOrEqual(cursorLine - 20);
        expect(reference.line).toBeLessThanOrEqual(cursorLine + 5);
        expect(text.slice(reference.index, reference.index + reference.name.length)).toBe(reference.name);
        expect(text.split('\n')[reference.line]!.slice(reference.column, reference.column + reference.name.length)).toBe(reference.name);
        return reference.index >= offset ? reference.index - offset : Math.max(0, offset - reference.index - reference.name.length);
      });
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    });
  }

  it('gives the same answer in a long file, where it parses only around the window', async () => {
    for (const [language, file, cursorAfter] of REFERENCE_CASES.filter(([language]) => ['python', 'php', 'java', 'go'].includes(language))) {
      const text = fixture(file);
      // Far more than the full-parse limit, with the cursor in the last copy.
      const copies = Math.ceil(3_000 / text.split('\n').length);
      const long = text.repeat(copies);
      const offset = text.indexOf(cursorAfter) + cursorAfter.length;
      const shift = text.length * (copies - 1);
      const lineShift = (text.split('\n').length - 1) * (copies - 1);
      const expected = (await referencesNear(language, text, offset)).map((r) => ({ ...r, line: r.line + lineShift, index: r.index + shift }));
      expect(await referencesNear(language, long, offset + shift), file).toEqual(expected);
    }
  });

  it('keeps the occurrence nearest the cursor and honours the radius', async () => {
    const text = ['total = price * 2', 'a = 1', 'b = 2', 'c = 3', 'print(total, price)', ''].join('\n');
    const offset = text.indexOf('print(') + 6;
    // `total` is assigned outside a two-line window, so there it is a name to look up.
    const references = await referencesNear('python', text, offset, 2);
    expect(references.map((reference) => [reference.name, reference.line])).toEqual([
      ['total', 4],
      ['price', 4],
    ]);
    const wide = await referencesNear('python', text, offset);
    expect(wide.map((reference) => reference.name)).toEqual(['price']);
  });

  it('reports both sides of a member access', async () => {
    const references = await referencesNear('typescript', 'store.items.push(item);\n', 22);
    expect(references.map((reference) => reference.name).sort()).toEqual(['item', 'items', 'push', 'store']);
  });

  it('copes with offsets outside the text', async () => {
    expect(await referencesNear('go', '', 10)).toEqual([]);
    const references = await referencesNear('go', 'package a\n\nvar x = fmt.Sprint(y)\n', 1_000);
    expect(references.map((reference) => reference.name)).toEqual(['y', 'Sprint', 'fmt']);
  });
});
