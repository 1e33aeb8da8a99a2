/**
 * A one-consumer queue between IPC message events (push side) and an async generator (pull side).
 * The first failure wins: after `fail`, queued deltas are dropped and the next pull rejects.
 */
import type { Delta } from '../../types.js';

export class DeltaChannel {
  private readonly queued: Delta[] = [];
  private waiting: { resolve: (delta: Delta | undefined) => void; reject: (error: unknown) => void } | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  /** Whether any delta has been handed over; a later failure then breaks a stream already shown. */
  delivered = false;

  push(delta: Delta): void {
    if (this.ended || this.failure) return;
    if (this.waiting) this.settle().resolve(delta);
    else this.queued.push(delta);
  }

  end(): void {
    if (this.ended || this.failure) return;
    this.ended = true;
    if (this.waiting && this.queued.length === 0) this.settle().resolve(undefined);
  }

  fail(error: unknown): void {
    if (this.ended || this.failure) return;
    this.failure = { error };
    this.queued.length = 0;
    if (this.waiting) this.settle().reject(error);
  }

  get settled(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /** The next delta, undefined at the end, or the failure. */
  next(): Promise<Delta | undefined> {
    if (this.failure) return Promise.reject(this.failure.error);
    const delta = this.queued.shift();
    if (delta) {
      this.delivered = true;
      return Promise.resolve(delta);
    }
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (value) => {
          if (value) this.delivered = true;
          resolve(value);
        },
        reject,
      };
    });
  }

  private settle() {
    const waiting = this.waiting!;
    this.waiting = undefined;
    return waiting;
  }
}
