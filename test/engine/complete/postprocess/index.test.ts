import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, runPostprocess } from '../../../../src/engine/complete/postprocess/index.js';
import type { PostprocessFilter } from '../../../../src/engine/complete/postprocess/types.js';
import { contextOf } from './golden.js';

const python = (document: string) => contextOf({ name: 'doc', language: 'python', document, completion: '' });

describe('runPostprocess', () => {
  it('runs the default filters in their deliberate order', () => {
    expect(DEFAULT_FILTERS.map((filter) => filter.name)).toEqual([
      'single-line',
      'trim-whitespace',
      'repetition',
      'indentation',
      'block-end',
      'suffix-overlap',
      'bracket-balance',
      'parse-worse',
    ]);
  });

  it('hands a correct completion back unchanged', async () => {
    const result = await runPostprocess('return x + 1', python('def f(x):\n    ║\n'));
    expect(result).toEqual({ text: 'return x + 1', changedBy: [] });
  });

  it('reports each filter that changed the text', async () => {
    // Trailing spaces (trim-whitespace), running out of the if body into the next function (block-end).
    const result = await runPostprocess('y = x\n        return y\n    return 0\n\ndef g():\n    pass   ', python('def f(x):\n    if x:\n        ║'));
    expect(result).toEqual({ text: 'y = x\n        return y', changedBy: ['trim-whitespace', 'block-end'] });
  });

  it('fixes the indentation before judging where the block ends', async () => {
    // Written from column 0: read as it stands, `return 2` would leave the block and be cut.
    const result = await runPostprocess('if x:\n    return 1\nreturn 2', python('def f(x):\n    ║'));
    expect(result).toEqual({ text: 'if x:\n        return 1\n    return 2', changedBy: ['indentation'] });
  });

  it('stops at the first rejection and names the filter', async () => {
    const result = await runPostprocess('  \n ', python('x = ║\n'));
    expect(result).toEqual({ text: undefined, changedBy: ['trim-whitespace'], rejectedBy: 'trim-whitespace' });
  });

  it('rejects a completion that breaks the parse', async () => {
    const result = await runPostprocess('return (x +', python('def f(x):\n    ║\n'));
    expect(result.rejectedBy).toBe('parse-worse');
  });

  it('skips a filter that throws, reports it, and goes on', async () => {
    const broken: PostprocessFilter = {
      name: 'broken',
      apply() {
        throw new Error('boom');
      },
    };
    const upper: PostprocessFilter = { name: 'upper', apply: (completion) => completion.toUpperCase() };
    const result = await runPostprocess('abc', python('║'), [broken, upper]);
    expect(result).toEqual({ text: 'ABC', changedBy: ['upper'], failed: [{ filter: 'broken', message: 'boom' }] });
  });
});
