import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LanguageId } from '../../src/context/languages.js';
import { countErrors, withTree } from '../../src/context/parse.js';
import { shortenValue, skeleton } from '../../src/context/skeleton.js';
import { extractSymbols } from '../../src/context/symbols.js';

const fixture = (file: string) => readFileSync(new URL(`../../fixtures/languages/${file}`, import.meta.url), 'utf8');
const errors = (language: LanguageId, text: string) => withTree(language, text, (tree) => countErrors(tree.rootNode));

/** Lines the skeleton must keep (imports, constants, headers, fields, elided bodies) and body lines it must drop. */
const CASES: [language: LanguageId, file: string, kept: string[], dropped: string[]][] = [
  [
    'python',
    'python/inventory.py',
    ['from __future__ import annotations', 'MAX_QUANTITY = 10_000', 'DEFAULT_LOCATIONS = {...}', '    unit_price: float = 0.0', '    @property', '        Creates the stock level on first receipt.', '        ...'],
    ['        log.info("received %d x %s", quantity, item.sku)', 'if __name__ == "__main__":', '    print(report(stock))', '    "C": "Cold storage",'],
  ],
  [
    'typescript',
    'typescript/task-queue.ts',
    ["import type { Logger } from './logger.js';", 'export const RETRY_DELAYS_MS = [ /* ... */ ];', '  private running = 0;', '  add(task: Task): void { /* ... */ }', '  run(signal: AbortSignal): Promise<T>;'],
    ['    this.pending.sort(byPriority);', '      setTimeout(() => this.add(entry.task), delay);', '  500,'],
  ],
  [
    'tsx',
    'tsx/TaskList.tsx',
    ["import React, { useCallback, useMemo, useState } from 'react';", '  onRetry?: (id: string) => void;', 'const Badge = ({ state }: { state: TaskState }) => { /* ... */ };', 'export default TaskList;'],
    ['    <section>', "  const [filter, setFilter] = useState<Filter>('all');", "      return 'green';"],
  ],
  [
    'javascript',
    'javascript/event-bus.js',
    ["import { randomUUID } from 'node:crypto';", '  #handlers = new Map();', "export const segments = (topic) => topic.split('.').filter(Boolean);", 'export { replay };'],
    ['    listenerCount++;', '      handler(payload, topic);'],
  ],
  [
    'javascript',
    'javascript/Counter.jsx',
    ["import PropTypes from 'prop-types';", 'export default function Counter({ initial = 0, min = 0, storageKey }) { /* ... */ }'],
    ['Counter.propTypes = {', '      <output>{state.count}</output>', "    case 'reset':"],
  ],
  [
    'go',
    'go/handlers.go',
    ['package notes', '\t"encoding/json"', '\tcontentType = "application/json"', '\tnotes map[string]Note', '\tGet(id string) (Note, error)', 'func (s *Server) post(w http.ResponseWriter, r *http.Request) error { /* ... */ }'],
    ['\tdefer s.mu.RUnlock()', '\tcase http.MethodGet:', '\treturn s.store.Put(note)'],
  ],
  [
    'rust',
    'rust/shapes.rs',
    ['use std::collections::HashMap;', '#[derive(Debug, Clone, Copy, PartialEq)]', '    pub radius: f64,', 'impl Shape for Polygon {', '    fn area(&self) -> f64;', '        $x * $x'],
    ['        sum.abs() / 2.0', '            Unit::Metre => value,', '        let trimmed = text.trim().to_ascii_lowercase();'],
  ],
  [
    'java',
    'java/OrderService.java',
    ['package com.example.shop.orders;', 'import java.util.Optional;', '    private final Clock clock;', '        PENDING, PAID, SHIPPED, CANCELLED;', '    @Transactional', '        void save(Order order);'],
    ['        payments.charge(customerId, total);', '        return amount.multiply(factor);'],
  ],
  [
    'c',
    'c/ring_buffer.c',
    ['#include "ring_buffer.h"', '#define RB_MAX_CAPACITY ((size_t)1 << 30)', 'static const size_t MIN_CAPACITY = 16;', '    size_t drops;', 'static struct rb_stats stats;'],
    ['    live_buffers++;', '        p <<= 1;', '    return RB_OK;'],
  ],
  [
    'c',
    'c/ring_buffer.h',
    ['#ifndef RING_BUFFER_H', '#include <stdint.h>', '    RB_NOMEM = -3,', '    size_t head; /* next write */', 'ring_buffer_t *rb_create(size_t capacity);', '#endif /* RING_BUFFER_H */'],
    ['    return rb->head - rb->tail;', '    return rb->head == rb->tail;'],
  ],
  [
    'cpp',
    'cpp/matrix.cpp',
    ['#include <vector>', 'namespace linalg {', 'constexpr double kTolerance = 1e-12;', 'private:', '    std::vector<double> data_;', '    : rows_(rows), cols_(cols), data_(rows * cols, fill) { /* ... */ }', '}  // namespace linalg'],
    ['        m.at(i, i) = 1.0;', '    return std::sqrt(sum);', '                result.at(i, j) += a * other.at(k, j);'],
  ],
  [
    'ruby',
    'ruby/billing.rb',
    ["require_relative 'tax_rates'", "  VERSION = '2.1.0'", '    include Comparable', '    attr_reader :number, :customer, :items, :issued_at', '    def total = subtotal + tax', '      # ...', '  class Error < StandardError; end'],
    ['      @items << LineItem.new(description, quantity, unit_price)', '      @next_number += 1', '      unit_price * quantity'],
  ],
  [
    'csharp',
    'csharp/ShoppingCart.cs',
    ['using System.Linq;', 'namespace Shop.Checkout', '        public const int MaxLines = 100;', '        public string? DiscountCode { get; private set; }', '        public event EventHandler? Changed;', '        public decimal Subtotal() => _lines.Sum(line => line.Total);'],
    ['            _catalog = catalog;', '                DiscountKind.Percent => subtotal * (1 - amount / 100m),'],
  ],
  [
    'php',
    'php/UserRepository.php',
    ['<?php', 'declare(strict_types=1);', 'use App\\Users\\Exceptions\\UserNotFound;', 'const DEFAULT_PAGE_SIZE = 25;', '    use Timestamps;', "    case Admin = 'admin';", '    private ?\\DateTimeImmutable $updatedAt = null;'],
    ['        $this->touch();', '        return strtolower(trim($email));', '    $hash = md5(UserRepository::normalizeEmail($email));'],
  ],
  [
    'swift',
    'swift/Playlist.swift',
    ['import Foundation', 'let maxTracks = 500', '    var duration: TimeInterval { get }', '    case unavailable(TrackID)', '    private(set) var tracks: [Track] = []', '    var totalDuration: TimeInterval { /* ... */ }'],
    ['        tracks.reduce(0) { $0 + $1.duration }', '        defer { position += 1 }', '    return String(format: "%d:%02d", minutes, rest)'],
  ],
];

describe('skeleton on the fixtures', () => {
  for (const [language, file, kept, dropped] of CASES) {
    describe(file, () => {
      const source = fixture(file);

      it('keeps imports, constants, headers, fields and docs, and drops bodies', async () => {
        const { text } = await skeleton(language, source);
        const lines = text.split('\n');
        for (const line of kept) expect(lines, line).toContain(line);
        for (const line of dropped) expect(text, line).not.toContain(line.trim());
      });

      it('keeps every signature and every doc', async () => {
        const { text } = await skeleton(language, source);
        const sourceLines = source.split('\n');
        for (const symbol of await extractSymbols(language, source)) {
          expect(text, symbol.name).toContain(symbol.signature);
          if (!symbol.doc) continue;
          // Docstrings sit in the body; doc comments end on the line above the definition.
          const docLine = language === 'python' ? symbol.doc.split('\n', 1)[0]! : sourceLines[symbol.range.startLine - 1]!;
          expect(text.split('\n').some((line) => line.includes(docLine)), `doc of ${symbol.name}`).toBe(true);
        }
      });

      it('is at most 70% of the original, counted in characters and lines', async () => {
        const result = await skeleton(language, source);
        expect(result.ratio).toBeCloseTo(result.text.length / source.length, 10);
        expect(result.originalLines).toBe(source.split('\n').length - 1);
        expect(result.lines).toBe(result.text.split('\n').length - 1);
        // A header is declarations already: only its two inline functions have bodies to drop.
        expect(result.ratio).toBeLessThan(file.endsWith('.h') ? 1 : 0.7);
        expect(result.lines).toBeLessThan(result.originalLines);
      });

      it('keeps surviving lines exactly as written, indentation included', async () => {
        const { text } = await skeleton(language, source);
        const original = new Set(source.split('\n').map((line) => line.trimEnd()));
        const edited = /\.\.\.|\/\* \.\.\. \*\/|# \.\.\./;
        for (const line of text.split('\n')) if (line && !edited.test(line)) expect(original, line).toContain(line);
      });

      it('parses as well as the original did, and is stable when applied again', async () => {
        const result = await skeleton(language, source);
        expect(await errors(language, result.text)).toBeLessThanOrEqual(await errors(language, source));
        expect((await skeleton(language, result.text)).text).toBe(result.text);
        expect((await skeleton(language, source)).text).toBe(result.text);
      });
    });
  }

  it('leaves Python and TypeScript skeletons free of parse errors', async () => {
    for (const [language, file] of [
      ['python', 'python/inventory.py'],
      ['typescript', 'typescript/task-queue.ts'],
      ['tsx', 'tsx/TaskList.tsx'],
    ] as const) {
      expect(await errors(language, fixture(file))).toBe(0);
      expect(await errors(language, (await skeleton(language, fixture(file))).text), file).toBe(0);
    }
  });
});

describe('skeleton output', () => {
  it('elides Python bodies after the docstring, keeping decorators and nested classes', async () => {
    const source = [
      'import os',
      '',
      'def helper(x):',
      '    """Help."""',
      '    return x',
      '',
      'class Outer:',
      '    class Inner:',
      '        @staticmethod',
      '        def make(): return Outer()',
      '',
      '    def run(self):',
      '        # Runs.',
      '        os.system("true")',
      '',
      'helper(1)',
      '',
    ].join('\n');
    const { text } = await skeleton('python', source);
    expect(text).toBe(
      ['import os', '', 'def helper(x):', '    """Help."""', '    ...', '', 'class Outer:', '    class Inner:', '        @staticmethod', '        def make(): ...', '', '    def run(self):', '        # Runs.', '        ...', ''].join('\n'),
    );
  });

  it('elides brace bodies, Ruby bodies and long values, and drops top-level statements', async () => {
    const ts = await skeleton('typescript', "import { a } from 'a';\nconst big = {\n  one: 1,\n  two: 2,\n};\nfunction f(): number {\n  return a;\n}\nconsole.log(f());\n");
    expect(ts.text).toBe("import { a } from 'a';\nconst big = { /* ... */ };\nfunction f(): number { /* ... */ }\n");
    const ruby = await skeleton('ruby', "class A\n  def b(x)\n    x * 2\n  end\nend\nputs A.new.b(1)\n");
    expect(ruby.text).toBe('class A\n  def b(x)\n    # ...\n  end\nend\n');
  });

  it('elides property accessor bodies in C#', async () => {
    const { text } = await skeleton('csharp', 'class A\n{\n    public int X\n    {\n        get { return _x * 2; }\n        set { _x = value; }\n    }\n    public int Y { get; set; }\n}\n');
    expect(text).toBe('class A\n{\n    public int X\n    {\n        get { /* ... */ }\n        set { /* ... */ }\n    }\n    public int Y { get; set; }\n}\n');
  });

  it('handles empty input', async () => {
    expect(await skeleton('go', '')).toEqual({ text: '', lines: 0, originalLines: 0, ratio: 0 });
  });
});

describe('shortenValue', () => {
  it('keeps short values and elides the inside of long literals', () => {
    expect(shortenValue('3', 'brace')).toBeUndefined();
    expect(shortenValue('{\n  a: 1,\n}', 'brace')).toBe('{ /* ... */ }');
    expect(shortenValue('[\n  1,\n]', 'python')).toBe('[...]');
    expect(shortenValue('(\n  1,\n)', 'python')).toBe('(...)');
    expect(shortenValue('createStore({\n  a: 1,\n})', 'brace')).toBe('createStore({ /* ... */ })');
    expect(shortenValue('dict(\n    a=1,\n)', 'python')).toBe('dict(...)');
  });

  it('leaves what it cannot shorten safely', () => {
    expect(shortenValue('(\n  1 + 2\n)', 'brace')).toBeUndefined();
    expect(shortenValue(`\`${'x'.repeat(100)}\``, 'brace')).toBeUndefined();
    expect(shortenValue(`"""${'x'.repeat(100)}"""`, 'python')).toBeUndefined();
    expect(shortenValue('compute(\n  a,\n  b) + 1', 'brace')).toBeUndefined();
  });

  it('cuts long strings inside their quotes, never after a backslash', () => {
    const cut = shortenValue(`'${'a'.repeat(58)}\\n${'b'.repeat(40)}'`, 'brace')!;
    expect(cut).toBe(`'${'a'.repeat(58)}...'`);
    expect(shortenValue(`"${'x'.repeat(100)}"`, 'python')).toBe(`"${'x'.repeat(59)}..."`);
  });
});
