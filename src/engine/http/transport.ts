/**
 * HTTP over undici with the deadlines interactive use needs: one for the first byte of the
 * body (headers alone do not count: a server can send them and then sit in its queue) and one
 * for stalls between chunks. The stall clock runs only while we wait on the network, never
 * while the caller is busy with a chunk it was given.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { Timeout } from '../errors.js';
import { errorFromNetwork } from './classify.js';

export interface Deadlines {
  connectMs: number;
  firstByteMs: number;
  stallMs: number;
}

export type Headers = Record<string, string | string[] | undefined>;

export interface TransportOptions {
  apiKey?: string;
  deadlines: Deadlines;
  userAgent: string;
}

type Phase = 'first-byte' | 'stall';

class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  fired: { phase: Phase; ms: number } | undefined;

  constructor(private readonly onFire: () => void) {}

  arm(phase: Phase, ms: number): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.fired = { phase, ms };
      this.onFire();
    }, ms);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export class OpenResponse {
  private gotFirstByte = false;
  private finished = false;

  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly headers: Headers,
    private readonly body: Dispatcher.ResponseData['body'],
    private readonly watchdog: Watchdog,
    private readonly deadlines: Deadlines,
    private readonly signal: AbortSignal,
    private readonly cleanup: () => void,
  ) {}

  get contentType(): string {
    const value = this.headers['content-type'];
    return (Array.isArray(value) ? value[0] : value ?? '').toLowerCase();
  }

  /**
   * Decoded text as it arrives. `delivered` tells error reporting whether the caller already
   * produced output from earlier chunks, which makes a later failure partial.
   */
  async *text(delivered: () => boolean = () => this.gotFirstByte): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    const iterator = this.body[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (this.gotFirstByte) this.watchdog.arm('stall', this.deadlines.stallMs);
        let step: IteratorResult<Buffer>;
        try {
          step = await iterator.next();
        } catch (err) {
          throw this.failure(err, delivered());
        }
        this.watchdog.disarm();
        if (step.done) break;
        this.gotFirstByte = true;
        const text = decoder.decode(step.value, { stream: true });
        if (text.length > 0) yield text;
      }
      const rest = decoder.decode();
      if (rest.length > 0) yield rest;
      this.finished = true;
    } finally {
      this.close();
    }
  }

  /** The whole body as text, refusing bodies over `limitBytes` (a misrouted request can return a lot). */
  async readAll(limitBytes: number): Promise<string> {
    let out = '';
    for await (const piece of this.text(() => false)) {
      out += piece;
      if (out.length > limitBytes) {
        this.close();
        return out.slice(0, limitBytes);
      }
    }
    return out;
  }

  /** Releases the connection; aborts the request when the body was not read to the end. */
  close(): void {
    this.watchdog.disarm();
    if (!this.finished) {
      this.finished = true;
      this.body.destroy();
    }
    this.cleanup();
  }

  private failure(err: unknown, partial: boolean): unknown {
    if (this.signal.aborted) return this.signal.reason;
    if (this.watchdog.fired) return timeoutError(this.endpoint, this.watchdog.fired.phase, this.watchdog.fired.ms);
    return errorFromNetwork(this.endpoint, err, partial);
  }
}

export function timeoutError(endpoint: string, phase: Phase, ms: number): Timeout {
  const message =
    phase === 'first-byte'
      ? `No response from ${endpoint} within ${ms} ms. The server may be overloaded or still loading the model; ` +
        'raise "timeouts.firstByteMs" in .inline/config.json, or run `inline doctor`.'
      : `${endpoint} stopped sending for ${ms} ms in the middle of a reply, so the answer is incomplete. ` +
        'Try again, or raise "timeouts.stallMs" in .inline/config.json.';
  return new Timeout(message, { endpoint, phase, afterMs: ms });
}

export class HttpTransport {
  private readonly agent: Agent;

  constructor(private readonly options: TransportOptions) {
    // undici's own header/body timeouts are off: the watchdog above gives typed errors instead.
    this.agent = new Agent({
      connect: { timeout: options.deadlines.connectMs },
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 10_000,
    });
  }

  get deadlines(): Deadlines {
    return this.options.deadlines;
  }

  /**
   * Sends a request and resolves once headers arrive. `firstByteMs` overrides the configured
   * deadline (doctor probes use a short one).
   */
  async open(
    method: 'GET' | 'POST',
    endpoint: string,
    url: string,
    body: unknown,
    signal: AbortSignal,
    firstByteMs = this.options.deadlines.firstByteMs,
  ): Promise<OpenResponse> {
    if (signal.aborted) throw signal.reason;
    const controller = new AbortController();
    const watchdog = new Watchdog(() => controller.abort());
    const forwardAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', forwardAbort, { once: true });
    const cleanup = () => signal.removeEventListener('abort', forwardAbort);
    watchdog.arm('first-byte', firstByteMs);

    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', 'user-agent': this.options.userAgent };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    try {
      const res = await request(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        dispatcher: this.agent,
      });
      return new OpenResponse(endpoint, res.statusCode, res.headers, res.body, watchdog, this.options.deadlines, signal, cleanup);
    } catch (err) {
      watchdog.disarm();
      cleanup();
      if (signal.aborted) throw signal.reason;
      if (watchdog.fired) throw timeoutError(endpoint, watchdog.fired.phase, watchdog.fired.ms);
      throw errorFromNetwork(endpoint, err, false);
    }
  }

  get apiKeySent(): boolean {
    return Boolean(this.options.apiKey);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
