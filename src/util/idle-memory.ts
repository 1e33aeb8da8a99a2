/**
 * Gives memory back to the system once a long-running process goes quiet. V8 keeps the heap it
 * grew to, young generation included (32 MB on 64-bit), until allocation pressure asks for a
 * collection, and an idle daemon creates none: after building its statistics `inline watch` held
 * about 90 MB of garbage and spare heap for as long as nobody typed. A full collection taken when
 * allocation has been low for a few seconds also shrinks the young generation, and a second one
 * returns the pages the first freed. V8 judges the allocation rate from the samples its last
 * collections took, which right after a build still say "busy": a second round, one quiet period
 * later, is the one that shrinks the young generation then.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export type Collector = () => void;

let cached: Collector | null | undefined;

/**
 * V8's `gc` function without starting node with --expose-gc: the flag, set at run time, gives a
 * context created afterwards its own `gc` (Jest finds it the same way), and is turned off again.
 * Undefined when the runtime refuses.
 */
export function fullGarbageCollector(): Collector | undefined {
  if (cached === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') cached = exposed as Collector;
    else {
      try {
        setFlagsFromString('--expose-gc');
        const gc: unknown = runInNewContext('gc');
        cached = typeof gc === 'function' ? (gc as Collector) : null;
      } catch {
        cached = null;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
  }
  return cached ?? undefined;
}

/** V8 judges allocation as low over about five seconds; a little more makes the shrink reliable. */
const QUIET_MS = 6000;
const ROUNDS = 2;

export class IdleMemoryTrimmer {
  private timer: NodeJS.Timeout | undefined;
  private roundsLeft = 0;

  constructor(
    private readonly collect: Collector | undefined = fullGarbageCollector(),
    private readonly quietMs = QUIET_MS,
  ) {}

  /** Work happened (a build, a keystroke): trim once the process has been quiet for a while. */
  touch(): void {
    if (this.collect === undefined) return;
    this.roundsLeft = ROUNDS;
    if (this.timer) this.timer.refresh();
    else this.schedule();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.trim(), this.quietMs);
    // A pending trim must not keep the process alive.
    this.timer.unref();
  }

  private trim(): void {
    this.timer = undefined;
    this.collect?.();
    this.collect?.();
    if (--this.roundsLeft > 0) this.schedule();
  }
}
