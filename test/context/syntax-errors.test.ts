import { describe, expect, it } from 'vitest';
import { syntaxErrorsAdded } from '../../src/context/parse.js';

describe('syntaxErrorsAdded', () => {
  it('counts the errors a candidate adds to the document', async () => {
    const prefix = 'def f(a):\n    return ';
    expect(await syntaxErrorsAdded('python', prefix, 'a + 1', '\n')).toBeLessThanOrEqual(0);
    expect(await syntaxErrorsAdded('python', prefix, 'a + (1', '\n')).toBeGreaterThan(0);
  });
});
