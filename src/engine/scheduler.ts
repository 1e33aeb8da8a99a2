/**
 * Decides when each request may reach an engine (DESIGN §5): interactive completions before chat,
 * chat before background embedding; a newer request for the same document cancels the older one;
 * a concurrency cap and a token bucket keep one backend from being flooded.
 */
import { RequestCancelled } from './errors.js';
import type { ChatRequest, CompletionRequest, Delta, Engine } from './types.js';

export type Priority = 'interactive' | 'chat' | 'background';

/** Highest first: the dispatcher always serves the first class that has anything queued. */
const PRIORITIES: readonly Priority[] = ['interactive', 'chat', 'background'];

export interface SchedulerLimits {
  /** Requests running at once against the engine. */
  concurrency: number;
  /** Tokens added to the bucket per second; Infinity turns rate limiting off. */
  ratePerSecond: number;
  /** Tokens the bucket holds when full: how many requests may start back to back after a quiet spell. */
  burst: number;
  /**
   * Slots that chat and background work leave free, so a keystroke never waits for a long chat
   * stream or embedding batch to finish. Capped at concurrency − 1 so that other work can always run.
   */
  interactiveReserve: number;
}

export const DEFAULT_SCHEDULER_LIMITS: Readonly<SchedulerLimits> = {
  concurrency: 4,
  ratePerSecond: 20,
  burst: 8,
  interactiveReserve: 1,
};

export interface RunOptions {
  priority: Priority;
  /** Usually the document URI: a newer request with the same key cancels this one. */
  key?: string;
  /** Aborting it cancels the request, whether still queued or already running. */
  signal?: AbortSignal;
}

/** A held slot. The signal aborts (with a RequestCancelled reason) when the request is superseded or abandoned. */
export interface Lease {
  readonly signal: AbortSignal;
  /** Frees the slot; calling it again does nothing. */
  release(): void;
}

export interface SchedulerStats {
  queued: Record<Priority, number>;
  running: number;
}

interface Ticket {
  readonly priority: Priority;
  readonly key?: string;
  readonly controller: AbortController;
  state: 'queued' | 'running' | 'done';
  grant(lease: Lease): void;
  refuse(error: RequestCancelled): void;
  /** Stops listening to the caller's signal. */
  detach(): void;
}

export class Scheduler {
  readonly limits: Readonly<SchedulerLimits>;
  private readonly queues: Record<Priority, Ticket[]> = { interactive: [], chat: [], background: [] };
  private readonly latestByKey = new Map<string, Ticket>();
  private readonly bucket: TokenBucket;
  private running = 0;
  private runningShared = 0;
  private refillTimer: NodeJS.Timeout | undefined;

  constructor(limits: Partial<SchedulerLimits> = {}) {
    this.limits = validateLimits({ ...DEFAULT_SCHEDULER_LIMITS, ...definedOnly(limits) });
    this.bucket = new TokenBucket(this.limits.ratePerSecond, this.limits.burst);
  }

  /**
   * Runs `task` once a slot and a token are free, highest priority first (FIFO within a priority).
   * The slot is held until `task` settles, even after cancellation, so the cap reflects what the
   * backend is really doing. A cancelled request rejects with RequestCancelled even if `task` ignored its signal.
   */
  async run<T>(options: RunOptions, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const lease = await this.acquire(options);
    try {
      const result = await task(lease.signal);
      if (lease.signal.aborted) throw lease.signal.reason;
      return result;
    } catch (error) {
      // Whatever the task threw on abort (a DOMException, a socket error), the caller should see why.
      throw lease.signal.aborted ? lease.signal.reason : error;
    } finally {
      lease.release();
    }
  }

  /** Waits for a slot and a token; the caller must release the lease. For work that outlives one promise, like a stream. */
  acquire(options: RunOptions): Promise<Lease> {
    if (!PRIORITIES.includes(options.priority)) {
      return Promise.reject(new TypeError(`Unknown priority "${String(options.priority)}": use ${PRIORITIES.join(', ')}.`));
    }
    const callerSignal = options.signal;
    if (callerSignal?.aborted) return Promise.reject(abortedByCaller(callerSignal.reason));
    return new Promise<Lease>((resolve, reject) => {
      const ticket: Ticket = {
        priority: options.priority,
        key: options.key,
        controller: new AbortController(),
        state: 'queued',
        grant: resolve,
        refuse: reject,
        detach: () => {},
      };
      if (callerSignal) {
        const onAbort = () => this.cancel(ticket, abortedByCaller(callerSignal.reason));
        callerSignal.addEventListener('abort', onAbort, { once: true });
        ticket.detach = () => callerSignal.removeEventListener('abort', onAbort);
      }
      if (options.key !== undefined) {
        const previous = this.latestByKey.get(options.key);
        this.latestByKey.set(options.key, ticket);
        if (previous) this.cancel(previous, superseded(options.key));
      }
      this.queues[options.priority].push(ticket);
      this.dispatch();
    });
  }

  stats(): SchedulerStats {
    return {
      queued: { interactive: this.queues.interactive.length, chat: this.queues.chat.length, background: this.queues.background.length },
      running: this.running,
    };
  }

  private cancel(ticket: Ticket, error: RequestCancelled): void {
    if (ticket.state === 'queued') {
      const queue = this.queues[ticket.priority];
      queue.splice(queue.indexOf(ticket), 1);
      ticket.state = 'done';
      this.forget(ticket);
      ticket.refuse(error);
      // The request the refill timer was waiting for may be gone.
      this.dispatch();
    } else if (ticket.state === 'running' && !ticket.controller.signal.aborted) {
      ticket.controller.abort(error);
    }
  }

  private release(ticket: Ticket): void {
    if (ticket.state !== 'running') return;
    ticket.state = 'done';
    this.running--;
    if (ticket.priority !== 'interactive') this.runningShared--;
    this.forget(ticket);
    this.dispatch();
  }

  private forget(ticket: Ticket): void {
    ticket.detach();
    if (ticket.key !== undefined && this.latestByKey.get(ticket.key) === ticket) this.latestByKey.delete(ticket.key);
  }

  private dispatch(): void {
    for (;;) {
      const priority = PRIORITIES.find((p) => this.queues[p].length > 0);
      if (priority === undefined) return this.stopRefillTimer();
      // Lower classes face the same or stricter slot limits, so if the head cannot start, nothing can.
      if (!this.hasSlotFor(priority)) return this.stopRefillTimer();
      if (!this.bucket.take()) return this.wakeForNextToken();
      const ticket = this.queues[priority].shift()!;
      ticket.state = 'running';
      this.running++;
      if (priority !== 'interactive') this.runningShared++;
      ticket.grant({ signal: ticket.controller.signal, release: () => this.release(ticket) });
    }
  }

  private hasSlotFor(priority: Priority): boolean {
    if (this.running >= this.limits.concurrency) return false;
    if (priority === 'interactive') return true;
    const reserve = Math.min(this.limits.interactiveReserve, this.limits.concurrency - 1);
    return this.runningShared < this.limits.concurrency - reserve;
  }

  private wakeForNextToken(): void {
    if (this.refillTimer) return;
    // Deliberately not unref'd: a caller awaiting its turn must keep the process alive.
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.dispatch();
    }, this.bucket.msUntilToken());
  }

  private stopRefillTimer(): void {
    if (!this.refillTimer) return;
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
  }
}

/**
 * Wraps an engine so completions run as 'interactive', chat as 'chat' and embeddings as 'background'.
 * A stream holds its slot while the consumer iterates and releases it when the stream ends, throws,
 * or the consumer stops early. Completions with the same key (by default the document path, else the
 * route key) supersede each other; chat turns and embeddings are never superseded.
 */
export function scheduledEngine(
  engine: Engine,
  scheduler: Scheduler,
  keyOf: (req: CompletionRequest) => string | undefined = (req) => req.cursor?.path ?? req.routeKey,
): Engine {
  const scheduled: Engine = {
    complete(req: CompletionRequest, signal: AbortSignal): AsyncIterable<Delta> {
      const key = keyOf(req);
      // Namespaced so that a completion never cancels other work that happens to use the same path as a key.
      const options: RunOptions = { priority: 'interactive', key: key === undefined ? undefined : `complete:${key}`, signal };
      return leasedStream(scheduler, options, (leased) => engine.complete(req, leased));
    },
    chat(req: ChatRequest, signal: AbortSignal): AsyncIterable<Delta> {
      return leasedStream(scheduler, { priority: 'chat', signal }, (leased) => engine.chat(req, leased));
    },
    info: () => engine.info(),
  };
  const warmUp = engine.warmUp?.bind(engine);
  if (warmUp) scheduled.warmUp = warmUp;
  const embed = engine.embed?.bind(engine);
  if (embed) {
    scheduled.embed = (texts: string[], signal: AbortSignal) => scheduler.run({ priority: 'background', signal }, (leased) => embed(texts, leased));
  }
  return scheduled;
}

/** Opens the stream only once a slot is granted, with the lease's signal, so cancellation reaches the engine. */
async function* leasedStream(
  scheduler: Scheduler,
  options: RunOptions,
  open: (signal: AbortSignal) => AsyncIterable<Delta>,
): AsyncGenerator<Delta> {
  const lease = await scheduler.acquire(options);
  try {
    for await (const delta of open(lease.signal)) {
      // An engine that ignores its signal must not keep delivering text for a cancelled request.
      if (lease.signal.aborted) break;
      yield delta;
    }
    if (lease.signal.aborted) throw lease.signal.reason;
  } catch (error) {
    throw lease.signal.aborted ? lease.signal.reason : error;
  } finally {
    // Also reached when the consumer calls return() (a `break` in for-await): the engine's stream is closed first.
    lease.release();
  }
}

/** Continuous refill: `rate` tokens per second up to `capacity`; one token per request started. */
class TokenBucket {
  private tokens: number;
  private updatedAt = performance.now();

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  msUntilToken(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
  }

  private refill(): void {
    const now = performance.now();
    if (this.rate === Infinity) this.tokens = this.capacity;
    else this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.rate) / 1000);
    this.updatedAt = now;
  }
}

function superseded(key: string): RequestCancelled {
  return new RequestCancelled('superseded', `Cancelled: a newer request for ${key} replaced this one.`);
}

function abortedByCaller(cause: unknown): RequestCancelled {
  return new RequestCancelled('aborted', 'Cancelled by the caller.', cause);
}

function definedOnly(limits: Partial<SchedulerLimits>): Partial<SchedulerLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}

function validateLimits(limits: SchedulerLimits): SchedulerLimits {
  const problems: string[] = [];
  if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1) problems.push(`concurrency must be a whole number ≥ 1 (got ${limits.concurrency})`);
  if (!(limits.ratePerSecond > 0)) problems.push(`ratePerSecond must be > 0, or Infinity for no limit (got ${limits.ratePerSecond})`);
  if (!Number.isFinite(limits.burst) || limits.burst < 1) problems.push(`burst must be a number ≥ 1 (got ${limits.burst})`);
  if (!Number.isInteger(limits.interactiveReserve) || limits.interactiveReserve < 0) {
    problems.push(`interactiveReserve must be a whole number ≥ 0 (got ${limits.interactiveReserve})`);
  }
  if (problems.length > 0) throw new RangeError(`Invalid scheduler limits: ${problems.join('; ')}.`);
  return Object.freeze({ ...limits });
}
