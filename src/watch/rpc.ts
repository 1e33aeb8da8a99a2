/**
 * JSON-RPC 2.0 over the LSP base protocol: the wire format of `inline watch`.
 *
 *     Content-Length: 52\r\n                                  required, decimal, bytes of the body
 *     Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n   optional, utf-8 only
 *     \r\n
 *     {"jsonrpc":"2.0","id":1,"method":"initialize",...}    one JSON-RPC 2.0 message, UTF-8
 *
 * Limits: header section 8 KiB, body 8 MiB (a larger body is answered with an error and skipped
 * unread), at most 16 MiB of outgoing messages queued for a peer that does not read (beyond that
 * the connection is closed). There are no batches. Every malformed frame or message is answered
 * with an error (id null when the id cannot be known) and the connection carries on.
 *
 * Errors: -32700 parse error (bad header section, bad UTF-8, bad JSON), -32600 invalid request
 * (not a JSON-RPC 2.0 message, a batch, a body over the limit), -32601 unknown method (requests;
 * unknown notifications are dropped), -32602 invalid params and any other code through RpcError,
 * -32603 internal error (a handler threw), -32002 not initialized / not authenticated,
 * -32800 cancelled (`$/cancelRequest {id}` aborts the handler's signal and answers at once).
 *
 * Gates, both optional: `requireToken` (TCP) refuses everything until an `initialize` carries
 * `initializationOptions.token`; a wrong token is answered and the connection closed.
 * `requireInitialize` answers requests other than `initialize` with -32002 until an initialize
 * has succeeded, and drops notifications other than `exit` meanwhile, as LSP asks.
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import { encodeFrame, FrameReader } from './framing.js';
import { classifyMessage, describe, ErrorCodes, errorCodeFor, isObject, requestKey, RpcError, type RequestId } from './rpc-messages.js';
import { tokensMatch } from './token.js';

export { ErrorCodes, RpcError, type RequestId } from './rpc-messages.js';

/** Params arrive unvalidated whatever `P` says: a handler checks what it relies on. */
export type RequestHandler<P = unknown> = (params: P, signal: AbortSignal) => unknown;
export type NotificationHandler<P = unknown> = (params: P) => unknown;

export interface RpcConnectionOptions {
  /** When set, nothing is served until `initialize` presents this token (constant-time compare). */
  requireToken?: string;
  /** When true, requests before a successful `initialize` get -32002, as LSP specifies. */
  requireInitialize?: boolean;
  /** Outgoing bytes queued for a peer that is not reading before the connection is closed. */
  maxQueuedBytes?: number;
  /** Diagnostics; never stdout, which may be the protocol stream. */
  log?: (line: string) => void;
}

/** A Duplex (socket) or a pair such as stdin and stdout. */
export type RpcStreams = Duplex | { input: Readable; output: Writable };

const AUTHENTICATE = 'authenticate with the token from the discovery file in initialize';
const DEFAULT_MAX_QUEUED = 16 * 1024 * 1024;
// Requests being handled at once, and their bodies' bytes, before reading pauses: a flood of
// requests then waits in the peer's socket buffer instead of in our memory.
const MAX_IN_FLIGHT = 256;
const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;
// Unknown notification methods are logged once each, up to this many, so a noisy peer cannot flood the log.
const MAX_LOGGED_UNKNOWN = 32;
// A closing connection waits this long for its last messages to flush before it is torn down.
const CLOSE_GRACE_MS = 1_000;

const defaultLog = (line: string): void => void process.stderr.write(`inline watch: ${line}\n`);
let nextConnectionId = 1;

interface InFlight {
  controller: AbortController;
  bytes: number;
}

interface Outgoing {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class RpcConnection {
  readonly id = nextConnectionId++;
  private readonly input: Readable;
  private readonly output: Writable;
  // Set when one stream carries both directions (a socket), which the connection may end and destroy.
  private readonly duplex: Duplex | undefined;
  private readonly reader: FrameReader;
  private readonly requests = new Map<string, RequestHandler>();
  private readonly notifications = new Map<string, NotificationHandler>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly outgoing = new Map<RequestId, Outgoing>();
  private readonly closeCallbacks: Array<() => void> = [];
  private readonly loggedUnknown = new Set<string>();
  private readonly log: (line: string) => void;
  private readonly maxQueuedBytes: number;
  private inFlightBytes = 0;
  private nextRequestId = 1;
  private authenticated: boolean;
  private initialized: boolean;
  private paused = false;
  private isClosed = false;

  constructor(
    streams: RpcStreams,
    private readonly options: RpcConnectionOptions = {},
  ) {
    const pair = 'input' in streams && 'output' in streams;
    this.duplex = pair ? undefined : (streams as Duplex);
    this.input = pair ? streams.input : (streams as Duplex);
    this.output = pair ? streams.output : (streams as Duplex);
    this.log = options.log ?? defaultLog;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED;
    this.authenticated = options.requireToken === undefined;
    this.initialized = options.requireInitialize !== true;
    this.reader = new FrameReader({
      message: (body, bytes) => this.receive(body, bytes),
      error: (error) => this.sendError(null, errorCodeFor(error), error.message),
    });
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('close', this.onEnd);
    this.input.on('error', this.onStreamError);
    if (pair) {
      this.output.on('error', this.onStreamError);
      this.output.on('close', this.onEnd);
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  onRequest<P = unknown>(method: string, handler: RequestHandler<P>): void {
    this.requests.set(method, handler as RequestHandler);
  }

  onNotification<P = unknown>(method: string, handler: NotificationHandler<P>): void {
    this.notifications.set(method, handler as NotificationHandler);
  }

  onClose(callback: () => void): void {
    if (this.isClosed) queueMicrotask(callback);
    else this.closeCallbacks.push(callback);
  }

  sendNotification(method: string, params?: unknown): void {
    this.writeBody(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }));
  }

  /** A request to the peer; `signal` cancels it with `$/cancelRequest` and rejects at once. */
  sendRequest(method: string, params?: unknown, signal?: AbortSignal): Promise<unknown> {
    const cancelled = (): RpcError => new RpcError(ErrorCodes.RequestCancelled, `request ${method} was cancelled`);
    if (this.isClosed) return Promise.reject(new Error('the connection is closed'));
    if (signal?.aborted) return Promise.reject(cancelled());
    const id = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.outgoing.delete(id)) return;
        this.sendNotification('$/cancelRequest', { id });
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.outgoing.set(id, { resolve: (result) => (settle(), resolve(result)), reject: (error) => (settle(), reject(error)) });
      this.writeBody(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    });
  }

  /** Stops serving: in-flight handlers are aborted, queued output is flushed, then the stream closes. */
  close(): void {
    if (this.isClosed) return;
    this.shutdown();
    const stream = this.duplex;
    if (stream) {
      const timer = setTimeout(() => stream.destroy(), CLOSE_GRACE_MS);
      timer.unref();
      stream.once('close', () => clearTimeout(timer));
      stream.end(() => stream.destroy());
    } else {
      // The pair may be the process's own stdio, which is not ours to end.
      this.input.pause();
    }
  }

  private readonly onData = (chunk: Buffer | string): void => {
    if (this.isClosed) return;
    this.reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  };

  private readonly onEnd = (): void => {
    if (this.isClosed) return;
    this.shutdown();
    this.duplex?.destroy();
  };

  private readonly onStreamError = (error: Error): void => {
    const code = (error as NodeJS.ErrnoException).code;
    // A peer that vanishes mid-write is ordinary; anything else is worth a line in the log.
    if (code !== 'EPIPE' && code !== 'ECONNRESET') this.log(`connection ${this.id}: ${error.message}`);
    this.onEnd();
  };

  private receive(body: string, bytes: number): void {
    if (this.isClosed) return;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      this.sendError(null, ErrorCodes.ParseError, `parse error: ${(error as Error).message}`);
      return;
    }
    const message = classifyMessage(value);
    if (message.kind === 'invalid') {
      this.sendError(message.id, ErrorCodes.InvalidRequest, `invalid request: ${message.reason}`);
      return;
    }
    if (message.kind === 'response') {
      this.settleOutgoing(message.id, message.outcome);
      return;
    }
    if (!this.authenticated) {
      if (message.kind === 'request' && message.method === 'initialize') this.authenticate(message.id, message.params, bytes);
      else this.sendError(message.kind === 'request' ? message.id : null, ErrorCodes.ServerNotInitialized, AUTHENTICATE);
      return;
    }
    if (message.kind === 'request') this.handleRequest(message.id, message.method, message.params, bytes);
    else this.handleNotification(message.method, message.params);
  }

  private authenticate(id: RequestId, params: unknown, bytes: number): void {
    const options = isObject(params) ? params['initializationOptions'] : undefined;
    const token = isObject(options) ? options['token'] : undefined;
    if (!tokensMatch(token, this.options.requireToken!)) {
      this.sendError(id, ErrorCodes.ServerNotInitialized, `invalid token: ${AUTHENTICATE}`);
      this.close();
      return;
    }
    this.authenticated = true;
    // The token is a transport secret: the server's handlers (and their logs) never see it.
    const { token: _secret, ...rest } = options as Record<string, unknown>;
    this.handleRequest(id, 'initialize', { ...(params as object), initializationOptions: rest }, bytes);
  }

  private handleRequest(id: RequestId, method: string, params: unknown, bytes: number): void {
    if (!this.initialized && method !== 'initialize') {
      this.sendError(id, ErrorCodes.ServerNotInitialized, `server not initialized: send initialize before ${method}`);
      return;
    }
    const handler = this.requests.get(method);
    if (!handler) {
      this.sendError(id, ErrorCodes.MethodNotFound, `unknown method: ${method}`);
      return;
    }
    const key = requestKey(id);
    if (this.inFlight.has(key)) {
      this.sendError(id, ErrorCodes.InvalidRequest, `invalid request: id ${JSON.stringify(id)} is already in use`);
      return;
    }
    const entry: InFlight = { controller: new AbortController(), bytes };
    this.inFlight.set(key, entry);
    this.inFlightBytes += bytes;
    this.applyFlowControl();
    let outcome: Promise<unknown>;
    try {
      outcome = Promise.resolve(handler(params, entry.controller.signal));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => {
        if (!this.finish(key, entry)) return;
        if (method === 'initialize') this.initialized = true;
        this.sendResult(id, method, result);
      },
      (error: unknown) => {
        if (this.finish(key, entry)) this.sendHandlerError(id, method, error);
      },
    );
  }

  /** Forgets a finished request; false when it was already answered (cancelled or closed). */
  private finish(key: string, entry: InFlight): boolean {
    if (this.inFlight.get(key) !== entry) return false;
    this.inFlight.delete(key);
    this.inFlightBytes -= entry.bytes;
    this.applyFlowControl();
    return !this.isClosed;
  }

  private handleNotification(method: string, params: unknown): void {
    if (method === '$/cancelRequest') return this.cancel(params);
    if (!this.initialized && method !== 'exit') return;
    const handler = this.notifications.get(method);
    if (!handler) {
      if (!method.startsWith('$/') && !this.loggedUnknown.has(method) && this.loggedUnknown.size < MAX_LOGGED_UNKNOWN) {
        this.loggedUnknown.add(method);
        this.log(`connection ${this.id}: ignoring unknown notification ${JSON.stringify(method)}`);
      }
      return;
    }
    const logFailure = (error: unknown): void => this.log(`connection ${this.id}: notification ${method} failed: ${describe(error)}`);
    try {
      const outcome = handler(params);
      if (outcome instanceof Promise) outcome.catch(logFailure);
    } catch (error) {
      logFailure(error);
    }
  }

  private cancel(params: unknown): void {
    const id = isObject(params) ? params['id'] : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const key = requestKey(id);
    const entry = this.inFlight.get(key);
    if (!entry) return;
    this.finish(key, entry);
    this.sendError(id, ErrorCodes.RequestCancelled, 'request cancelled');
    entry.controller.abort(new RpcError(ErrorCodes.RequestCancelled, 'request cancelled'));
  }

  private settleOutgoing(id: RequestId | null, outcome: { result: unknown } | { error: RpcError }): void {
    if (id === null) {
      if ('error' in outcome) this.log(`connection ${this.id}: peer reported error ${outcome.error.code}: ${outcome.error.message}`);
      return;
    }
    const pending = this.outgoing.get(id);
    if (!pending) return;
    this.outgoing.delete(id);
    if ('error' in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.result);
  }

  private sendResult(id: RequestId, method: string, result: unknown): void {
    let body: string;
    try {
      body = JSON.stringify({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
    } catch (error) {
      this.sendHandlerError(id, method, new Error(`result is not serialisable as JSON: ${describe(error)}`));
      return;
    }
    this.writeBody(body);
  }

  private sendHandlerError(id: RequestId, method: string, error: unknown): void {
    if (error instanceof RpcError) {
      this.sendError(id, error.code, error.message, error.data);
      return;
    }
    this.log(`connection ${this.id}: ${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    this.sendError(id, ErrorCodes.InternalError, `internal error in ${method}: ${describe(error)}`);
  }

  private sendError(id: RequestId | null, code: number, message: string, data?: unknown): void {
    const error = { code, message, ...(data === undefined ? {} : { data }) };
    try {
      this.writeBody(JSON.stringify({ jsonrpc: '2.0', id, error }));
    } catch {
      this.writeBody(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
    }
  }

  private writeBody(body: string): void {
    if (this.isClosed || this.output.destroyed || this.output.writableEnded) return;
    const frame = encodeFrame(body);
    const queued = this.output.writableLength;
    // An empty queue always takes the next message, so one large answer is not mistaken for a stalled peer.
    if (queued > 0 && queued + frame.length > this.maxQueuedBytes) {
      this.log(`connection ${this.id}: peer is not reading (${queued} bytes queued); closing the connection`);
      this.shutdown();
      this.input.destroy();
      this.output.destroy();
      return;
    }
    this.output.write(frame);
  }

  private applyFlowControl(): void {
    const busy = this.inFlight.size >= MAX_IN_FLIGHT || this.inFlightBytes >= MAX_IN_FLIGHT_BYTES;
    if (busy === this.paused || this.isClosed) return;
    this.paused = busy;
    if (busy) this.input.pause();
    else this.input.resume();
  }

  private shutdown(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.input.off('data', this.onData);
    const closed = new RpcError(ErrorCodes.RequestCancelled, 'connection closed');
    for (const entry of this.inFlight.values()) entry.controller.abort(closed);
    this.inFlight.clear();
    this.inFlightBytes = 0;
    for (const pending of this.outgoing.values()) pending.reject(new Error('the connection closed before the peer answered'));
    this.outgoing.clear();
    for (const callback of this.closeCallbacks.splice(0)) {
      try {
        callback();
      } catch (error) {
        this.log(`connection ${this.id}: close callback failed: ${describe(error)}`);
      }
    }
  }
}
