/**
 * Adaptive debounce for pushed suggestions (DESIGN §9): after each change to a document, wait
 * between 75 and 300 ms before computing a suggestion, depending on how fast the user types.
 * Someone typing fast is mid-word and will type on, so a suggestion now would be wasted work
 * and flicker; someone typing slowly or pausing wants it soon.
 *
 * The formula, per key (document):
 *
 *   gap      = min(now − previous change, 1000 ms)        the first change counts as 1000 ms
 *   mean     = gap                                       on the first change
 *   mean     = 0.4 · gap + 0.6 · mean                    afterwards (exponentially weighted)
 *   progress = clamp((mean − 100) / (500 − 100), 0, 1)   0 = fast typing, 1 = slow or paused
 *   delay    = round(300 − (300 − 75) · progress)
 *
 * So a mean gap of 100 ms or less (≥ 10 keys/s) waits 300 ms, 500 ms or more waits 75 ms, and
 * steady typing at 150–250 ms between keys waits 272–216 ms, a little longer than the next key
 * usually takes. After a pause the first keys wait less (the mean starts high and comes down
 * over about five keys). Capping the gap keeps one long pause from dominating the mean.
 */

export interface DebounceClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DebouncerOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Mean gap at or below which the longest delay applies. */
  fastGapMs?: number;
  /** Mean gap at or above which the shortest delay applies. */
  slowGapMs?: number;
  /** Gaps are capped at this (a pause is a pause, however long). */
  maxGapMs?: number;
  /** Weight of the newest gap in the mean, in (0, 1]. */
  smoothing?: number;
  clock?: DebounceClock;
  /** Receives what a scheduled call throws or rejects with (default: a line on stderr). */
  onError?: (error: unknown, key: string) => void;
}

interface KeyState {
  lastChangeAt: number;
  meanGapMs: number;
  timer?: unknown;
  /** Identifies the pending call, so that a late timer for a superseded one does nothing. */
  generation: number;
}

/** The global timers, looked up at call time so that fake timers installed later still apply. */
const systemClock: DebounceClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending suggestion is no reason to keep the process alive.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Debouncer {
  private readonly states = new Map<string, KeyState>();
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly fastGapMs: number;
  private readonly slowGapMs: number;
  private readonly maxGapMs: number;
  private readonly smoothing: number;
  private readonly clock: DebounceClock;
  private readonly onError: (error: unknown, key: string) => void;
  private disposed = false;

  constructor(options: DebouncerOptions = {}) {
    this.minDelayMs = options.minDelayMs ?? 75;
    this.maxDelayMs = options.maxDelayMs ?? 300;
    this.fastGapMs = options.fastGapMs ?? 100;
    this.slowGapMs = options.slowGapMs ?? 500;
    this.maxGapMs = options.maxGapMs ?? 1000;
    this.smoothing = options.smoothing ?? 0.4;
    this.clock = options.clock ?? systemClock;
    this.onError = options.onError ?? ((error, key) => process.stderr.write(`inline: debounced work for ${key} failed: ${describe(error)}\n`));
    if (!(this.minDelayMs >= 0 && this.minDelayMs <= this.maxDelayMs)) throw new RangeError('Debouncer: need 0 ≤ minDelayMs ≤ maxDelayMs');
    if (!(this.fastGapMs >= 0 && this.fastGapMs < this.slowGapMs && this.slowGapMs <= this.maxGapMs)) {
      throw new RangeError('Debouncer: need 0 ≤ fastGapMs < slowGapMs ≤ maxGapMs');
    }
    if (!(this.smoothing > 0 && this.smoothing <= 1)) throw new RangeError('Debouncer: smoothing must be in (0, 1]');
  }

  /**
   * Records a change to `key`, cancels its pending call and schedules `fn` after the delay the
   * typing rate calls for. Returns that delay in ms.
   */
  schedule(key: string, fn: () => unknown): number {
    if (this.disposed) throw new Error('Debouncer: schedule after dispose');
    const now = this.clock.now();
    const previous = this.states.get(key);
    const gap = previous ? Math.min(Math.max(0, now - previous.lastChangeAt), this.maxGapMs) : this.maxGapMs;
    const state: KeyState = previous ?? { lastChangeAt: now, meanGapMs: gap, generation: 0 };
    if (previous) {
      this.clear(previous);
      state.meanGapMs = this.smoothing * gap + (1 - this.smoothing) * previous.meanGapMs;
    }
    state.lastChangeAt = now;
    state.generation++;
    this.states.set(key, state);
    const generation = state.generation;
    const delay = this.delayFor(key);
    state.timer = this.clock.setTimeout(() => {
      if (state.generation !== generation || this.states.get(key) !== state) return;
      state.timer = undefined;
      this.run(key, fn);
    }, delay);
    return delay;
  }

  /**
   * The delay a change to `key` waits, from the typing rate seen so far (the one its pending call
   * was scheduled with). A key with no history gets the shortest: its first change is a pause.
   */
  delayFor(key: string): number {
    const state = this.states.get(key);
    const mean = state?.meanGapMs ?? this.maxGapMs;
    const progress = Math.min(1, Math.max(0, (mean - this.fastGapMs) / (this.slowGapMs - this.fastGapMs)));
    return Math.round(this.maxDelayMs - (this.maxDelayMs - this.minDelayMs) * progress);
  }

  /** Whether a call for `key` is waiting. */
  pending(key: string): boolean {
    return this.states.get(key)?.timer !== undefined;
  }

  /** Cancels the pending call for `key`; its typing rate is kept. */
  cancel(key: string): void {
    const state = this.states.get(key);
    if (state) this.clear(state);
  }

  /** Cancels the pending call for `key` and drops its typing rate (the document was closed). */
  forget(key: string): void {
    this.cancel(key);
    this.states.delete(key);
  }

  /** Cancels every pending call; the debouncer accepts no more. */
  dispose(): void {
    for (const state of this.states.values()) this.clear(state);
    this.states.clear();
    this.disposed = true;
  }

  private clear(state: KeyState): void {
    if (state.timer !== undefined) this.clock.clearTimeout(state.timer);
    state.timer = undefined;
    state.generation++;
  }

  private run(key: string, fn: () => unknown): void {
    try {
      const result = fn();
      if (result instanceof Promise) result.catch((error: unknown) => this.reportError(error, key));
    } catch (error) {
      this.reportError(error, key);
    }
  }

  private reportError(error: unknown, key: string): void {
    try {
      this.onError(error, key);
    } catch {
      // A failing error sink must not take the daemon down.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
