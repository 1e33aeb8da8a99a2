import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TelemetryLog } from '../../src/telemetry/events.js';
import { FeedbackTracker, SHOWN_AFTER_MS } from '../../src/watch/feedback.js';

let recorded: Array<{ type: string; fields: Record<string, unknown> }>;
let tracker: FeedbackTracker;
beforeEach(() => {
  vi.useFakeTimers();
  recorded = [];
  const telemetry = { record: (type: string, fields: Record<string, unknown>) => recorded.push({ type, fields }) } as unknown as TelemetryLog;
  tracker = new FeedbackTracker(telemetry);
  tracker.register('s1', { engine: 'local', language: 'python' });
});
afterEach(() => {
  tracker.dispose();
  vi.useRealTimers();
});

const types = () => recorded.map((r) => r.type);

describe('FeedbackTracker', () => {
  it('counts a suggestion as shown only after it stayed visible for 750 ms', () => {
    tracker.didShow('s1');
    vi.advanceTimersByTime(SHOWN_AFTER_MS - 1);
    expect(types()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(recorded).toEqual([{ type: 'completion.shown', fields: { id: 's1', engine: 'local', language: 'python' } }]);
  });

  it('does not count a suggestion rejected before 750 ms as shown', () => {
    tracker.didShow('s1');
    vi.advanceTimersByTime(300);
    tracker.didReject('s1');
    vi.advanceTimersByTime(SHOWN_AFTER_MS);
    expect(types()).toEqual(['completion.rejected']);
    expect(recorded[0]!.fields.shown).toBe(false);
  });

  it('counts an early acceptance as shown and accepted, once', () => {
    tracker.didShow('s1');
    tracker.didAccept('s1', 0);
    tracker.didAccept('s1', 0);
    vi.advanceTimersByTime(SHOWN_AFTER_MS);
    expect(types()).toEqual(['completion.shown', 'completion.accepted']);
  });

  it('records partial acceptance with its length, and ignores unknown ids', () => {
    tracker.didPartiallyAccept('s1', 4);
    tracker.didAccept('nope', 0);
    tracker.didShow('nope');
    expect(recorded).toEqual([
      { type: 'completion.shown', fields: { id: 's1', engine: 'local', language: 'python' } },
      { type: 'completion.partiallyAccepted', fields: { id: 's1', engine: 'local', language: 'python', acceptedChars: 4 } },
    ]);
  });
});
