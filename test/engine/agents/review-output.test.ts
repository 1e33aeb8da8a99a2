import { describe, expect, it } from 'vitest';
import { parseReviewReply } from '../../../src/engine/agents/review-output.js';

describe('parseReviewReply', () => {
  it('reads path:line: severity: message lines, with bullets, backticks and column numbers', () => {
    const reply = [
      'Review:',
      'src/a.py:12: error: index out of range',
      '- `src/b.ts:3:9`: warning: unchecked await',
      '2. **lib/c.go:7**: info - consider a constant',
      '```',
      'not a comment at all',
    ].join('\n');
    expect(parseReviewReply(reply)).toEqual([
      { file: 'src/a.py', line: 12, severity: 'error', message: 'index out of range' },
      { file: 'src/b.ts', line: 3, severity: 'warning', message: 'unchecked await' },
      { file: 'lib/c.go', line: 7, severity: 'info', message: 'consider a constant' },
    ]);
  });

  it('maps other severity words and defaults to warning when there is none', () => {
    expect(parseReviewReply('a.py:1: critical: sql injection\na.py:2: the loop never ends\na.py:3: nit: name')).toEqual([
      { file: 'a.py', line: 1, severity: 'error', message: 'sql injection' },
      { file: 'a.py', line: 2, severity: 'warning', message: 'the loop never ends' },
      { file: 'a.py', line: 3, severity: 'info', message: 'name' },
    ]);
  });

  it('reads a JSON array, even inside a fence, skipping malformed items', () => {
    const reply = 'Sure:\n```json\n[{"path": "./x.js", "line": 4, "severity": "high", "message": "eval of input"}, {"file": "x.js", "line": "n"}, 3]\n```';
    expect(parseReviewReply(reply)).toEqual([{ file: 'x.js', line: 4, severity: 'error', message: 'eval of input' }]);
  });

  it('finds nothing in a reply with no comments', () => {
    expect(parseReviewReply('NO ISSUES')).toEqual([]);
    expect(parseReviewReply('Looks good to me: nothing to report.')).toEqual([]);
  });
});
