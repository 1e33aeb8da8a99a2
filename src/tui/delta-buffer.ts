/**
 * Collects streamed deltas and hands the accumulated text on at most once per interval, so a model
 * producing hundreds of tokens a second causes ~60 re-renders a second rather than one per token.
 * The first delta after a quiet period goes out at once (the user sees the first token without delay);
 * later ones are coalesced into a trailing flush.
 */

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const STREAM_FRAME_MS = 16;

export class DeltaBuffer {
  private accumulated = '';
  private published = '';
  private lastPublishAt = Number.NEGATIVE_INFINITY;
  private timer: unknown;

  constructor(
    private readonly publish: (text: string) => void,
    private readonly intervalMs = STREAM_FRAME_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  get text(): string {
    return this.accumulated;
  }

  push(delta: string): void {
    if (delta === '') return;
    this.accumulated += delta;
    if (this.timer !== undefined) return;
    const wait = this.lastPublishAt + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** Publishes whatever is pending now (end of stream, or before something is printed after it). */
  flush(): void {
    this.cancelTimer();
    if (this.accumulated === this.published) return;
    this.published = this.accumulated;
    this.lastPublishAt = this.clock.now();
    this.publish(this.accumulated);
  }

  /** Forgets the text without publishing it: the caller has moved it elsewhere. */
  reset(): void {
    this.cancelTimer();
    this.accumulated = '';
    this.published = '';
  }

  dispose(): void {
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
