/**
 * The LSP base protocol's framing, read incrementally from a byte stream: a header section of
 * `Name: value` lines ending in a blank line, then exactly Content-Length bytes of UTF-8 body.
 *
 * The reader never holds more than the header limit (plus the unread rest of the current chunk)
 * or one body within the body limit. A body over the limit is counted off as it streams past and
 * never stored. After a header section it cannot use, it hunts for the next `Content-Length:`
 * and carries on from there, so one bad frame costs one error, not the connection.
 */

export const MAX_HEADER_BYTES = 8 * 1024;
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** What went wrong with a frame; rpc.ts turns each kind into a JSON-RPC error code. */
export type FramingErrorKind = 'malformed-header' | 'body-too-large' | 'unsupported-encoding' | 'invalid-utf8';

export interface FramingError {
  kind: FramingErrorKind;
  message: string;
}

export interface FrameSink {
  /** One complete body, decoded; `bytes` is its length on the wire. */
  message(body: string, bytes: number): void;
  error(error: FramingError): void;
}

export interface FrameLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

type State =
  | { kind: 'header' }
  | { kind: 'body'; body: Buffer; received: number }
  | { kind: 'skip'; remaining: number }
  | { kind: 'resync' };

type HeaderVerdict =
  | { kind: 'frame'; length: number }
  // The header is readable but its body must not be: the body is skipped by its declared length.
  | { kind: 'skip'; length: number; error: FramingError }
  // `line` is the index of the offending line; 0 also when no line is to blame (no Content-Length).
  | { kind: 'malformed'; error: FramingError; line: number };

const EMPTY = Buffer.alloc(0);
const TERMINATOR = Buffer.from('\r\n\r\n', 'latin1');
const RESYNC_NEEDLE = Buffer.from('content-length:', 'latin1');
const CR = 0x0d;
const LF = 0x0a;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class FrameReader {
  private state: State = { kind: 'header' };
  // Unconsumed bytes carried to the next chunk: an incomplete header section or a resync tail.
  private pending: Buffer = EMPTY;
  // Stream offset of pending[0]; lets the reader report one error per bad region, not one per retry.
  private pendingOffset = 0;
  private quietUntil = 0;
  private readonly limits: FrameLimits;

  constructor(
    private readonly sink: FrameSink,
    limits: Partial<FrameLimits> = {},
  ) {
    this.limits = { maxHeaderBytes: limits.maxHeaderBytes ?? MAX_HEADER_BYTES, maxBodyBytes: limits.maxBodyBytes ?? MAX_BODY_BYTES };
  }

  /** Bytes held between chunks: a partial header or body. Bounded by the limits. */
  get bufferedBytes(): number {
    return this.pending.length + (this.state.kind === 'body' ? this.state.received : 0);
  }

  push(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const dataOffset = this.pendingOffset;
    this.pending = EMPTY;
    const scan = new TerminatorScan(data);
    let at = 0;
    while (at < data.length) {
      switch (this.state.kind) {
        case 'header':
          at = this.readHeader(data, at, dataOffset, scan);
          break;
        case 'body':
          at = this.readBody(data, at, this.state);
          break;
        case 'skip':
          at = this.skip(data, at, this.state);
          break;
        case 'resync':
          at = this.resync(data, at);
          break;
      }
    }
    this.pendingOffset = dataOffset + data.length - this.pending.length;
  }

  private readHeader(data: Buffer, start: number, dataOffset: number, scan: TerminatorScan): number {
    // Tolerate stray line breaks between frames (some clients end a body with a newline).
    let at = start;
    while (at < data.length && (data[at] === CR || data[at] === LF)) at++;
    if (at === data.length) return at;
    const end = scan.from(at);
    if (end === -1) {
      if (data.length - at <= this.limits.maxHeaderBytes) {
        // Copied so that a small leftover does not pin a large chunk in memory.
        this.pending = Buffer.from(data.subarray(at));
        return data.length;
      }
      return this.rejectHeader(at, data.length, dataOffset, headerTooLong(this.limits.maxHeaderBytes), at + 1);
    }
    const sectionEnd = end + TERMINATOR.length;
    if (sectionEnd - at > this.limits.maxHeaderBytes) {
      return this.rejectHeader(at, sectionEnd, dataOffset, headerTooLong(this.limits.maxHeaderBytes), at + 1);
    }
    const verdict = judgeHeader(data.toString('latin1', at, end), this.limits.maxBodyBytes);
    if (verdict.kind === 'malformed') {
      // A bad first line may be garbage glued to the front of a good header, so the hunt starts
      // one byte in. Past a good first line the section was one header, bad as a whole.
      return this.rejectHeader(at, sectionEnd, dataOffset, verdict.error, verdict.line === 0 ? at + 1 : sectionEnd);
    }
    if (verdict.kind === 'skip') {
      this.sink.error(verdict.error);
      this.state = verdict.length > 0 ? { kind: 'skip', remaining: verdict.length } : { kind: 'header' };
      return sectionEnd;
    }
    if (verdict.length === 0) {
      this.deliver(EMPTY);
      return sectionEnd;
    }
    const available = data.length - sectionEnd;
    if (available >= verdict.length) {
      this.deliver(data.subarray(sectionEnd, sectionEnd + verdict.length));
      return sectionEnd + verdict.length;
    }
    this.state = { kind: 'body', body: Buffer.allocUnsafe(verdict.length), received: 0 };
    return sectionEnd;
  }

  /**
   * Reports a bad header section, once per bad region: a retry from inside a region already
   * reported stays quiet. Then hunts for the next `Content-Length:` from `resumeAt`.
   */
  private rejectHeader(start: number, end: number, dataOffset: number, error: FramingError, resumeAt: number): number {
    if (dataOffset + start >= this.quietUntil) this.sink.error(error);
    this.quietUntil = Math.max(this.quietUntil, dataOffset + end);
    this.state = { kind: 'resync' };
    return resumeAt;
  }

  private readBody(data: Buffer, at: number, state: { body: Buffer; received: number }): number {
    const take = Math.min(state.body.length - state.received, data.length - at);
    data.copy(state.body, state.received, at, at + take);
    state.received += take;
    if (state.received === state.body.length) {
      this.state = { kind: 'header' };
      this.deliver(state.body);
    }
    return at + take;
  }

  private skip(data: Buffer, at: number, state: { remaining: number }): number {
    const take = Math.min(state.remaining, data.length - at);
    state.remaining -= take;
    if (state.remaining === 0) this.state = { kind: 'header' };
    return at + take;
  }

  private resync(data: Buffer, at: number): number {
    const found = indexOfIgnoringCase(data, RESYNC_NEEDLE, at);
    if (found !== -1) {
      this.state = { kind: 'header' };
      return found;
    }
    // Keep just enough to recognise a needle split across this chunk and the next.
    const keep = Math.min(RESYNC_NEEDLE.length - 1, data.length - at);
    this.pending = Buffer.from(data.subarray(data.length - keep));
    return data.length;
  }

  private deliver(body: Buffer): void {
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      this.sink.error({ kind: 'invalid-utf8', message: 'message body is not valid UTF-8' });
      return;
    }
    this.sink.message(text, body.length);
  }
}

/** One LSP frame: the Content-Length header (in bytes of the UTF-8 body) and the body. */
export function encodeFrame(body: string): Buffer {
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  const header = `Content-Length: ${bodyBytes}\r\n\r\n`;
  const frame = Buffer.allocUnsafe(header.length + bodyBytes);
  frame.write(header, 0, 'latin1');
  frame.write(body, header.length, 'utf8');
  return frame;
}

/** Decides what a complete header section (without its blank line) allows the reader to do. */
function judgeHeader(section: string, maxBodyBytes: number): HeaderVerdict {
  let length: number | undefined;
  let charset: string | undefined;
  const lines = section.split('\r\n');
  for (const [index, line] of lines.entries()) {
    const match = HEADER_LINE.exec(line);
    if (!match || CONTROL_CHARACTER.test(line)) {
      return malformed(`header line ${index + 1} ${quote(line)} is not "Name: value"`, index);
    }
    const name = match[1]!.toLowerCase();
    const value = match[2]!;
    if (name === 'content-length') {
      const parsed = parseLength(value);
      if (parsed === undefined) return malformed(`Content-Length ${quote(value)} is not a decimal byte count`, index);
      if (length !== undefined && length !== parsed) return malformed('conflicting Content-Length headers', index);
      length = parsed;
    } else if (name === 'content-type') {
      charset = charsetOf(value);
    }
  }
  if (length === undefined) return malformed('the header section has no Content-Length', 0);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return { kind: 'skip', length, error: { kind: 'unsupported-encoding', message: `unsupported charset ${quote(charset)}: only utf-8 is accepted` } };
  }
  if (length > maxBodyBytes) {
    const message = `message body of ${length} bytes exceeds the limit of ${maxBodyBytes} bytes`;
    return { kind: 'skip', length, error: { kind: 'body-too-large', message } };
  }
  return { kind: 'frame', length };
}

function parseLength(value: string): number | undefined {
  if (!/^[0-9]+$/.test(value)) return undefined;
  const length = Number(value);
  // Beyond this, counting bytes off would lose precision; no honest peer sends such a length.
  return Number.isSafeInteger(length) ? length : undefined;
}

function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const [key, raw] = parameter.split('=', 2);
    if (key?.trim().toLowerCase() !== 'charset' || raw === undefined) continue;
    return raw.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
}

function malformed(message: string, line: number): HeaderVerdict {
  return { kind: 'malformed', line, error: { kind: 'malformed-header', message: `malformed header: ${message}` } };
}

function headerTooLong(limit: number): FramingError {
  return { kind: 'malformed-header', message: `malformed header: the header section exceeds ${limit} bytes` };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Position of `lowerNeedle` in `data` from `from`, ASCII case-insensitively; -1 when absent. */
function indexOfIgnoringCase(data: Buffer, lowerNeedle: Buffer, from: number): number {
  const first = lowerNeedle[0]!;
  const last = data.length - lowerNeedle.length;
  outer: for (let i = from; i <= last; i++) {
    if ((data[i]! | 0x20) !== first) continue;
    for (let j = 1; j < lowerNeedle.length; j++) {
      const byte = data[i + j]!;
      const folded = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
      if (folded !== lowerNeedle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/**
 * Finds the end of a header section, remembering the last answer: retrying one byte further on
 * after a bad section lands on the same terminator, and rescanning each time would be quadratic.
 */
class TerminatorScan {
  private searchedFrom = Number.POSITIVE_INFINITY;
  private found = -1;

  constructor(private readonly data: Buffer) {}

  from(at: number): number {
    const reusable = at >= this.searchedFrom && (this.found === -1 || at <= this.found);
    if (!reusable) {
      this.searchedFrom = at;
      this.found = this.data.indexOf(TERMINATOR, at);
    }
    return this.found;
  }
}
