import { describe, expect, it } from 'vitest';
import { EditRetryTracker, MAX_RETRIES } from '../../../src/engine/edits/index.js';
import type { BlockResult, EditBlock } from '../../../src/engine/edits/index.js';

const block = (search: string, replace = 'goal\n'): EditBlock => ({ path: 'a.py', search, replace, kind: 'replace', answerLine: 1 });
const failed = (b: EditBlock): BlockResult => ({ block: b, ok: false, failure: { kind: 'not-found', path: b.path, reason: 'x', feedback: 'x' } });

describe('EditRetryTracker', () => {
  it('never re-applies a block that already applied', () => {
    const tracker = new EditRetryTracker();
    const done = block('old\n');
    tracker.record([{ block: done, ok: true, level: 'exact', line: 1 }]);
    const next = tracker.select([done, block('other\n', 'other goal\n')]);
    expect(next.alreadyApplied).toEqual([done]);
    expect(next.attempt.map((b) => b.search)).toEqual(['other\n']);
  });

  it('allows the first try plus MAX_RETRIES retries of a block, even with a corrected SEARCH', () => {
    const tracker = new EditRetryTracker();
    for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
      const b = block(`attempt ${attempt}\n`);
      expect(tracker.select([b]).attempt).toEqual([b]);
      tracker.record([failed(b)]);
    }
    const last = block('one more\n');
    expect(tracker.mayTry(last)).toBe(false);
    expect(tracker.select([last]).exhausted).toEqual([last]);
  });
});
