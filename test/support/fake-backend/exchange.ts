import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseStyle {
  eol: string;
  multiline: boolean;
}

export const PLAIN_SSE: SseStyle = { eol: '\n', multiline: false };

/**
 * Split JSON in two at a comma outside any string literal, near the middle. Splitting inside
 * a string would be invalid once the SSE parser rejoins the lines with '\n'.
 */
export function splitJsonLines(json: string): string[] {
  let inString = false;
  let cut = -1;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === ',') {
      cut = i;
      if (i >= json.length / 2) break;
    }
  }
  return cut < 0 ? [json] : [json.slice(0, cut + 1), json.slice(cut + 1)];
}

export function frame(data: string, style: SseStyle): string {
  const lines = style.multiline && data !== '[DONE]' ? splitJsonLines(data) : [data];
  return lines.map((l) => `data: ${l}${style.eol}`).join('') + style.eol;
}

/**
 * One request/response pair. Every asynchronous step (timer, flush, tick) goes through
 * `track`, so a client disconnect or `close()` settles them all at once; handlers then see
 * `false` and bail out, which is what keeps `close()` from waiting on stalled scripts.
 */
export class Exchange {
  closed = false;
  /** Set when the fake kills the connection on purpose, so that isn't recorded as a client abort. */
  killedByServer = false;
  private readonly cancels = new Set<() => void>();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {}

  wait(ms: number): Promise<boolean> {
    return this.track((done) => {
      const t = setTimeout(() => done(true), ms);
      return () => clearTimeout(t);
    });
  }

  tick(): Promise<boolean> {
    return this.track((done) => {
      const t = setImmediate(() => done(true));
      return () => clearImmediate(t);
    });
  }

  /** Resolves once the bytes reach the socket, so a following kill cannot discard them. */
  write(chunk: string | Uint8Array): Promise<boolean> {
    if (this.res.destroyed) return Promise.resolve(false);
    return this.track((done) => {
      this.res.write(chunk, (err) => done(!err));
    });
  }

  end(): void {
    if (!this.closed && !this.res.writableEnded) this.res.end();
  }

  send(status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
    if (this.closed || this.res.headersSent) return;
    this.res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
    this.res.end(body);
  }

  json(status: number, value: unknown, headers?: Record<string, string>): void {
    this.send(status, 'application/json', JSON.stringify(value), headers);
  }

  /** Headers go out immediately so "mid-stream" faults really happen after the client saw a 200. */
  startSse(): void {
    this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    this.res.flushHeaders();
  }

  startJson(): void {
    this.res.writeHead(200, { 'content-type': 'application/json' });
    this.res.flushHeaders();
  }

  /**
   * `reset` sends a TCP RST (client sees ECONNRESET). Mid-stream kills use a plain close
   * instead: an RST can make the client's kernel drop bytes it already received, which
   * would make "partial data, then error" assertions flaky.
   */
  kill(reset: boolean): void {
    this.killedByServer = true;
    const socket = this.req.socket;
    if (reset && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
    this.shutdown();
  }

  shutdown(): void {
    this.closed = true;
    for (const cancel of [...this.cancels]) cancel();
  }

  private track(start: (done: (ok: boolean) => void) => (() => void) | void): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      let settled = false;
      let dispose: (() => void) | void = undefined;
      const finish = (ok: boolean) => {
        if (settled) return;
        settled = true;
        this.cancels.delete(cancel);
        dispose?.();
        resolve(ok && !this.closed);
      };
      const cancel = () => finish(false);
      this.cancels.add(cancel);
      dispose = start(finish);
    });
  }
}
