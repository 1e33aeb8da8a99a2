import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  countRemembered,
  estimateCounter,
  estimateCounterFor,
  exactTokenizerFor,
  fitToTokens,
  tokenCounterFor,
  type ExactTokenizer,
  type TokenCounter,
} from '../../src/context/budget.js';

const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));
const read = (file: string): string => fs.readFileSync(path.join(NODE_MODULES, file), 'utf8');

// Real code pinned by the lockfile, so the sample is the same on every machine.
const SAMPLE_FILES = [
  'commander/lib/command.js',
  'typescript/lib/lib.es5.d.ts',
  '@types/node/fs.d.ts',
  'undici/lib/web/fetch/index.js',
  'react/cjs/react.development.js',
  'execa/lib/methods/main-async.js',
  'ink/build/components/App.js',
  'typescript/lib/typescript.js',
];

function sampleChunks(): string[] {
  const chunks: string[] = [];
  for (const file of SAMPLE_FILES) {
    const text = read(file);
    for (let at = 0; at < 3 * 8192 && at + 2000 < text.length; at += 8192) chunks.push(text.slice(at, at + 8192));
  }
  return chunks;
}

function errors(counter: TokenCounter, reference: ExactTokenizer, chunks: string[]): number[] {
  return chunks.map((chunk) => {
    const exact = reference.encode(chunk).length;
    return (counter.count(chunk) - exact) / exact;
  });
}

let qwen: ExactTokenizer;
let codellama: ExactTokenizer;
let chunks: string[];

beforeAll(async () => {
  qwen = (await exactTokenizerFor('qwen2.5-coder:1.5b-base'))!;
  codellama = (await exactTokenizerFor('codellama/CodeLlama-7b-hf'))!;
  chunks = sampleChunks();
});

describe('estimateCounter', () => {
  it('is a cheap, inexact counter that counts nothing as zero', () => {
    const counter = estimateCounter();
    expect(counter.name).toBe('estimate:code');
    expect(counter.exact).toBe(false);
    expect(counter.count('')).toBe(0);
    expect(counter.count('const x = 1;\n')).toBeGreaterThan(0);
  });

  // The figures reported in budget.ts: held-out mean |error| 5.0% (code) and 6.4% (code-32k),
  // p90 9.9% / 14%, worst 24% / 56% on odd tables of literals.
  it('stays within the reported error of the Qwen tokenizer on real code', () => {
    expect(chunks.length).toBeGreaterThanOrEqual(16);
    const rel = errors(estimateCounter('code'), qwen, chunks);
    const mean = rel.reduce((sum, e) => sum + Math.abs(e), 0) / rel.length;
    expect(mean).toBeLessThan(0.08);
    for (const e of rel) expect(Math.abs(e)).toBeLessThan(0.3);
  });

  it('the 32k calibration stays within the reported error of the Llama tokenizer', () => {
    const rel = errors(estimateCounter('code-32k'), codellama, chunks);
    const mean = rel.reduce((sum, e) => sum + Math.abs(e), 0) / rel.length;
    expect(mean).toBeLessThan(0.1);
    for (const e of rel) expect(Math.abs(e)).toBeLessThan(0.35);
  });

  it('picks the calibration that suits the model vocabulary', () => {
    expect(estimateCounterFor('qwen2.5-coder:7b').name).toBe('estimate:code');
    expect(estimateCounterFor('bigcode/starcoder2-3b').name).toBe('estimate:code');
    expect(estimateCounterFor('deepseek-coder-6.7b-base').name).toBe('estimate:code-32k');
    expect(estimateCounterFor('codestral-latest').name).toBe('estimate:code-32k');
    expect(estimateCounterFor(undefined).name).toBe('estimate:code');
  });
});

describe('tokenCounterFor', () => {
  it('returns the real Qwen tokenizer for Qwen2.5-Coder, cached per family', async () => {
    const a = await tokenCounterFor('Qwen/Qwen2.5-Coder-7B');
    const b = await tokenCounterFor('qwen2.5-coder:1.5b-base');
    expect(a).toBe(b);
    expect(a.exact).toBe(true);
    expect(a.name).toBe('qwen2.5');
    // Known Qwen2 ids: "Hello world" is [9707, 1879].
    expect(qwen.encode('Hello world')).toEqual([9707, 1879]);
    expect(a.count('Hello world')).toBe(2);
    const text = chunks[0]!;
    expect(a.count(text)).toBe(qwen.encode(text).length);
    expect(a.count(text)).toBe(a.count(text));
  });

  it('returns the real Llama vocabulary for Code Llama', async () => {
    const counter = await tokenCounterFor('codellama/CodeLlama-7b-hf');
    expect(counter.exact).toBe(true);
    expect(counter.name).toBe('codellama');
  });

  it('falls back to the estimate for families without a shipped tokenizer', async () => {
    expect((await tokenCounterFor('gpt-4o')).name).toBe('estimate:code');
    expect((await tokenCounterFor(undefined)).exact).toBe(false);
    expect((await tokenCounterFor('bigcode/starcoder2-3b')).name).toBe('estimate:code');
    expect((await tokenCounterFor('deepseek-coder-6.7b-base')).name).toBe('estimate:code-32k');
  });

  it('reproduces Code Llama reference token ids for body text', () => {
    // Ids from Meta's reference tokenizer for this prefix and suffix (llama.cpp issue #3503).
    expect(codellama.encode(' def remove_non_ascii(s: str) -> str:\n    """ ')).toEqual([
      822, 3349, 29918, 5464, 29918, 294, 18869, 29898, 29879, 29901, 851, 29897, 1599, 851, 29901, 13, 1678, 9995, 29871,
    ]);
    expect(codellama.encode('\n    return result\n')).toEqual([13, 1678, 736, 1121, 13]);
  });
});

describe('fitToTokens', () => {
  const text = read('commander/lib/command.js').slice(0, 12_000);
  const estimate = estimateCounter();

  it('returns text that fits unchanged, and nothing for a zero budget', () => {
    expect(fitToTokens('a\nb\n', 100, estimate, 'start')).toBe('a\nb\n');
    expect(fitToTokens(text, 0, estimate, 'end')).toBe('');
    expect(fitToTokens('', 10, estimate, 'start')).toBe('');
  });

  for (const keep of ['start', 'end'] as const) {
    it(`never exceeds the budget and keeps the ${keep}, on whole lines (estimate)`, () => {
      for (const budget of [1, 7, 50, 333, 1000, 2500]) {
        const out = fitToTokens(text, budget, estimate, keep);
        expect(estimate.count(out)).toBeLessThanOrEqual(budget);
        if (keep === 'start') expect(text.startsWith(out)).toBe(true);
        else expect(text.endsWith(out)).toBe(true);
        if (budget >= 50) {
          expect(out.length).toBeGreaterThan(0);
          // Whole lines: the cut falls right after a newline.
          if (keep === 'start') expect(out.endsWith('\n')).toBe(true);
          else expect(text[text.length - out.length - 1]).toBe('\n');
          // And it is the longest such piece: one more line would not fit.
          const more = keep === 'start' ? text.slice(0, text.indexOf('\n', out.length) + 1) : text.slice(text.lastIndexOf('\n', text.length - out.length - 2) + 1);
          expect(estimate.count(more)).toBeGreaterThan(budget);
        }
      }
    });
  }

  it('never exceeds the budget by the real Qwen tokenizer either', async () => {
    const counter = await tokenCounterFor('qwen2.5-coder:7b');
    for (const keep of ['start', 'end'] as const) {
      for (const budget of [5, 120, 900]) {
        const out = fitToTokens(text, budget, counter, keep);
        expect(qwen.encode(out).length).toBeLessThanOrEqual(budget);
        expect(out.length).toBeGreaterThan(0);
      }
    }
  });

  it('needs only a few counts of a slow exact counter, steered by the estimate', () => {
    let calls = 0;
    const slow: TokenCounter = { name: 'qwen2.5', exact: true, count: (t) => (calls++, qwen.encode(t).length) };
    for (const keep of ['start', 'end'] as const) {
      calls = 0;
      const out = fitToTokens(text, 1500, slow, keep);
      expect(qwen.encode(out).length).toBeLessThanOrEqual(1500);
      // One count of the whole text, then a handful near the predicted cut (plain bisection: ~10).
      expect(calls).toBeLessThanOrEqual(6);
    }
  });

  it('cuts inside a line when no whole line fits, without splitting surrogate pairs', () => {
    const line = `${'x'.repeat(500)} ${'😀'.repeat(100)} ${'y'.repeat(500)}`;
    const start = fitToTokens(line, 40, estimate, 'start');
    const end = fitToTokens(`${line}\n${line}`, 40, estimate, 'end');
    expect(start.length).toBeGreaterThan(0);
    expect(line.startsWith(start)).toBe(true);
    expect(estimate.count(start)).toBeLessThanOrEqual(40);
    expect(line.endsWith(end)).toBe(true);
    expect(estimate.count(end)).toBeLessThanOrEqual(40);
    const emoji = fitToTokens('😀'.repeat(50), 9, estimate, 'start');
    expect(emoji.length % 2).toBe(0);
    expect(estimate.count(emoji)).toBeLessThanOrEqual(9);
  });
});

describe('countRemembered', () => {
  it('counts as the counter does, and counts a text that comes back only once', () => {
    const estimate = estimateCounter();
    const counted: string[] = [];
    const counter: TokenCounter = { name: 'spy', exact: false, count: (text) => (counted.push(text), estimate.count(text)) };
    const snippet = 'def area(self):\n    return self.width * self.height\n';
    expect(countRemembered(counter, snippet)).toBe(estimate.count(snippet));
    // A copy built afresh, as a snippet is on the next keystroke.
    expect(countRemembered(counter, [...snippet].join(''))).toBe(estimate.count(snippet));
    expect(countRemembered(counter, `${snippet}\n`)).toBe(estimate.count(`${snippet}\n`));
    expect(counted).toEqual([snippet, `${snippet}\n`]);
  });

  it('keeps counts per counter', () => {
    const small = estimateCounter('code-32k');
    const large = estimateCounter('code');
    const text = 'const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);';
    expect(countRemembered(small, text)).toBe(small.count(text));
    expect(countRemembered(large, text)).toBe(large.count(text));
    expect(small.count(text)).not.toBe(large.count(text));
  });
});
